#!/usr/bin/env python3
# wifimedium-web against a real daemon, through HTTP only (no browser): the
# state endpoint, the event stream, a move that reaches the medium, every
# refusal (read-only, tokens, bodies, hosts, origins), the program's own
# start-up refusals, and the medium going away and coming back. The daemon
# has named nodes and no guests: nodes, no radios.
#   test-wifimedium-web.py WIFIMEDIUM WIFIMEDIUM-WEB WIFIMEDIUM-CTL
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

WM, WEB, CTL = (os.path.abspath(a) for a in sys.argv[1:4])
T = tempfile.mkdtemp()
CTL_SOCK = os.path.join(T, "ctl.sock")
fails = 0
procs = []

CONFIG = """
model : { type = "path_loss"; model_name = "log_distance"; path_loss_exp = 3.5; xg = 0.0; };
nodes = (
	{ name = "ap";  position = (0.0, 0.0, 2.0); tx_power = 20; },
	{ name = "sta"; position = (5.0, 3.0); tx_power = 15; }
);
"""


def check(name, cond, why=""):
    global fails
    if cond:
        print("ok   " + name)
    else:
        print("FAIL %s%s" % (name, ": " + str(why) if why else ""))
        fails += 1


def start_medium():
    p = subprocess.Popen([WM, "--control", CTL_SOCK, "-u", os.path.join(T, "vu.sock"),
                          "-c", os.path.join(T, "wm.cfg")],
                         stdout=open(os.path.join(T, "wm.log"), "ab"), stderr=subprocess.STDOUT)
    procs.append(p)
    for _ in range(100):
        if os.path.exists(CTL_SOCK):
            break
        time.sleep(0.1)
    return p


def start_web(*args):
    """wifimedium-web on a free loopback port: (process, port)."""
    p = subprocess.Popen([WEB, "--control", CTL_SOCK, "--listen", "127.0.0.1:0",
                          "--interval", "200", *args],
                         stdout=subprocess.PIPE, stderr=open(os.path.join(T, "web.log"), "ab"))
    procs.append(p)
    line = p.stdout.readline().decode()
    if "serving http://127.0.0.1:" not in line:
        raise SystemExit("FAIL wifimedium-web did not start: %r" % line)
    return p, int(line.rsplit(":", 1)[1].strip("/\n"))


def request(port, method, path, body=None, headers=None, raw=False):
    """(status, headers, body as JSON or bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    h = {"Content-Type": "application/json"} if body is not None else {}
    h.update(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    if not raw and r.getheader("Content-Type", "").startswith("application/json"):
        data = json.loads(data)
    return r.status, r, data


def ctl_nodes():
    out = subprocess.run([CTL, "-s", CTL_SOCK, "nodes", "--json"], capture_output=True,
                         timeout=20).stdout
    j = json.loads(out)
    return j.get("nodes", j) if isinstance(j, dict) else j


def wait_state(port, cond, seconds=30):
    st = None
    for _ in range(seconds * 10):
        _, _, st = request(port, "GET", "/api/state")
        if cond(st):
            return st
        time.sleep(0.1)
    return st


class Events:
    """The page's event stream, read one SSE message at a time."""

    def __init__(self, port, headers=None):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.c.request("GET", "/api/events", headers=headers or {})
        self.r = self.c.getresponse()

    def next(self):
        event, data = None, []
        while True:
            line = self.r.readline()
            if not line:
                return None, None
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and event:
                return event, json.loads("".join(data))

    def until(self, want, cond=lambda d: True, limit=200):
        for _ in range(limit):
            ev, d = self.next()
            if ev is None:
                return None
            if ev == want and cond(d):
                return d
        return None

    def close(self):
        self.c.close()


