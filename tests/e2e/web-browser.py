#!/usr/bin/python3
# The web view in headless Chromium (Debian's chromium, chromium-driver and
# python3-selenium), against a medium with an AP VM and a station VM that
# pings it (tests/e2e/vhost/07-web.sh). Prints one "NAME pass|fail [why]"
# line per check; exit 1 if any failed.
#   web-browser.py URL CONTROL-SOCKET WIFIMEDIUM-CTL OUT-DIR [READ-ONLY-URL]
import json
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

URL, SOCK, CTL, OUT = sys.argv[1:5]
STA, AP = "02:bb:00:00:00:00", "02:aa:00:00:00:00"
fails = 0


def result(name, ok, why=""):
    global fails
    fails += not ok
    print("%s %s %s" % (name, "pass" if ok else "fail", "" if ok else why), flush=True)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def ctl(*args):
    out = subprocess.run([CTL, "-s", SOCK, "--json", *args], capture_output=True, timeout=30)
    return json.loads(out.stdout)


def ctl_link(frm, to):
    for l in ctl("links")["links"]:
        if l["from"] == frm and l["to"] == to:
            return l
    return None


def wait(what, fn, seconds=60):
    """fn() until it is truthy: its value, or None after seconds."""
    end = time.time() + seconds
    while time.time() < end:
        try:
            v = fn()
        except Exception as e:  # the page re-renders under our feet: try again
            log("wait %s: %s" % (what, e))
            v = None
        if v:
            return v
        time.sleep(0.3)
    log("gave up waiting for " + what)
    return None


