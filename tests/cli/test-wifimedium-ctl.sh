#!/bin/sh
# wifimedium-ctl against a real daemon (docs/control.md): every command's
# happy path and error path through the CLI, by exit status and output, then
# the protocol's own error handling over a raw connection. The daemon runs
# with a vhost-user socket and no guests: no kernel, no hwsim, no radios.
#   test-wifimedium-ctl.sh WIFIMEDIUM WIFIMEDIUM-CTL SOURCE-DIR
# Absolute paths: one check runs the client from another directory.
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
WM=$(abs "$1")
CTL=$(abs "$2")
SRC=$(abs "$3")
T=$(mktemp -d)
SOCK=$T/ctl.sock
CFG=$T/ctl.cfg
pid=
fails=0

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS: $1"; }
fail() { # NAME WHY: the last command's output follows, indented
	echo "FAIL: $1: $2"
	[ -s "$T/out" ] && sed 's/^/    /' "$T/out"
	fails=$((fails + 1))
}

# expect NAME WANT-RC GREP-PATTERN CTL-ARGS...: stdout and stderr together in $T/out.
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

# check NAME CONDITION...: one command (a test), with $T/out shown if it fails.
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "$*"; fi
}

# cond; verdict NAME WHY: the status of the command list just run.
verdict() {
	r=$?
	if [ $r = 0 ]; then pass "$1"; else fail "$1" "$2"; fi
}

alive() { kill -0 "$pid" 2>/dev/null; }

write_config() {
	cat >"$CFG" <<-'EOF'
	# Two named nodes, placed by the client names of VMs that never come.
	model :
	{
		type = "path_loss";
		model_name = "log_distance";
		path_loss_exp = 3.5;
		xg = 0.0;
	};
	nodes = (
		{ name = "ap";  position = (0.0, 0.0, 2.0); tx_power = 20; },
		{ name = "sta"; position = (5.0, 3.0); tx_power = 15; }
	);
	EOF
}

# ------------------------------------------------------------- the daemon

write_config
mkdir -p "$T/caps" "$T/outside"
"$WM" --control "$SOCK" -u "$T/vu.sock" -c "$CFG" --capture-dir "$T/caps" >"$T/wm.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ] && alive; do
	sleep 0.05
	i=$((i + 1))
done
if [ ! -S "$SOCK" ]; then
	cp "$T/wm.log" "$T/out"
	fail "daemon-start" "no control socket at $SOCK after 5 s"
	exit 1
fi
pass "daemon-start"

# ---------------------------------------------------------- reading state

expect status 0 "^model: *path-loss" status
expect status-nodes 0 "^nodes: *2" status
"$CTL" -s "$SOCK" --json status >"$T/json" 2>"$T/out"
rc=$?
if [ $rc = 0 ] && python3 -m json.tool "$T/json" >/dev/null 2>>"$T/out"; then
	pass "json-status-valid"
else
	cat "$T/json" >>"$T/out"
	fail "json-status-valid" "exit $rc, or not JSON"
fi
check "json-status-version" grep -q '"version": "[0-9]' "$T/json"

expect nodes-ap 0 "ap *(0, 0, 2)" nodes
expect nodes-sta 0 "sta *(5, 3, 0)" nodes
expect radios-empty 0 "" radios
expect links-empty 0 "" links
expect links-unknown-radio 1 "wifimedium-ctl: " links 02:99:00:00:00:00

# --------------------------------------------------------------- changes

expect move-by-name 0 "(10, -4, 0)" move sta 10 -4
expect move-shows 0 "sta *(10, -4, 0)" nodes
expect move-by-index 0 "(1, 2, 3)" move 0 1 2 3
expect move-velocity-only 0 "not moving" move sta --velocity 0,0
expect move-unknown-node 1 "wifimedium-ctl: .*sta9" move sta9 1 2
"$CTL" -s "$SOCK" --json move sta9 1 2 >"$T/json" 2>/dev/null
rc=$?
cp "$T/json" "$T/out"
[ $rc = 1 ] && grep -q '"error": "not-found"' "$T/json"
verdict "move-unknown-node-json" "exit $rc, or no not-found error object on stdout"
expect move-not-a-number 2 "invalid X" move sta east 2
expect move-half-position 2 "" move sta 1
expect move-nothing 2 "" move sta

expect set-power 0 "10.0 dBm" set-power ap 10
expect set-power-range 1 "wifimedium-ctl: " set-power ap 99
expect set-power-not-a-number 2 "" set-power ap loud

