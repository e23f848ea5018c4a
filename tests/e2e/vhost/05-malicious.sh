# host-side
# A malicious vhost-user front-end attacks the medium's socket next to two
# honest VMs: the synthetic front-end of tests/unit/test-vhost-user.c in
# --attack mode opens one connection per malicious case (bad descriptors,
# looping chains, rings and memory tables outside memory, oversized or
# garbage messages, too many fds, queue 7, wrong version bits). Each must
# be dropped within 5 s while the daemon lives on and a station VM pinging
# the AP loses (almost) nothing. The RX case is found by a delivery: the
# AP's beacons provide it.
flag_wait_host() { for _ in $(seq 1 $(($2 * 5))); do [ -f "$WM_OUT/flags/$1" ] && return 0; sleep 0.2; done; return 1; }
attack() {
	"$WM_BUILD/tests/unit/test-vhost-user" --attack "$WM_OUT/wm.sock" >"$WM_OUT/attack.log" 2>&1
	_rc=$?
	sed 's/^/    | /' "$WM_OUT/attack.log"
	return $_rc
}
medium_start
vm_start ap ap AP_MAC=02:aa:00:00:00:00 SEC=wpa2
vm_start sta1 pinger MAC=02:b1:00:00:00:00 IP=10.99.0.11
check pinger-running flag_wait_host sta1-pinging 90
sleep 3	# pings before, during and after: the pinger wants at least 30 of them
check attacks-closed attack
check medium-alive kill -0 "$WM_PID"
check medium-saw-faults grep -q "disconnecting" "$WM_OUT/wifimedium.log"
sleep 4
flag_set stop-ping
vm_wait sta1 60
flag_set stop
vm_wait ap 30
