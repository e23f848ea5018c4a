#!/bin/sh
# Mobility against a real daemon (docs/mobility.md): the config's models and
# its ns-2 trace, the control API's `mobility' command and its errors,
# wifimedium-ctl's path, wander and stop, and reload restoring the config's
# models. Nodes come from the config; no guests. Waits poll the daemon's
# simulated time (status.time_us), never a fixed sleep, and nothing is
# asserted about how long anything took: positions are functions of
# simulated time, so after a wait they are exact.
#   test-mobility.sh WIFIMEDIUM WIFIMEDIUM-CTL
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
WM=$(abs "$1")
CTL=$(abs "$2")
T=$(mktemp -d)
SOCK=$T/ctl.sock
pid=
fails=0

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1: $2"
	[ -s "$T/out" ] && sed 's/^/    /' "$T/out"
	fails=$((fails + 1))
}

# expect NAME WANT-RC GREP-PATTERN CTL-ARGS...
expect() {
	name=$1 want=$2 pat=$3
	shift 3
	"$CTL" -s "$SOCK" "$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, wanted $want"
	elif [ -n "$pat" ] && ! grep -q -e "$pat" "$T/out"; then
		fail "$name" "no \`$pat' in the output"
	else
		pass "$name"
	fi
}

alive() { kill -0 "$pid" 2>/dev/null; }

# Node 0 "a" still; node 1 "b" walks a loop; node 2 "c" follows the trace.
cat >"$T/walk.tr" <<'EOF'
# c starts at (0, 5) and at 0.5 s walks to (3, 5) at 10 m/s
$node_(2) set X_ 0.0
$node_(2) set Y_ 5.0
$ns_ at 0.5 "$node_(2) setdest 3.0 5.0 10.0"
EOF
cat >"$T/mob.cfg" <<'EOF'
model : { type = "path_loss"; model_name = "free_space"; };
nodes = (
	{ name = "a"; position = (0.0, 0.0); },
	{ name = "b"; position = (10.0, 0.0, 1.0);
	  mobility = { waypoints = ( { position = (20.0, 0.0); speed = 5.0; pause = 1.0; },
	                             { position = (10.0, 0.0); speed = 5.0; } );
	               loop = true; }; },
	{ name = "c"; }
);
mobility_trace = "walk.tr";
EOF

if ! "$WM" -c "$T/mob.cfg" --test-config >"$T/out" 2>&1 || ! grep -q "mobility trace" "$T/out"; then
	fail "test-config" "--test-config refused the config, or did not show the trace"
else
	pass "test-config"
fi
printf '$ns_ at 1 "$node_(7) setdest 1 2 3"\n' >"$T/bad.tr"
sed 's/walk.tr/bad.tr/' "$T/mob.cfg" >"$T/bad.cfg"
"$WM" -c "$T/bad.cfg" --test-config >"$T/out" 2>&1
rc=$?
if [ $rc != 0 ] && grep -q 'bad.tr:1: \$node_(7): the config has 3 nodes' "$T/out"; then
	pass "test-config-bad-trace"
else
	fail "test-config-bad-trace" "exit $rc, or no message naming the trace's line"
fi

"$WM" --control "$SOCK" -u "$T/vu.sock" -c "$T/mob.cfg" >"$T/wm.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 200 ] && alive; do
	sleep 0.05
	i=$((i + 1))
done
if [ ! -S "$SOCK" ]; then
	cp "$T/wm.log" "$T/out"
	fail "daemon-start" "no control socket"
	exit 1
fi
pass "daemon-start"

# ------------------------------------------------ the protocol, by JSON

python3 - "$SOCK" >"$T/raw" 2>&1 <<'EOF'
import json, socket, sys, time

s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
f = s.makefile("rb")
n = 0
results = []

def call(req):
    global n
    n += 1
    req["id"] = n
    s.sendall(json.dumps(req).encode() + b"\n")
    r = json.loads(f.readline())
    assert r["id"] == n
    return r

def result(req):
    r = call(req)
    if not r["ok"]:
        raise AssertionError("refused: %r" % r)
    return r["result"]

def now():
    return result({"cmd": "status"})["time_us"]

def wait_until(t_us):
    # Poll the daemon's clock; the bound only keeps a stuck daemon from hanging the test.
    deadline = time.monotonic() + 120
    while now() < t_us:
        if time.monotonic() > deadline:
            raise AssertionError("the daemon's clock did not reach %d" % t_us)
        time.sleep(0.05)

def nodes():
    return {x["name"]: x for x in result({"cmd": "nodes"})["nodes"]}

def check(name, fn):
    try:
        ok, why = fn(), ""
    except Exception as e:
        ok, why = False, repr(e)
    if ok is False and not why:
        why = "condition false"
    print("%s: %s %s" % ("PASS" if ok else "FAIL", name, why))

