# VM role: a mesh point. MAC, IP; joins wm-mesh, pings PING_TO when given.
ifc=$(radio_new "$MAC")
check radio-created test -n "$ifc"
iw dev "$ifc" set type mp
ip link set "$ifc" up
iw dev "$ifc" mesh join wm-mesh freq 2412
ip addr add "$IP/24" dev "$ifc"
flag_set "$VM-joined"
if [ -n "$PING_TO" ]; then
	flag_wait "${WAIT_FOR:-none}" 60
	ok=1
	for _ in $(seq 1 20); do ping_ok - "$PING_TO" >/dev/null && ok=0 && break; sleep 1; done
	check ping-through-mesh test $ok = 0
	iw dev "$ifc" mpath dump | tee $W/mpath.log
	[ -n "$VIA" ] && check "path-via-$VIA" sh -c "grep -q '^$PEER_MAC[[:space:]]*$VIA_MAC' $W/mpath.log"
	flag_set "$VM-done"
else
	check stopped-by-host flag_wait stop 170
fi
