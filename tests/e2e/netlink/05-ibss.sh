# radios: 2
# IBSS (ad hoc): two radios join one cell and ping. The cell has a fixed
# BSSID: radios of one kernel start their scans in the same instant and
# would otherwise each found a cell of their own.
medium_start -c "$WM_TOP/tests/e2e/netlink/room.cfg"
for i in 0 1; do
	ns_phy n$i phy$i
	in_ns n$i iw dev wlan$i set type ibss
	in_ns n$i ip link set wlan$i up
	in_ns n$i iw dev wlan$i ibss join wm-ibss 2412 fixed-freq 02:11:22:33:44:55
	in_ns n$i ip addr add 10.99.2.$((i + 1))/24 dev wlan$i
done
joined() {
	in_ns n1 iw dev wlan1 link | grep -q 'Joined IBSS'
}
wait_joined() {
	for _ in $(seq 1 100); do joined && return 0; sleep 0.2; done
	return 1
}
check joined wait_joined
ok=1
for _ in 1 2 3 4 5; do ping_ok n0 10.99.2.2 && ok=0 && break; sleep 1; done
check ping-0-to-1 test $ok = 0
check ping-1-to-0 ping_ok n1 10.99.2.1
