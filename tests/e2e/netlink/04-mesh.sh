# radios: 3
# 802.11s mesh in a line A - B - C where A and C are out of each other's
# range: A reaches C only through B.
medium_start -c "$WM_TOP/tests/e2e/netlink/line.cfg"
for i in 0 1 2; do
	ns_phy m$i phy$i
	in_ns m$i iw dev wlan$i set type mp
	in_ns m$i ip link set wlan$i up
	in_ns m$i iw dev wlan$i mesh join wm-mesh freq 2412
	in_ns m$i ip addr add 10.99.1.$((i + 1))/24 dev wlan$i
done
peered() { # NS IFACE PEER-MAC
	in_ns "$1" iw dev "$2" station get "$3" 2>/dev/null | grep -q 'mesh plink:[[:space:]]*ESTAB'
}
wait_peered() {
	for _ in $(seq 1 100); do peered "$@" && return 0; sleep 0.2; done
	return 1
}
check a-peers-b wait_peered m0 wlan0 02:00:00:00:01:00
check c-peers-b wait_peered m2 wlan2 02:00:00:00:01:00
check_not a-never-hears-c peered m0 wlan0 02:00:00:00:02:00
check ping-a-to-c ping_ok m0 10.99.1.3
in_ns m0 iw dev wlan0 mpath dump | tee $W/mpath.log
check path-via-b sh -c "grep -q '^02:00:00:00:02:00[[:space:]]*02:00:00:00:01:00' $W/mpath.log"
check ping-c-to-a ping_ok m2 10.99.1.1
