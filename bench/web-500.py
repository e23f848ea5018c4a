#!/usr/bin/python3
# What wifimedium-web costs with 500 radios, without 500 VMs: a stand-in
# daemon on a unix socket answers the control API (docs/control.md) for an
# air of N radios on N nodes (249,500 links at N = 500: pages of 1000, as
# the real one), with traffic counters that grow and a node that moves now
# and then. wifimedium-web polls it; this script follows the event stream
# like a page and reports what the view costs: its CPU and memory, the
# bytes pushed per second, the links pages it asks for, the first state's
# size, and (with --browser) how long headless Chromium takes to draw a
# frame of the page.
#   bench/web-500.py WIFIMEDIUM-WEB [--radios N] [--seconds S] [--browser]
import argparse
import http.client
import json
import math
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("web")
ap.add_argument("--radios", type=int, default=500)
ap.add_argument("--seconds", type=int, default=30)
ap.add_argument("--browser", action="store_true")
args = ap.parse_args()
N = args.radios
T = tempfile.mkdtemp()
SOCK = os.path.join(T, "ctl.sock")
t0 = time.monotonic()
side = math.ceil(math.sqrt(N))
pos = [[(i % side) * 4.0, (i // side) * 4.0, 0.0] for i in range(N)]
asked = {"links": 0, "links-radio": 0, "radios": 0, "nodes": 0, "status": 0}


def ident(i):
    return "02:00:00:00:%02x:%02x" % (i >> 8, i & 255)


def now_us():
    return int((time.monotonic() - t0) * 1e6)


def snr(i, j):
    d = max(1.0, math.dist(pos[i], pos[j]))
    return round(20 - (40 + 35 * math.log10(d)) + 95, 1)


def link(i, j):
    s = snr(i, j)
    k = int(time.monotonic() - t0)
    return {"from": ident(i), "to": ident(j), "freq": 2412, "snr": s, "loss": 0.0,
            "rate": {"mode": "OFDM", "mcs": 7, "nss": 1, "bw": 20, "kbps": 54000},
            "per": 0.0 if s > 25 else 1.0, "pinned": False,
            "frames": k * ((7 * i + j) % 10 == 0), "bytes": 0, "lost": 0, "collisions": 0}


def answer(req):
    cmd = req.get("cmd")
    frm, cnt = req.get("from", 0), req.get("count", 1000)
    if cmd == "status":
        asked["status"] += 1
        return {"version": "bench", "time_us": now_us(), "config": None, "model": "path-loss",
                "clients": N, "radios": N, "nodes": N, "counters": {},
                "channels": [{"freq": 2412, "frames": now_us() // 1000, "airtime_us": now_us() // 10,
                              "busy": 0.1}], "capture": None}
    if cmd == "radios":
        asked["radios"] += 1
        k = int(time.monotonic() - t0)
        items = [{"client": "vm%d" % i, "identity": ident(i), "addresses": [ident(i)],
                  "node": i, "node_name": "n%d" % i, "freq": 2412, "tx_power": 20.0, "queued": 0,
                  "counters": {"tx_frames": k * (i % 5), "acked": k * (i % 5), "failed": 0,
                               "retries": 0, "rx_frames": k, "airtime_us": k * 100}}
                 for i in range(frm, min(N, frm + cnt))]
        return {"next": frm + cnt if frm + cnt < N else None, "radios": items}
    if cmd == "nodes":
        asked["nodes"] += 1
        items = [{"index": i, "name": "n%d" % i, "mac": None, "pos": pos[i],
                  "velocity": [0, 0, 0], "tx_power": 20.0, "antenna_gain": 0.0,
                  "antenna_height": None, "shadowing": None, "medium": 0, "radios": 1}
                 for i in range(frm, min(N, frm + cnt))]
        return {"next": frm + cnt if frm + cnt < N else None, "nodes": items}
    if cmd == "links":
        if "radio" in req:
            asked["links-radio"] += 1
            r = int(req["radio"].replace(":", "")[-4:], 16)
            pairs = [(r, j) for j in range(N) if j != r] + [(j, r) for j in range(N) if j != r]
        else:
            asked["links"] += 1
            pairs = []
            total = N * (N - 1)
            for k in range(frm, min(total, frm + cnt)):
                i, j = divmod(k, N - 1)
                pairs.append((i, j + (j >= i)))
        total = len(pairs) if "radio" in req else N * (N - 1)
        page = pairs[:cnt] if "radio" in req else pairs
        nxt = frm + cnt if frm + cnt < total else None
        return {"next": nxt, "links": [link(i, j) for i, j in page]}
    if cmd == "move":
        pos[req["node"]] = list(req["pos"]) + [0.0] * (3 - len(req["pos"]))
        return {"index": req["node"], "pos": pos[req["node"]]}
    return None


def serve(conn):
    f = conn.makefile("rwb")
    lock = threading.Lock()

    def events():
        k = 0
        while True:
            time.sleep(0.1)
            k += 1
            ev = {"event": "frame", "time_us": now_us(), "type": "eapol", "radio": ident(k % N),
                  "from": ident(k % N), "to": ident((k + 1) % N), "freq": 2412, "attempt": 1,
                  "next": "ack", "heard_by": []}
            try:
                with lock:
                    f.write((json.dumps(ev) + "\n").encode())
                    f.flush()
            except OSError:
                return

    for line in f:
        req = json.loads(line)
        res = answer(req)
        if req.get("cmd") == "subscribe":
            res = {"events": ["radio", "frame", "drop"]}
            threading.Thread(target=events, daemon=True).start()
        reply = ({"id": req.get("id"), "ok": True, "result": res} if res is not None else
                 {"id": req.get("id"), "ok": False, "error": "unknown-command", "message": "no"})
        with lock:
            f.write((json.dumps(reply) + "\n").encode())
            f.flush()


def mover():
    """One node walks: its radio's links are what the view must refresh first."""
    while True:
        time.sleep(1)
        pos[0][0] += 1.0


srv = socket.socket(socket.AF_UNIX)
srv.bind(SOCK)
srv.listen(4)
threading.Thread(target=lambda: [threading.Thread(target=serve, args=(srv.accept()[0],),
                                                  daemon=True).start() for _ in iter(int, 1)],
                 daemon=True).start()
threading.Thread(target=mover, daemon=True).start()

web = subprocess.Popen([args.web, "--control", SOCK, "--listen", "127.0.0.1:0"],
                       stdout=subprocess.PIPE, stderr=open(os.path.join(T, "web.log"), "w"))
port = int(web.stdout.readline().decode().rsplit(":", 1)[1].strip("/\n"))
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
c.request("GET", "/api/events")
r = c.getresponse()
stats = {"update": 0, "update_bytes": 0, "links_in_updates": 0}


def follow():
    event, size = None, 0
    for line in iter(r.readline, b""):
        size += len(line)
        if line.startswith(b"event: "):
            event = line[7:].strip().decode()
        elif line.startswith(b"data: ") and event == "update":
            stats["links_in_updates"] += len(json.loads(line[6:])["links"])
        elif line == b"\n" and event:
            if event == "update":
                stats["update"] += 1
                stats["update_bytes"] += size
            event, size = None, 0


threading.Thread(target=follow, daemon=True).start()


def cpu_rss(pid):
    st = open("/proc/%d/stat" % pid).read().split(")")[1].split()
    ticks = int(st[11]) + int(st[12])
    rss = int(open("/proc/%d/statm" % pid).read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return ticks / os.sysconf("SC_CLK_TCK"), rss


warm = 45  # past the first sweep of all links, which finds every one new
time.sleep(warm)
cpu0, _ = cpu_rss(web.pid)
base = dict(stats)
base_asked = dict(asked)
time.sleep(args.seconds)
cpu1, rss = cpu_rss(web.pid)
secs = args.seconds
print("radios %d (links %d), interval 500 ms, measured %d s after %d s" % (N, N * (N - 1), secs, warm))
print("wifimedium-web CPU: %.1f %% of one core; RSS %.1f MiB" % ((cpu1 - cpu0) / secs * 100, rss / 2**20))
c2 = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
c2.request("GET", "/api/state")
state = c2.getresponse().read()
print("the whole view (GET /api/state, a new page's first message): %.1f MiB, %d links" % (
    len(state) / 2**20, len(json.loads(state)["links"])))
print("pushed per second: %.1f updates, %.1f KiB, %.0f links" % (
    (stats["update"] - base["update"]) / secs, (stats["update_bytes"] - base["update_bytes"]) / secs / 1024,
    (stats["links_in_updates"] - base["links_in_updates"]) / secs))
print("asked of the daemon per second: %.1f links pages (sweep), %.1f links of one radio, "
      "%.1f radios pages, %.1f nodes pages" % tuple(
          (asked[k] - base_asked[k]) / secs for k in ("links", "links-radio", "radios", "nodes")))

if args.browser:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,820"):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    d = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=o)
    d.get("http://127.0.0.1:%d/" % port)
    time.sleep(15)
    # A frame as an update makes it: the update's links merged, then drawn.
    times = []
    for _ in range(20):
        time.sleep(0.3)
        times.append(d.execute_script("const t = performance.now(); render(); return performance.now() - t;"))
    parts = d.execute_script(
        "const out = {}; pairsCache = null; const p = nodeLinks();"
        "for (const [n, f] of [['nodeLinks (whole, after radios change)', () => { pairsCache = null; nodeLinks(); }],"
        " ['drawLinks', () => drawLinks(p)], ['drawNodes', drawNodes], ['drawAssoc', drawAssoc],"
        " ['drawRadios', drawRadios], ['drawChannels', drawChannels], ['drawEvents', drawEvents]]) {"
        " const t = performance.now(); f(); out[n] = Math.round(performance.now() - t); }"
        "return out;")
    print("Chromium, each part once (ms):", parts)
    drawn = d.execute_script("return [document.querySelectorAll('#nodes g.node').length,"
                             " document.querySelectorAll('#links line').length];")
    print("Chromium: %d nodes and %d node-pair links drawn; one frame (render()) %.1f ms median, "
          "%.1f ms max" % (drawn[0], drawn[1], sorted(times)[len(times) // 2], max(times)))
    d.quit()
web.terminate()
web.wait()
srv.close()
shutil.rmtree(T)
