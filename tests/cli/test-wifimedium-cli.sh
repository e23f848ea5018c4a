#!/bin/sh
# The daemon's command line: help, version, bad options, --test-config on
# good and bad files, -x with good and bad tables. None of it touches a
# kernel: --test-config must work where no hwsim exists (as here).
#   test-wifimedium-cli.sh WIFIMEDIUM SOURCE-DIR [AIRPORT]
WM=$1
SRC=$2
AP=${3:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

. "$(dirname "$0")/expect.sh"

expect help 0 "--test-config" "$WM" --help
# As wmediumd (by that name, or --wmediumd-compat): its version line, which
# hostap's tests parse (the second word, v0.3.1 or later).
mkdir "$T/bin"
ln -s "$(realpath "$WM")" "$T/bin/wmediumd"
expect wmediumd-version 0 "^wmediumd v0\.3\.1 - a wireless medium simulator for mac80211_hwsim (wifimedium " \
	"$T/bin/wmediumd" -V
expect wmediumd-compat-version 0 "^wmediumd v0\.3\.1 " "$WM" --wmediumd-compat -V
expect wmediumd-version-parsed 0 "^0 3 1$" sh -c '"$1" -V | cut -d" " -f2 | cut -c2- | tr . " "' - "$T/bin/wmediumd"
expect wmediumd-t-refused 2 "-t (wmediumd's time-control socket" "$T/bin/wmediumd" -t /tmp/x -c "$SRC/examples/demo.cfg"
expect wmediumd-a-refused 2 "-a (wmediumd's API socket) is not supported" "$T/bin/wmediumd" -a /tmp/x
expect spec-needs-wserver 2 "-d needs -s" "$WM" -d
expect spec-no-config 2 "-d takes no -c" "$WM" -d -s -c "$SRC/examples/demo.cfg"
expect version 0 "^wifimedium [0-9]" "$WM" --version
expect bad-option 2 "Usage" "$WM" --no-such-option
expect bad-level 2 "bad log level" "$WM" -l loud
expect bad-seed 2 "bad seed" "$WM" --seed -3
expect bad-nice 2 "bad nice value: \`25' (-20..19)" "$WM" --nice 25
expect bad-nice-word 2 "bad nice value" "$WM" --nice=high
expect stray-argument 2 "unexpected argument" "$WM" extra
expect limit-unknown 2 "unknown limit: \`sockets'" "$WM" --limit sockets=3
expect limit-range 2 "limit radios wants a number from 1 to" "$WM" --limit radios=0
expect limit-not-number 2 "limit queue wants a number" "$WM" --limit queue=many
expect limit-no-value 2 "limit radio-addrs wants a number" "$WM" --limit radio-addrs
expect test-config-needs-file 2 "needs -c" "$WM" --test-config
expect test-config-good 0 "SNR in dB at 2412 MHz" "$WM" --test-config -c "$SRC/examples/demo.cfg"
expect test-config-nodes 0 "     sta2      23.1      18.5" "$WM" --test-config -c "$SRC/examples/vms.cfg"
expect test-config-summary 0 "3 radios, model path_loss" "$WM" --test-config -c "$SRC/examples/demo.cfg"
# Every error with its level and file:line, exit 1.
expect test-config-bad 1 " error  .*bad-many.cfg:22: unknown model_name" "$WM" --test-config -c "$SRC/tests/configs/bad-many.cfg"
expect test-config-all-errors 1 "bad-many.cfg:29: unknown section" "$WM" --test-config -c "$SRC/tests/configs/bad-many.cfg"
expect test-config-missing 1 "No such file" "$WM" --test-config -c "$T/none.cfg"
# Integers where reals belong: 15 dBm, not 0.
printf 'ifaces : { ids = [ "02:00:00:00:00:00", "02:00:00:00:01:00" ]; };\nmodel : { type = "path_loss"; positions = ((0, 0), (10, 0)); tx_powers = (15, 15); model_name = "free_space"; };\n' >"$T/ints.cfg"
expect integer-tx-power 0 "15 dBm" "$WM" --test-config -c "$T/ints.cfg"
expect per-table-good 0 ": ok" "$WM" --test-config -c "$SRC/examples/demo.cfg" -x "$SRC/examples/per-table-awgn.txt"
printf '# signal p0\n-90 0.5\n' >"$T/bad.per"
expect per-table-bad 1 "bad.per:" "$WM" --test-config -c "$SRC/examples/demo.cfg" -x "$T/bad.per"
# A config past the entry limit is refused with its line, quickly and in little memory.
python3 -c "
ids = ', '.join('\"02:%02x:%02x:%02x:00:00\"' % (i >> 16, (i >> 8) & 255, i & 255) for i in range(65537))
print('ifaces : { ids = [ %s ]; };' % ids)" >"$T/huge.cfg"
expect config-too-many-ids 1 "huge.cfg:1: ifaces.ids: 65537 radios, more than 65536" "$WM" --test-config -c "$T/huge.cfg"
# Without hwsim in this kernel, running for real fails clearly.
if ! grep -q MAC80211_HWSIM /proc/net/genetlink 2>/dev/null && [ ! -d /sys/module/mac80211_hwsim ]; then
	expect no-hwsim 1 "is mac80211_hwsim loaded" "$WM" -c "$SRC/examples/demo.cfg"
fi
# A socket another wifimedium still serves is not taken over; a stale one
# (its owner gone) is replaced.
"$WM" -u "$T/vu.sock" --airport "unix:$T/ap.sock" --control "$T/ctl.sock" -l info --log-file "$T/first.log" &
first=$!
for _ in $(seq 50); do [ -S "$T/ctl.sock" ] && break; sleep 0.1; done
expect vhost-user-socket-in-use 1 "vu.sock: another daemon answers there" timeout 5 "$WM" -u "$T/vu.sock"
expect airport-socket-in-use 1 "ap.sock: another daemon answers there" timeout 5 "$WM" --airport "unix:$T/ap.sock"
expect control-socket-in-use 1 "ctl.sock: another daemon answers there" timeout 5 "$WM" -u "$T/vu2.sock" --control "$T/ctl.sock"
expect first-still-serving 0 "" kill -0 "$first"
kill -9 "$first"
wait "$first" 2>/dev/null
"$WM" -u "$T/vu.sock" --airport "unix:$T/ap.sock" -l info --log-file "$T/second.log" &
second=$!
for _ in $(seq 50); do grep -q "listening on $T/vu.sock" "$T/second.log" 2>/dev/null && break; sleep 0.1; done
expect stale-sockets-replaced 0 "listening on $T/vu.sock" cat "$T/second.log"
kill "$second"
wait "$second" 2>/dev/null
: >"$T/plain"
expect not-a-socket 1 "plain: exists and is not a socket" timeout 5 "$WM" -u "$T/plain"
# A secret file others may read is no secret: the medium and the agent refuse it.
echo "a shared secret for the test" >"$T/secret"
chmod 644 "$T/secret"
expect secret-readable 1 "chmod 600" timeout 5 "$WM" --airport tcp:127.0.0.1:7399 --secret-file "$T/secret"
if [ -n "$AP" ]; then
	expect secret-readable-agent 1 "chmod 600" timeout 5 "$AP" -c tcp:127.0.0.1:7399 -s "$T/secret"
fi
echo short >"$T/short"
chmod 600 "$T/short"
expect secret-short 1 "want 8 bytes" timeout 5 "$WM" --airport tcp:127.0.0.1:7399 --secret-file "$T/short"
# --socket-mode and --socket-group on every unix socket.
expect socket-mode-bad 2 "bad socket mode" "$WM" --socket-mode 0999
expect socket-group-bad 2 "no such group" "$WM" --socket-group no-such-group-here
"$WM" -u "$T/pm-vu.sock" --airport "unix:$T/pm-ap.sock" --control "$T/pm-ctl.sock" \
	--socket-mode 0600 --socket-group "$(id -g)" -l info --log-file "$T/pm.log" &
pm=$!
for _ in $(seq 50); do grep -q "running" "$T/pm.log" 2>/dev/null && break; sleep 0.1; done
expect socket-perms 0 "^600 $(id -g) 600 $(id -g) 600 $(id -g) $" \
	sh -c 'stat -c "%a %g" "$@" | tr "\n" " "; echo' - "$T/pm-vu.sock" "$T/pm-ap.sock" "$T/pm-ctl.sock"
kill "$pm"
wait "$pm" 2>/dev/null
# second_refused SOCKET: two connections, the second closed at once, the first kept.
second_refused() {
	python3 - "$1" <<'PY'
import socket, sys
a = socket.socket(socket.AF_UNIX); a.connect(sys.argv[1])
b = socket.socket(socket.AF_UNIX); b.connect(sys.argv[1])
b.settimeout(5); a.settimeout(0.5)
closed = b.recv(1) == b""
try:
    kept = a.recv(1) != b""
except socket.timeout:
    kept = True
print("kept" if kept else "first closed", "closed" if closed else "second open")
sys.exit(0 if kept and closed else 1)
PY
}
# --limit reaches the listeners: with airport-pending=1 a second connection
# that has not said HELLO is closed at once, the first is kept.
"$WM" --airport "unix:$T/lim.sock" --limit airport-pending=1,radios=100 -l info \
	--log-file "$T/lim.log" &
lim=$!
for _ in $(seq 50); do [ -S "$T/lim.sock" ] && break; sleep 0.1; done
expect limit-airport-pending 0 "kept closed" second_refused "$T/lim.sock"
kill "$lim"
wait "$lim" 2>/dev/null
# vms and control: connections past the limit are closed at once, the first kept.
"$WM" -u "$T/lim-vu.sock" --control "$T/lim-ctl.sock" --limit vms=1,control=1 -l info \
	--log-file "$T/lim2.log" &
lim=$!
for _ in $(seq 50); do [ -S "$T/lim-ctl.sock" ] && break; sleep 0.1; done
for sock in lim-vu lim-ctl; do
	expect "limit-$sock" 0 "kept closed" second_refused "$T/$sock.sock"
done
kill "$lim"
wait "$lim" 2>/dev/null
expect limit-control-idle 2 "control-idle wants a number from 1 to 86400" "$WM" --limit control-idle=0
# Service hygiene: USR1 logs the counters, USR2 reopens the log file
# logrotate moved away (and does nothing else), HUP reopens it and reloads,
# TERM stops and removes the sockets. systemd hears READY=1 once every
# socket listens, RELOADING=1 and READY=1 around a reload, STOPPING=1.
cat >"$T/notify.py" <<'PY'
import os, socket, subprocess, sys, time
path, wm = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(10)
p = subprocess.Popen(wm, env=dict(os.environ, NOTIFY_SOCKET=path))
got = []
def expect(state):
    msg = s.recv(4096).decode()
    got.append(msg)
    if state not in msg.split("\n"):
        sys.exit(f"wanted {state}, got {got}")
expect("READY=1")
sockets = [a for a in wm if a.endswith(".sock")]
missing = [a for a in sockets if not os.path.exists(a)]
if missing:
    sys.exit(f"READY=1 before {missing} existed")
p.send_signal(1)
expect("RELOADING=1")
expect("READY=1")
p.terminate()
expect("STOPPING=1")
print("notified:", " ".join(m.replace("\n", ",") for m in got), "exit", p.wait())
PY
if [ "${WM_SYSTEMD:-}" = yes ]; then
	expect sd-notify 0 "notified: READY=1 RELOADING=1 READY=1 STOPPING=1 exit 0" \
		timeout 20 python3 "$T/notify.py" "$T/notify" "$WM" -u "$T/n-vu.sock" \
		--control "$T/n-ctl.sock" --log-file "$T/n.log"
fi
"$WM" -u "$T/svc-vu.sock" --control "$T/svc-ctl.sock" --log-file "$T/svc.log" &
svc=$!
for _ in $(seq 50); do grep -q "running" "$T/svc.log" 2>/dev/null && break; sleep 0.1; done
# The medium asks for priority over what it serves (root may grant it).
if [ "$(id -u)" = 0 ]; then
	expect nice-by-default 0 "^-10$" sh -c 'ps -o ni= -p "$1" | tr -d " "' - "$svc"
fi
kill -USR1 "$svc"
for _ in $(seq 50); do grep -q "totals:" "$T/svc.log" && break; sleep 0.1; done
expect sigusr1-counters 0 "notice SIGUSR1: counters so far" cat "$T/svc.log"
expect log-file-dated 0 "^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]\\{3\\}[-+][0-9]\\{4\\} notice running" \
	sed -n 's/ wifimedium [^ ]*//; /running/p' "$T/svc.log"
mv "$T/svc.log" "$T/svc.log.1"
kill -USR2 "$svc"
for _ in $(seq 50); do [ -e "$T/svc.log" ] && break; sleep 0.1; done
kill -USR1 "$svc"
for _ in $(seq 50); do grep -q "totals:" "$T/svc.log" 2>/dev/null && break; sleep 0.1; done
expect sigusr2-reopens 0 "SIGUSR1: counters so far" cat "$T/svc.log"
expect sigusr2-no-reload 0 "" sh -c '! grep "SIGHUP\\|reload" "$@"' - "$T/svc.log" "$T/svc.log.1"
mv "$T/svc.log" "$T/svc.log.2"
kill -HUP "$svc"
for _ in $(seq 50); do [ -s "$T/svc.log" ] && break; sleep 0.1; done
expect sighup-reopens 0 "SIGHUP: no config file to reload" cat "$T/svc.log"
expect signals-alive 0 "" kill -0 "$svc"
kill -TERM "$svc"
wait "$svc"
expect sigterm-exit 0 "" test "$?" = 0
expect sigterm-sockets-gone 0 "" test ! -e "$T/svc-vu.sock" -a ! -e "$T/svc-ctl.sock"
expect sigterm-logged 0 "Terminated: stopping" cat "$T/svc.log"
# Under systemd (JOURNAL_STREAM names our stderr) lines carry journald's
# priority prefix and no time of day.
: >"$T/journal"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/journal") timeout 5 "$WM" --test-config \
	-c "$SRC/tests/configs/bad-many.cfg" 2>"$T/journal" >/dev/null
expect journal-prefix 0 "^<3>.*bad-many.cfg:22: unknown model_name" cat "$T/journal"
[ "$fails" = 0 ]