def main():
    open(os.path.join(T, "wm.cfg"), "w").write(CONFIG)
    medium = start_medium()
    web, port = start_web()

    # ------------------------------------------------------------- state
    st = wait_state(port, lambda s: s.get("up"))
    check("state: the medium is up", st and st.get("up"), st)
    names = sorted(n["name"] for n in st.get("nodes", []))
    check("state: the config's nodes", names == ["ap", "sta"], names)
    check("state: status and lists", st.get("status", {}).get("model") == "path-loss" and
          st.get("radios") == [] and st.get("links") == {} and st.get("read_only") is False, st)
    code, r, _ = request(port, "GET", "/api/state")
    check("state: JSON, not cached", code == 200 and
          r.getheader("Content-Type") == "application/json" and
          r.getheader("Cache-Control") == "no-store", (code, r.getheaders()))
    csp = r.getheader("Content-Security-Policy", "")
    check("state: a restrictive CSP", "default-src 'none'" in csp and "script-src 'self'" in csp, csp)

    # ------------------------------------------------------------ assets
    code, r, body = request(port, "GET", "/", raw=True)
    check("page: html at /", code == 200 and r.getheader("Content-Type").startswith("text/html")
          and b"/app.js" in body, (code, body[:80]))
    code, r, body = request(port, "GET", "/app.js", raw=True)
    check("page: its script", code == 200 and
          r.getheader("Content-Type").startswith("text/javascript") and b"EventSource" in body)
    code, r, body = request(port, "GET", "/app.css", raw=True)
    check("page: its style", code == 200 and r.getheader("Content-Type").startswith("text/css"))
    code, _, body = request(port, "GET", "/etc/passwd")
    check("unknown path: 404", code == 404 and body.get("error") == "not-found", (code, body))
    code, _, _ = request(port, "GET", "/../web.c")
    check("dot-dot path: 404", code == 404, code)
    code, _, _ = request(port, "DELETE", "/api/state")
    check("other methods: 405", code == 405, code)
    code, _, body = request(port, "GET", "/api/state", headers={"Host": "evil.example:80"})
    check("a Host that is not loopback: 403 (DNS rebinding)", code == 403, (code, body))
    code, _, _ = request(port, "GET", "/api/state", headers={"Host": "localhost:1"})
    check("Host localhost: served", code == 200, code)

    # ------------------------------------------------- events and a move
    ev = Events(port)
    check("events: text/event-stream",
          ev.r.getheader("Content-Type") == "text/event-stream", ev.r.getheaders())
    first = ev.until("state")
    check("events: a full state first", first is not None and len(first.get("nodes", [])) == 2,
          first)
    upd = ev.until("update")
    check("events: updates are pushed", upd is not None and "status" in upd, upd)

    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "move", "node": 1, "pos": [7, 8]})
    check("move: 200 and the daemon's reply", code == 200 and body.get("ok") is True and
          body["result"]["pos"][:2] == [7, 8], (code, body))
    nodes = ctl_nodes()
    check("move: the medium has the node there (wifimedium-ctl nodes)",
          nodes[1]["pos"][:2] == [7, 8], nodes)
    moved = ev.until("update", lambda d: d.get("nodes", {}).get("1", {}).get("pos", [])[:2] == [7, 8])
    check("move: the change is pushed to the stream", moved is not None)
    code, _, body = request(port, "POST", "/api/cmd",
                            {"cmd": "move", "node": "sta", "velocity": [1, 0]})
    check("move: a velocity", code == 200 and body.get("ok"), body)
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "set-power", "node": 0, "dbm": 11})
    check("set-power", code == 200 and ctl_nodes()[0]["tx_power"] == 11, body)
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "move", "node": "nosuch",
                                                       "pos": [1, 1]})
    check("move: an unknown node is the daemon's 404", code == 404 and
          body.get("error") == "not-found", (code, body))
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "move", "node": 0, "pos": [1e12, 0]})
    check("move: out of range is 400", code == 400 and body.get("error") == "invalid",
          (code, body))
    _, _, cfg = request(port, "GET", "/api/config")
    check("mobility: the daemon has it, the page is told", cfg.get("mobility") is True, cfg)
    code, _, body = request(port, "POST", "/api/cmd", {
        "cmd": "mobility", "node": 0, "loop": False,
        "waypoints": [{"pos": [10, 0], "speed": 1, "pause": 0}, {"pos": [10, 10], "speed": 2}]})
    check("mobility: a path is given", code == 200 and body.get("ok"), (code, body))
    check("mobility: the medium walks the node", ctl_nodes()[0].get("mobility") is not None,
          ctl_nodes()[0])
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "mobility", "node": 0, "stop": True})
    check("mobility: stopped", code == 200 and ctl_nodes()[0].get("mobility") is None,
          (code, body, ctl_nodes()[0]))
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "mobility", "node": 0,
                                                       "waypoints": []})
    check("mobility: a path the daemon refuses is 400", code == 400, (code, body))

    # ----------------------------------------------------- bad requests
    code, _, body = request(port, "POST", "/api/cmd", "{not json")
    check("body: not JSON is 400", code == 400 and body.get("error") == "bad-request", (code, body))
    code, _, body = request(port, "POST", "/api/cmd", [1, 2])
    check("body: not an object is 400", code == 400, (code, body))
    code, _, body = request(port, "POST", "/api/cmd", '{"cmd":"move","cmd":"pin"}')
    check("body: duplicate keys are 400", code == 400, (code, body))
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "reload"})
    check("body: a command the page may not send is 400", code == 400, (code, body))
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "capture-start", "file": "x"})
    check("body: no capture through the view", code == 400, (code, body))
    code, _, body = request(port, "POST", "/api/cmd",
                            {"cmd": "move", "node": 0, "pad": "x" * 20000})
    check("body: over 16 KiB is 413", code == 413, (code, body))
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "move"},
                            headers={"Content-Type": "text/plain"})
    check("body: not application/json is 415", code == 415, (code, body))
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "move", "node": 0, "pos": [0, 0]},
                            headers={"Origin": "http://evil.example"})
    check("another site's Origin is 403", code == 403, (code, body))
    code, _, body = request(port, "POST", "/api/state", {"cmd": "move"})
    check("POST elsewhere is 404", code == 404, (code, body))
    check("still alive after the bad requests", web.poll() is None)

    # -------------------------------------------------------- read-only
    ro, roport = start_web("--read-only")
    wait_state(roport, lambda s: s.get("up"))
    before = ctl_nodes()[0]["pos"]
    code, _, body = request(roport, "POST", "/api/cmd", {"cmd": "move", "node": 0, "pos": [3, 3]})
    check("read-only: a change is 403", code == 403 and body.get("error") == "read-only",
          (code, body))
    check("read-only: the medium is untouched", ctl_nodes()[0]["pos"] == before)
    _, _, cfg = request(roport, "GET", "/api/config")
    check("read-only: the page is told", cfg.get("read_only") is True, cfg)
    ro.terminate()
    ro.wait(10)

    # ------------------------------------------------------------ tokens
    r = subprocess.run([WEB, "--control", CTL_SOCK, "--listen", "0.0.0.0:0"],
                       capture_output=True, timeout=20)
    check("no token: a non-loopback address is refused", r.returncode == 2 and
          b"--token-file" in r.stderr, r)
    r = subprocess.run([WEB, "--control", CTL_SOCK, "--listen", "[::]:0"],
                       capture_output=True, timeout=20)
    check("no token: [::] is refused too", r.returncode == 2, r)
    tok = os.path.join(T, "token")
    with open(tok, "w") as f:
        f.write("Sesame-0123456789\n")
    os.chmod(tok, 0o644)
    r = subprocess.run([WEB, "--control", CTL_SOCK, "--token-file", tok], capture_output=True,
                       timeout=20)
    check("token: a file others can read is refused", r.returncode == 1 and b"token" in r.stderr, r)
    os.chmod(tok, 0o600)
    tw, tport = start_web("--token-file", tok)
    code, _, _ = request(tport, "GET", "/api/state")
    check("token: none is 401", code == 401, code)
    code, _, _ = request(tport, "GET", "/api/state?token=Sesame-0123456788")
    check("token: a wrong one is 403", code == 403, code)
    code, _, _ = request(tport, "GET", "/api/state",
                         headers={"Authorization": "Bearer Sesame-012345678"})
    check("token: a wrong bearer is 403", code == 403, code)
    code, _, _ = request(tport, "GET", "/api/state", headers={"Cookie": "wm_token=x"})
    check("token: a wrong cookie is 403", code == 403, code)
    code, r, _ = request(tport, "GET", "/?token=Sesame-0123456789")
    cookie = r.getheader("Set-Cookie", "")
    check("token: ?token= sets a cookie and drops the token from the address", code == 303 and
          "wm_token=Sesame-0123456789" in cookie and "HttpOnly" in cookie and
          "SameSite=Strict" in cookie and r.getheader("Location") == "/", (code, r.getheaders()))
    code, _, _ = request(tport, "GET", "/api/state", headers={"Cookie": cookie.split(";")[0]})
    check("token: the cookie is enough", code == 200, code)
    code, _, body = request(tport, "POST", "/api/cmd", {"cmd": "move", "node": 0, "pos": [0, 1]},
                            headers={"Authorization": "Bearer Sesame-0123456789"})
    check("token: a bearer may change", code == 200 and body.get("ok"), (code, body))
    code, _, _ = request(tport, "POST", "/api/cmd", {"cmd": "move", "node": 0, "pos": [0, 2]})
    check("token: a change without it is 401", code == 401, code)
    tw.terminate()
    tw.wait(10)

    # ---------------------------------------------------- medium away
    medium.terminate()
    medium.wait(10)
    away = ev.until("medium", lambda d: d.get("up") is False)
    check("away: the stream says so", away is not None)
    st = wait_state(port, lambda s: not s.get("up"))
    check("away: the state says so", st.get("up") is False, st)
    code, _, body = request(port, "POST", "/api/cmd", {"cmd": "move", "node": 0, "pos": [1, 1]})
    check("away: a change is 503", code == 503, (code, body))
    start_medium()
    back = ev.until("state", lambda d: d.get("up"))
    check("back: a full state on the stream", back is not None and len(back["nodes"]) == 2)
    st = wait_state(port, lambda s: s.get("up"))
    check("back: the view reconnected by itself", st.get("up") is True, st)
    ev.close()

    web.terminate()
    check("stops on SIGTERM with status 0", web.wait(10) == 0)


try:
    main()
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    subprocess.run(["rm", "-rf", T])
print("%d failed" % fails)
sys.exit(1 if fails else 0)