expect pin-snr 0 "pinned" pin ap sta --snr 20
expect pin-loss-one-way 0 "pinned" pin sta ap --loss 0.5 --one-way
expect pin-loss-range 1 "wifimedium-ctl: " pin ap sta --loss 2
expect pin-neither 2 "" pin ap sta
expect pin-both 2 "" pin ap sta --snr 1 --loss 0.1
expect pin-unknown-node 1 "wifimedium-ctl: " pin ap nowhere --snr 1
expect unpin 0 "unpinned" unpin ap sta
expect unpin-one-way 0 "unpinned" unpin sta ap --one-way

# -------------------------------------------------------------- reload

expect move-before-reload 0 "" move sta 10 -4
expect reload 0 "reloaded the config: 2 nodes" reload
expect reload-restores 0 "sta *(5, 3, 0)" nodes
# The parser's messages reach the client: the first of them, with file and line.
cp "$SRC/tests/configs/bad-many.cfg" "$CFG"
expect reload-broken 1 "ctl.cfg:6: ifaces.ids: duplicate MAC address" reload
check "reload-broken-alive" alive
expect reload-broken-still-answers 0 "^nodes: *2" status
write_config
expect reload-again 0 "" reload

# -------------------------------------------------------------- capture

# FILE is beneath the daemon's --capture-dir, whatever the client's directory.
expect capture-start 0 "" capture-start air.pcapng
expect capture-in-status 0 "caps/air.pcapng" status
expect capture-stop 0 "records" capture-stop
magic=$(od -An -tx1 -N4 "$T/caps/air.pcapng" 2>/dev/null | tr -d ' \n')
: >"$T/out"
check "capture-file-shb" [ "$magic" = "0a0d0d0a" ]
expect capture-stop-none 1 "wifimedium-ctl: " capture-stop
# An existing file is replaced only when asked.
expect capture-exists 1 "exists in .*overwrite" capture-start air.pcapng
expect capture-overwrite 0 "" capture-start air.pcapng --overwrite
expect capture-overwrite-stop 0 "records" capture-stop
# An absolute path inside the directory is fine; anything outside it is not.
expect capture-absolute-inside 0 "" capture-start "$T/caps/abs.pcapng"
expect capture-absolute-stop 0 "" capture-stop
check "capture-absolute-file" [ -f "$T/caps/abs.pcapng" ]
expect capture-absolute-outside 1 "not beneath" capture-start "$T/outside/x.pcapng"
expect capture-dotdot 1 "not beneath" capture-start ../outside/x.pcapng
# No symbolic link is followed, wherever it is on the way.
ln -s "$T/outside" "$T/caps/link"
ln -s "$T/outside/y.pcapng" "$T/caps/last"
expect capture-symlink-dir 1 "not beneath" capture-start link/x.pcapng
expect capture-symlink-last 1 "not beneath" capture-start last --overwrite
check "capture-nothing-outside" [ -z "$(ls "$T/outside")" ]
# A FIFO nobody reads is refused at once, and the daemon is not held up by it.
mkfifo "$T/caps/fifo"
timeout 10 "$CTL" -s "$SOCK" capture-start fifo --overwrite >"$T/out" 2>&1
rc=$?
grep -q "not a regular file" "$T/out"
check "capture-fifo-refused" [ "$rc" = 1 -a $? = 0 ]
expect capture-fifo-still-answers 0 "" status
# Without --capture-dir a client cannot make the daemon write any file.
"$WM" --control "$T/nodir.sock" -u "$T/vu2.sock" >"$T/wm2.log" 2>&1 &
pid2=$!
for _ in $(seq 50); do [ -S "$T/nodir.sock" ] && break; sleep 0.1; done
"$CTL" -s "$T/nodir.sock" capture-start "$T/caps/z.pcapng" >"$T/out" 2>&1
rc=$?
grep -q "no capture directory" "$T/out"
check "capture-needs-dir" [ "$rc" = 1 -a $? = 0 ]
kill "$pid2"
wait "$pid2" 2>/dev/null

