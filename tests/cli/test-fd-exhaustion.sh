#!/bin/sh
# Hostile peers against the real daemon: a flood of connections that
# outnumbers its file descriptors (ulimit -n 128) on the vhost-user and
# airport sockets. The daemon must not spin on a listener it cannot
# accept from, must not flood its log, must keep at most 64 airport
# connections waiting for HELLO, and must serve the control socket again
# once the flood is gone.
#   test-fd-exhaustion.sh WIFIMEDIUM WIFIMEDIUM-CTL
WM=$1
CTL=$2
T=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null; rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

(ulimit -n 128 && exec "$WM" -u "$T/vu.sock" --airport "unix:$T/ap.sock" --control "$T/ctl.sock" \
	-l info --log-file "$T/wm.log") &
pid=$!
for _ in $(seq 50); do [ -S "$T/ctl.sock" ] && break; sleep 0.1; done
[ -S "$T/ctl.sock" ] || { cat "$T/wm.log"; exit 1; }

cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
before=$(cpu)
# 300 connections to each socket (airport first, then vhost-user), held for
# 3 s, none saying anything.
python3 - "$T/ap.sock" "$T/vu.sock" <<'PY'
import errno, socket, sys, time
held = []
for path in sys.argv[1:]:
    for _ in range(300):
        # A full backlog makes a unix connect() fail with EAGAIN: retry a while,
        # and give up on this socket if it is not drained within 2 s.
        deadline = time.monotonic() + 2
        s = None
        while time.monotonic() < deadline:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect(path)
                break
            except OSError as e:
                s.close()
                s = None
                if e.errno not in (errno.EAGAIN, errno.EWOULDBLOCK):
                    break
                time.sleep(0.01)
        if s is None:
            break
        held.append(s)
time.sleep(3)
PY
after=$(cpu)
ticks=$((after - before))
hz=$(getconf CLK_TCK)
# A listener spinning on EMFILE burns the whole 3 s (300 ticks at 100 Hz).
if [ $ticks -lt $((hz * 3 / 2)) ]; then ok "no-spin ($ticks ticks of CPU in 3 s)"; else bad "no-spin: $ticks ticks of CPU in 3 s"; fi
# Each connection may log its coming and going (info, notice); warnings are rate-limited.
lines=$(grep -c " warn " "$T/wm.log")
if [ "$lines" -lt 40 ]; then ok "warnings-bounded ($lines lines)"; else bad "warnings-bounded: $lines lines"; fi
if grep -q "have not said HELLO yet" "$T/wm.log"; then ok "pending-capped"; else bad "pending-capped"; fi
if grep -q "Too many open files" "$T/wm.log"; then ok "shed-on-emfile"; else bad "shed-on-emfile"; fi
if kill -0 $pid 2>/dev/null; then ok "alive"; else bad "alive"; fi
# The flood's connections close as python exits; the daemon sees them go within a moment.
answered=0
for _ in $(seq 50); do
	if "$CTL" -s "$T/ctl.sock" status >"$T/status" 2>&1; then answered=1; break; fi
	sleep 0.1
done
if [ $answered = 1 ]; then ok "control-answers-after"; else bad "control-answers-after"; cat "$T/status"; fi
kill $pid
wait $pid 2>/dev/null
if grep -q "connections shed" "$T/wm.log"; then ok "shed-counted"; else bad "shed-counted"; fi
[ $fails = 0 ]