def near(p, q):
    return all(abs(a - b) < 1e-6 for a, b in zip(p, q))

def error_is(req, code):
    r = call(req)
    return r["ok"] is False and r["error"] == code

# The config's models, from the start.
def config_models():
    ns = nodes()
    b, c = ns["b"]["mobility"], ns["c"]["mobility"]
    return (ns["a"]["mobility"] is None and b["model"] == "waypoints" and b["legs"] == 2 and
            b["loop"] is True and c["model"] == "trace" and c["steps"] == 1)
check("config-models", config_models)

def trace_arrives():
    wait_until(1500000)
    c = nodes()["c"]
    return near(c["pos"], [3, 5, 0]) and c["mobility"]["done"] is True
check("trace-setdest-arrives", trace_arrives)

def loop_keeps_height():
    # b's legs are 2-D: its height stays 1 m wherever it is in its loop.
    b = nodes()["b"]
    return b["pos"][2] == 1.0 and 10 <= b["pos"][0] <= 20 and b["pos"][1] == 0
check("config-waypoints-height", loop_keeps_height)

# A walk from a's place: 5 m east at 10 m/s, then done.
def walk():
    r = result({"cmd": "mobility", "node": "a", "waypoints": [
        {"pos": [5, 0], "speed": 10, "pause": 0}], "loop": False})
    assert r["mobility"] == {"model": "waypoints", "leg": 0, "legs": 1, "loop": False,
                             "paused": False, "done": False, "dest": [5.0, 0.0, 0.0]}, r
    wait_until(now() + 1500000)
    a = nodes()["a"]
    return near(a["pos"], [5, 0, 0]) and a["mobility"]["done"] is True and \
        a["velocity"] == [0, 0, 0]
check("waypoints-reached", walk)

# Random waypoint in a box: it moves, and stays in the box.
def wander():
    r = result({"cmd": "mobility", "node": 0, "random": {
        "box": [[0, 0], [20, 20]], "speed": [1, 2], "pause": [0, 0], "seed": 5}})
    m = r["mobility"]
    assert m["model"] == "random" and m["seed"] == 5 and m["box"] == [[0, 0], [20, 20]], m
    p1 = nodes()["a"]["pos"]
    seen = []
    t = now()
    for k in range(1, 6):
        wait_until(t + k * 300000)
        seen.append(nodes()["a"]["pos"])
    inside = all(0 <= p[0] <= 20 and 0 <= p[1] <= 20 and p[2] == 0 for p in seen)
    return inside and seen[-1] != p1 and seen[-1] != seen[-2]
check("random-moves-in-box", wander)

def stop():
    r = result({"cmd": "mobility", "node": "a", "stop": True})
    p = r["pos"]
    wait_until(now() + 500000)
    a = nodes()["a"]
    return r["mobility"] is None and a["mobility"] is None and a["pos"] == p
check("stop-holds", stop)

def move_cancels():
    result({"cmd": "mobility", "node": "a", "waypoints": [
        {"pos": [100, 100, 3], "speed": 1}, {"pos": [0, 0], "speed": 1}], "loop": True})
    r = result({"cmd": "move", "node": "a", "pos": [1, 2]})
    wait_until(now() + 300000)
    a = nodes()["a"]
    return r["mobility"] is None and a["mobility"] is None and a["pos"] == [1, 2, 0]
check("move-cancels-model", move_cancels)

wp = {"pos": [1, 1], "speed": 1}
for name, req, code in [
    ("err-two-models", {"node": 0, "waypoints": [wp], "random": {}}, "bad-request"),
    ("err-nothing", {"node": 0}, "bad-request"),
    ("err-stop-false", {"node": 0, "stop": False}, "bad-request"),
    ("err-no-node", {"waypoints": [wp]}, "bad-request"),
    ("err-unknown-node", {"node": "zz", "waypoints": [wp]}, "not-found"),
    ("err-node-index", {"node": 9, "stop": True}, "not-found"),
    ("err-loop-type", {"node": 0, "waypoints": [wp], "loop": 1}, "bad-request"),
    ("err-loop-random", {"node": 0, "random": {"box": [[0, 0], [1, 1]], "speed": [1, 1]},
                         "loop": True}, "bad-request"),
    ("err-no-waypoints", {"node": 0, "waypoints": []}, "invalid"),
    ("err-too-many", {"node": 0, "waypoints": [wp] * 1001}, "invalid"),
    ("err-speed-0", {"node": 0, "waypoints": [{"pos": [1, 1], "speed": 0}]}, "invalid"),
    ("err-speed-fast", {"node": 0, "waypoints": [{"pos": [1, 1], "speed": 2e5}]}, "invalid"),
    ("err-far", {"node": 0, "waypoints": [{"pos": [2e7, 1], "speed": 1}]}, "invalid"),
    ("err-pause", {"node": 0, "waypoints": [{"pos": [1, 1], "speed": 1, "pause": -1}]},
     "invalid"),
    ("err-pos-type", {"node": 0, "waypoints": [{"pos": "x", "speed": 1}]}, "bad-request"),
    ("err-waypoint-type", {"node": 0, "waypoints": [3]}, "bad-request"),
    ("err-zero-loop", {"node": 0, "waypoints": [{"pos": [1, 2, 0], "speed": 1}],
                       "loop": True}, "invalid"),
    ("err-box-shape", {"node": 0, "random": {"box": [[0, 0]], "speed": [1, 1]}}, "bad-request"),
    ("err-box-dims", {"node": 0, "random": {"box": [[0, 0], [1, 1, 1]], "speed": [1, 1]}},
     "bad-request"),
    ("err-speed-range", {"node": 0, "random": {"box": [[0, 0], [1, 1]], "speed": [2, 1]}},
     "invalid"),
    ("err-no-speed", {"node": 0, "random": {"box": [[0, 0], [1, 1]]}}, "bad-request"),
    ("err-seed", {"node": 0, "random": {"box": [[0, 0], [1, 1]], "speed": [1, 1],
                                         "seed": -1}}, "bad-request"),
    ("err-point-box", {"node": 0, "random": {"box": [[3, 3], [3, 3]], "speed": [1, 1]}},
     "invalid"),
]:
    req["cmd"] = "mobility"
    check(name, lambda: error_is(req, code))