magic=$(timeout 2 "$CTL" -s "$SOCK" capture | head -c 4 | od -An -tx1 | tr -d ' \n')
: >"$T/out"
check "capture-pipe-shb" [ "$magic" = "0a0d0d0a" ]
# The reader quitting ends the capture with exit 0 (no SIGPIPE death), quickly.
{ timeout 5 "$CTL" -s "$SOCK" capture --freq 2412,5180; echo $? >"$T/rc"; } | head -c 4 >/dev/null
rc=$(cat "$T/rc")
: >"$T/out"
check "capture-reader-leaves" [ "$rc" = 0 ]
expect capture-bad-freq 2 "" capture --freq wide
if command -v script >/dev/null 2>&1; then
	script -qec "\"$CTL\" -s \"$SOCK\" capture" /dev/null >"$T/out" 2>&1
	rc=$?
	[ $rc = 2 ] && grep -q terminal "$T/out"
	verdict "capture-terminal-refused" "exit $rc, wanted 2 and a word on the terminal"
else
	echo "SKIP: capture-terminal-refused (no script(1))"
fi

# --------------------------------------------------------------- events

"$CTL" -s "$SOCK" events >"$T/out" 2>&1 &
evpid=$!
sleep 1
if kill -0 "$evpid" 2>/dev/null; then
	kill -INT "$evpid"
	wait "$evpid"
	rc=$?
	[ $rc = 0 ] && ! grep -q "wifimedium-ctl:" "$T/out"
	verdict "events-interrupted" "exit $rc after SIGINT, wanted 0 and no error"
else
	wait "$evpid"
	fail "events-runs" "exited by itself with $?"
fi
expect events-bad-type 2 "" events --type weather

# ----------------------------------------------------------- the CLI itself

expect unknown-command 2 "unknown command" frobnicate
expect help-move 0 "Usage: .*move NODE" help move
expect move-help 0 "Usage: .*move NODE" move --help
expect help 0 "capture-start" --help
expect version 0 "^wifimedium-ctl [0-9]" --version
"$CTL" -s "$T/none.sock" status >"$T/out" 2>&1
rc=$?
[ $rc = 3 ] && grep -q "none.sock" "$T/out"
verdict "no-daemon" "exit $rc, wanted 3 and the socket's path"

# ----------------------------------------------------------- raw protocol

if command -v python3 >/dev/null 2>&1; then
	python3 - "$SOCK" >"$T/raw" 2>&1 <<-'EOF'
	import json, socket, sys
	s = socket.socket(socket.AF_UNIX)
	s.settimeout(5)
	s.connect(sys.argv[1])
	f = s.makefile("rb")
	def ask(line, name, check):
	    try:
	        s.sendall(line)
	        r = json.loads(f.readline())
	        ok = check(r)
	    except Exception as e:
	        r, ok = repr(e), False
	    print("%s: %s %s" % ("PASS" if ok else "FAIL", name, "" if ok else r))
	ask(b'{"id": 1, "cmd": \n', "raw-malformed-json",
	    lambda r: r["ok"] is False and r["error"] == "bad-request" and r["id"] is None)
	ask(b'{"id": 2, "cmd": "status"}\n', "raw-usable-after-malformed",
	    lambda r: r["ok"] is True and r["id"] == 2 and "version" in r["result"])
	ask(b'[1, 2]\n', "raw-not-an-object", lambda r: r["error"] == "bad-request")
	ask(b'{"id": 3}\n', "raw-no-cmd", lambda r: r["error"] == "bad-request" and r["id"] == 3)
	ask(b'{"id": "x", "cmd": "frobnicate"}\n', "raw-unknown-command",
	    lambda r: r["ok"] is False and r["error"] == "unknown-command" and r["id"] == "x")
	ask(b'{"id": 4, "cmd": "move", "node": "sta", "pos": "here"}\n', "raw-wrong-type",
	    lambda r: r["error"] == "bad-request")
	ask(b'{"id": 5, "cmd": "status", "pad": "' + b"x" * 70000 + b'"}\n', "raw-line-too-long",
	    lambda r: r["ok"] is False and r["error"] == "bad-request")
	ask(b'{"id": 6, "cmd": "status"}\n', "raw-usable-after-long-line",
	    lambda r: r["ok"] is True and r["id"] == 6)
	EOF
	cat "$T/raw"
	# Eight checks: any not passed (failed, or never reached) counts.
	fails=$((fails + 8 - $(grep -c '^PASS' "$T/raw")))
else
	echo "SKIP: raw protocol checks (no python3)"
fi

check "daemon-alive-at-end" alive
[ "$fails" = 0 ] || echo "$fails check(s) failed"
[ "$fails" = 0 ]
