#!/bin/sh
# The wmediumd control socket (-s) of a real daemon, driven by our own
# client (tests/e2e/wserver-client.py) through every request type, each
# checked by its reply and by what the control API then shows of the
# nodes; then the spec-prob mode (-d), garbage on the socket, many
# clients, and shutdown. No kernel: the daemon runs with a vhost-user
# socket and no guests.
#   test-wserver.sh WIFIMEDIUM WIFIMEDIUM-CTL SOURCE-DIR
WM=$1
CTL=$2
SRC=$3
T=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
C="python3 $SRC/tests/e2e/wserver-client.py"

. "$(dirname "$0")/expect.sh"

# node INDEX FIELD: a field of a node, as the control API shows it.
node() {
	"$CTL" -s "$T/ctl.sock" nodes --json | python3 -c "
import json, sys
n = [x for x in json.load(sys.stdin)['nodes'] if x['index'] == $1][0]
print(json.dumps(n['$2']))"
}

start() { # ARGS...: the daemon, until its sockets answer
	"$WM" -u "$T/vu.sock" --control "$T/ctl.sock" -l info --log-file "$T/wm.log" "$@" &
	pid=$!
	for _ in $(seq 50); do [ -S "$T/ctl.sock" ] && [ -S "$T/ws.sock" ] && break; sleep 0.1; done
}

stop() {
	kill "$pid"
	wait "$pid"
	pid=
}

A=02:00:00:00:00:00
B=02:00:00:00:01:00
X=02:00:00:00:09:00
# The config mininet-wifi writes in interference mode (integer TX powers and all).
start -s"$T/ws.sock" -c "$SRC/tests/configs/mininet-interference-2.cfg"
expect socket-mode 0 "^660$" stat -c %a "$T/ws.sock"
expect position 0 "^pos result 0$" $C "$T/ws.sock" pos $B 30 40 1.5
expect position-applied 0 "^\[30.0, 40.0, 1.5\]$" node 1 pos
expect txpower 0 "^txpower result 0$" $C "$T/ws.sock" txpower $A 20
expect txpower-applied 0 "^20.0$" node 0 tx_power
expect gain 0 "^gain result 0$" $C "$T/ws.sock" gain $B 5
expect gain-applied 0 "^5.0$" node 1 antenna_gain
expect height 0 "^height result 0$" $C "$T/ws.sock" height $B 12
expect height-applied 0 "^12.0$" node 1 antenna_height
expect gaussian 0 "^gaussian result 0$" $C "$T/ws.sock" gaussian $A 2.5
expect gaussian-applied 0 "^2.5$" node 0 shadowing
expect medium 0 "^medium result 0$" $C "$T/ws.sock" medium $B 2
expect medium-applied 0 "^2$" node 1 medium
expect medium-unknown 0 "^medium result 1$" $C "$T/ws.sock" medium $X 2
expect snr 0 "^snr result 0$" $C "$T/ws.sock" snr $A $B 25
expect snr-unknown 0 "^snr result 1$" $C "$T/ws.sock" snr $A $X 25
expect errprob-wrong-mode 0 "^errprob result 3$" $C "$T/ws.sock" errprob $A $B 0.5
expect specprob-wrong-mode 0 "^specprob result 3$" $C "$T/ws.sock" specprob $A $B 0.5
expect position-unknown-is-ok 0 "^pos result 0$" $C "$T/ws.sock" pos $X 1 1 1
expect position-nan 0 "^pos result 4$" $C "$T/ws.sock" pos $A nan 0 0
expect txpower-absurd 0 "^txpower result 4$" $C "$T/ws.sock" txpower $A 5000
expect add 0 "^add result 0 id 2$" $C "$T/ws.sock" add $X
expect add-node 0 "^\"$X\"$" node 2 mac
expect add-duplicate 0 "^add result 2 id 0$" $C "$T/ws.sock" add $X
expect add-then-move 0 "^pos result 0$" $C "$T/ws.sock" pos $X 7 7 0
expect add-moved 0 "^\[7.0, 7.0, 0.0\]$" node 2 pos
expect del 0 "^del result 0$" $C "$T/ws.sock" del $A
expect del-again 0 "^del result 1$" $C "$T/ws.sock" del $A
expect del-detaches 0 "^-" node 0 medium
expect delid 0 "^delid result 0$" $C "$T/ws.sock" delid 1
expect delid-unknown 0 "^delid result 1$" $C "$T/ws.sock" delid 7
# Garbage: an unknown type gets the error reply and the connection stays.
expect unknown-type 0 "^ff2a$" $C "$T/ws.sock" raw 2a
expect reply-type-as-request 0 "^ff02$" $C "$T/ws.sock" raw 02
python3 - "$T/ws.sock" >"$T/seq" 2>&1 <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
mac = bytes([2, 0, 0, 0, 1, 0])
# garbage, then a good request on the same connection; then a request in pieces
s.sendall(b"\x63\x01\x02")
print("error", s.recv(2).hex())
s.sendall(struct.pack("!B6si", 15, mac, 7))
print("after", s.recv(13)[-1])
req = struct.pack("!B6si", 17, mac, 3)
for b in req:
    s.sendall(bytes([b]))