def untouched():
    # Nothing refused changed anything: a still at (1, 2, 0) and modelless.
    a = nodes()["a"]
    return a["pos"] == [1, 2, 0] and a["mobility"] is None
check("errors-change-nothing", untouched)

# The same seed, the same walk: a and c, told one after the other, draw the
# same first point of a 3-D box (their clocks differ by the requests' gap);
# another seed draws another.
def same_seed():
    box = [[0, 0, 0], [30, 30, 5]]
    d = {}
    for who, seed in (("a", 9), ("c", 9), ("b", 10)):
        d[who] = result({"cmd": "mobility", "node": who, "random": {
            "box": box, "speed": [3, 3], "seed": seed}})["mobility"]["dest"]
    return d["a"] == d["c"] and d["a"] != d["b"]
check("random-same-seed-same-walk", same_seed)

def reload_restores():
    result({"cmd": "mobility", "node": "b", "stop": True})
    assert nodes()["b"]["mobility"] is None
    result({"cmd": "reload"})
    ns = nodes()
    return (ns["b"]["mobility"]["model"] == "waypoints" and ns["a"]["mobility"] is None and
            ns["c"]["mobility"]["model"] == "trace" and near(ns["c"]["pos"], [0, 5, 0]))
check("reload-restores", reload_restores)
EOF
cat "$T/raw"
# Each check prints one line: 7 before the error table, its 23, then 3.
total=$((7 + 23 + 3))
fails=$((fails + total - $(grep -c '^PASS' "$T/raw")))

# ------------------------------------------------------- wifimedium-ctl

expect ctl-path 0 "node #0 (a): at .*waypoint 1/3 loop" path a 5,5@2 10,5,2@1+1.5 0,0@3 --loop
expect ctl-nodes-column 0 "^0 .*waypoint 1/3 loop" nodes
expect ctl-wander 0 "random seed 4" wander a --box 0,0:10,10 --speed 1,2 --pause 0,1 --seed 4
expect ctl-wander-one-speed 0 "random seed 2" wander b --box 0,0,0:10,10,3 --speed 1
expect ctl-stop 0 "node #0 (a): at .*stopped" stop a
expect ctl-path-bad-waypoint 2 "invalid waypoint" path a 5,5
expect ctl-path-bad-speed 2 "invalid waypoint speed" path a 5,5@fast
expect ctl-path-bad-pause 2 "invalid waypoint pause" path a 5,5@1+x
expect ctl-path-no-waypoint 2 "missing arguments" path a
expect ctl-path-refused 1 "wifimedium-ctl: " path a 5,5@0
expect ctl-wander-no-box 2 "give --box and --speed" wander a --speed 1
expect ctl-wander-bad-box 2 "invalid box" wander a --box 1,2 --speed 1
expect ctl-wander-bad-seed 2 "invalid seed" wander a --box 0,0:1,1 --speed 1 --seed -2
expect ctl-wander-bad-speed 2 "invalid speed" wander a --box 0,0:1,1 --speed 1,
expect ctl-stop-unknown 1 "wifimedium-ctl: " stop nobody
expect ctl-path-json 0 '"model": "waypoints"' --json path c 1,1@1

if alive; then pass "daemon-alive-at-end"; else fail "daemon-alive-at-end" "it died"; fi
[ "$fails" = 0 ] || echo "$fails check(s) failed"
[ "$fails" = 0 ]