def main(d):
    d.get(URL)
    q = lambda css: d.find_elements(By.CSS_SELECTOR, css)

    def texts(css):
        """The texts of what css finds, for messages (lists are redrawn as events come)."""
        for _ in range(5):
            try:
                return [e.text for e in q(css)]
            except Exception:
                time.sleep(0.2)
        return []

    up = wait("medium up", lambda: "medium up" in d.find_element(By.ID, "medium").text)
    result("medium-up", up, d.find_element(By.ID, "medium").text)

    # Nodes with their radios: two nodes, each coloured by a radio's channel.
    nodes = wait("nodes with radios", lambda: len(q("#nodes g.node:not(.noradio)")) == 2)
    labels = texts("#nodes g.node")
    result("nodes-with-radios", nodes, labels)
    result("node-shows-channel-and-power", any("ch 1" in t and "20 dBm" in t for t in labels), labels)

    # The link between them, coloured by SNR, as the medium has it.
    link = wait("a link", lambda: q("#links line[data-link='0-1']"))
    snr_page = float(link[0].get_attribute("data-snr")) if link else None
    l = ctl_link(STA, AP)
    result("link-drawn", link and l and abs(snr_page - max(l["snr"], ctl_link(AP, STA)["snr"])) < 1,
           (snr_page, l))

    # The association: station -> AP, from the acked association response.
    assoc = wait("association", lambda: q("#assoc path[data-sta='%s'][data-ap='%s']" % (STA, AP)))
    result("association-drawn", assoc, len(q("#assoc path")))

    # The event feed has the association's frames; the radios' counters move.
    ev = wait("association events", lambda: q("#events li.ev-assoc-resp") and q("#events li.ev-auth"))
    result("events-association", ev, texts("#events li")[:10])

    def sta_tx():
        row = q("#radios tr[data-radio='%s'] td" % STA)
        return int(row[4].text) if row else None

    tx0 = wait("station row", sta_tx)
    tx1 = wait("counters moving", lambda: (sta_tx() or 0) > (tx0 or 0) and sta_tx(), 30)
    result("counters-update", tx0 and tx1, (tx0, tx1))
    chan = wait("airtime", lambda: [t for t in texts("#channels tr[data-freq='2412']") if "%" in t])
    result("airtime-per-channel", chan, texts("#channels tr"))

    # The station leaves and comes back: a deauthentication in the feed,
    # the association drawn again after a new association response.
    # A new association (a reassociation if wpa_supplicant knew the AP).
    responses = "#events li.ev-assoc-resp, #events li.ev-reassoc-resp"
    n_assoc = len(q(responses))
    leaving = "#events li.ev-deauth, #events li.ev-disassoc"
    n_leave = len(q(leaving))
    open(os.path.join(OUT, "flags", "reconnect"), "w").close()
    deauth = wait("deauth in the feed", lambda: len(q(leaving)) > n_leave, 90)
    result("events-deauth-live", deauth, texts("#events li")[:10])
    again = wait("reassociation", lambda: len(q(responses)) > n_assoc and
                 q("#assoc path[data-sta='%s']" % STA), 90)
    result("association-again-live", again, texts("#events li")[:10])

    # Drag the station with the mouse: the medium moves it, the SNR follows.
    before = ctl("nodes")["nodes"][1]["pos"]
    snr0 = ctl_link(AP, STA)["snr"]
    page0 = float(q("#links line[data-link='0-1']")[0].get_attribute("data-snr"))
    sta = [e for e in q("#nodes g.node") if e.get_attribute("data-node") == "1"][0]
    circle = sta.find_element(By.CSS_SELECTOR, "circle")
    ActionChains(d).move_to_element(circle).click_and_hold() \
        .move_by_offset(40, 0).move_by_offset(80, 0).move_by_offset(130, 0).release().perform()
    moved = wait("the move in the medium", lambda: ctl("nodes")["nodes"][1]["pos"][0] > before[0] + 1
                 and ctl("nodes")["nodes"][1]["pos"], 30)
    result("drag-moves-node", moved, (before, moved))
    snr1 = ctl_link(AP, STA)["snr"]
    result("drag-changes-snr", snr1 < snr0 - 1, (snr0, snr1))
    page1 = wait("the page's new SNR", lambda: abs(float(
        q("#links line[data-link='0-1']")[0].get_attribute("data-snr")) - page0) > 1 and
        float(q("#links line[data-link='0-1']")[0].get_attribute("data-snr")), 30)
    result("page-shows-new-snr", page1, (page0, page1))
    node_x = wait("the page's new position", lambda: float(
        [e for e in q("#nodes g.node") if e.get_attribute("data-node") == "1"][0]
        .get_attribute("data-x")) > before[0] + 1, 30)
    result("page-shows-new-position", node_x)

    # The station's panel: set its power with the form, give it a path and stop it.
    sta = [e for e in q("#nodes g.node") if e.get_attribute("data-node") == "1"][0]
    ActionChains(d).move_to_element(sta.find_element(By.CSS_SELECTOR, "circle")).click().perform()
    forms = wait("node panel", lambda: len(q("#selbody form")) >= 3, 10)
    result("node-panel-tools", forms, texts("#selbody"))

    def submit(label, values):
        form = [f for f in q("#selbody form") if f.text.startswith(label)][0]
        for name, v in values.items():
            field = form.find_element(By.NAME, name)
            field.clear()
            field.send_keys(v)
        form.find_element(By.CSS_SELECTOR, "button").click()

    submit("tx power", {"dbm": "14"})
    power = wait("power in the medium", lambda: ctl("nodes")["nodes"][1]["tx_power"] == 14, 20)
    result("form-sets-power", power, ctl("nodes")["nodes"][1])
    submit("path", {"pts": "12,0 8,0", "speed": "2", "pause": "0"})
    walking = wait("a path in the medium", lambda: ctl("nodes")["nodes"][1].get("mobility"), 20)
    result("form-gives-path", walking, ctl("nodes")["nodes"][1])
    [b for b in q("#selbody button") if b.text == "stop the path"][0].click()
    stopped = wait("the path stopped", lambda: ctl("nodes")["nodes"][1].get("mobility") is None, 20)
    result("button-stops-path", stopped, ctl("nodes")["nodes"][1])

    # Select the link: the panel shows both directions and offers its tools;
    # the screenshot keeps it.
    ActionChains(d).move_to_element(q("#links line[data-link='0-1']")[0]).click().perform()
    tools = wait("link panel", lambda: "pin loss" in d.find_element(By.ID, "selbody").text, 10)
    result("link-panel", tools, d.find_element(By.ID, "selbody").text)
    time.sleep(1)
    d.save_screenshot(os.path.join(OUT, "web.png"))
    errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    result("no-console-errors", not errors, errors)

    # A read-only view: the same page, no tools, and a drag changes nothing.
    if len(sys.argv) > 5:
        d.get(sys.argv[5])
        wait("read-only view", lambda: len(q("#nodes g.node:not(.noradio)")) == 2)
        result("read-only-badge", not d.find_element(By.ID, "ro").get_attribute("hidden"))
        before = ctl("nodes")["nodes"][1]["pos"]
        sta = [e for e in q("#nodes g.node") if e.get_attribute("data-node") == "1"][0]
        ActionChains(d).move_to_element(sta.find_element(By.CSS_SELECTOR, "circle")).click_and_hold() \
            .move_by_offset(60, 0).move_by_offset(60, 0).release().perform()
        time.sleep(2)
        result("read-only-drag-changes-nothing", ctl("nodes")["nodes"][1]["pos"] == before,
               (before, ctl("nodes")["nodes"][1]["pos"]))
        panel = wait("read-only panel", lambda: "tx power" in texts("#selbody dl")[0] if q("#selbody dl") else None, 10)
        result("read-only-no-tools", panel and not q("#selbody form") and not q("#selbody button"),
               texts("#selbody"))


def browser():
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,820"):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=o)


d = browser()
try:
    main(d)
except Exception as e:
    result("script", False, repr(e))
    d.save_screenshot(os.path.join(OUT, "web.png"))
finally:
    d.quit()
sys.exit(1 if fails else 0)