print("pieces", s.recv(13)[-1])
# A client that vanishes mid-request costs only itself.
t = socket.socket(socket.AF_UNIX); t.connect(sys.argv[1]); t.sendall(b"\x0d\x02\x00"); t.close()
s.sendall(struct.pack("!B6si", 15, mac, 9))
print("still", s.recv(13)[-1])
PY
expect garbage-then-good 0 "^after 0$" cat "$T/seq"
expect garbage-error-reply 0 "^error ff63$" cat "$T/seq"
expect request-in-pieces 0 "^pieces 0$" cat "$T/seq"
expect half-request-client 0 "^still 0$" cat "$T/seq"
# Sixteen clients at once are served; the seventeenth is closed at once.
python3 - "$T/ws.sock" >"$T/many" 2>&1 <<'PY'
import socket, struct, sys
socks = []
for i in range(17):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5); socks.append(s)
mac = bytes([2, 0, 0, 0, 9, 0])
ok = 0
for s in socks[:16]:
    s.sendall(struct.pack("!B6si", 15, mac, 10))
    ok += s.recv(13)[-1:] == b"\x00"
print("served", ok, "closed" if socks[16].recv(1) == b"" else "open")
PY
expect sixteen-clients 0 "^served 16 closed$" cat "$T/many"
# Shutdown: the socket goes, the medium stays.
expect shutdown 0 "^closed$" $C "$T/ws.sock" shutdown
expect shutdown-socket-gone 0 "" test ! -e "$T/ws.sock"
expect shutdown-medium-stays 0 "" kill -0 "$pid"
expect shutdown-logged 0 "wserver: a client asked to shut down" cat "$T/wm.log"
stop
expect sockets-removed 0 "" test ! -e "$T/ctl.sock"

# A reload brings the config's stations back, and undoes what the socket changed.
start -s"$T/ws.sock" -c "$SRC/tests/configs/mininet-interference-2.cfg"
$C "$T/ws.sock" txpower $A 3 >/dev/null
kill -HUP "$pid"
for _ in $(seq 50); do grep -q "SIGHUP: reloaded" "$T/wm.log" && break; sleep 0.1; done
expect reload-undoes 0 "^14.0$" node 0 tx_power
expect reload-stations 0 "^del result 0$" $C "$T/ws.sock" del $B
stop

# The prob model: error probabilities both ways; positions do not fit.
cat >"$T/prob.cfg" <<'EOC'
ifaces : { ids = [ "02:00:00:00:00:00", "02:00:00:00:01:00" ]; };
model : { type = "prob"; default_prob = 1.0; links = ((0, 1, 0.0)); };
EOC
start -s"$T/ws.sock" -c "$T/prob.cfg"
expect errprob 0 "^errprob result 0$" $C "$T/ws.sock" errprob $A $B 0.25
expect prob-position 0 "^pos result 3$" $C "$T/ws.sock" pos $A 1 1 1
stop

# -d: no config, stations by ADD, links by SPECPROB.
start -s"$T/ws.sock" -d
expect spec-add 0 "^add result 0 id 0$" $C "$T/ws.sock" add $A
expect spec-add2 0 "^add result 0 id 1$" $C "$T/ws.sock" add $B
expect specprob 0 "^specprob result 0$" $C "$T/ws.sock" specprob $A $B 0.1
expect spec-snr 0 "^snr result 3$" $C "$T/ws.sock" snr $A $B 10
expect spec-logged 0 "spec-prob mode" cat "$T/wm.log"
stop
[ "$fails" = 0 ]
