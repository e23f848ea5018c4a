# VM role for the demo (scripts/demo): a station that associates, then
# writes what it sees to $WM_OUT/summary. MAC, IP, PEER (the other station).
S=$WM_OUT/summary
ifc=$(radio_new "$MAC")
write_sta_conf $W/sta.conf wm-vhost wpa2
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
wpa_supplicant -B -i "$ifc" -c $W/sta.conf -f $W/wpa.log
if ! wait_connected - "$ifc" 60; then
	echo "$VM: did not associate" >$S
	flag_set "$VM-done"
	exit 0
fi
flag_set "$VM-associated"
# Some traffic first, so rate control has settled when we look.
ping -c 60 -i 0.02 -s 1400 -q 10.99.0.1 >/dev/null 2>&1
{
	iw dev "$ifc" link | awk -v vm="$VM" '/Connected/ {ap=$3} /signal/ {sig=$2" "$3}
		/tx bitrate/ {sub(/.*tx bitrate: /, ""); rate=$0}
		END {printf "%s: connected to %s, signal %s, tx bitrate %s\n", vm, ap, sig, rate}'
	printf '%s: ping the AP:         ' "$VM"
	ping -c 3 -i 0.2 10.99.0.1 | sed -n 's/^rtt [^=]*= \([^/]*\)\/\([^/]*\).*/\2 ms average/p'
	if flag_wait "$PEER_VM-associated" 60; then
		printf '%s: ping %s via the AP: ' "$VM" "$PEER_VM"
		ping -c 3 -i 0.2 "$PEER" | sed -n 's/^rtt [^=]*= \([^/]*\)\/\([^/]*\).*/\2 ms average/p'
	fi
	# One station at a time on the air, so each gets the medium to itself.
	[ "$VM" = sta2 ] && flag_wait sta1-iperf-done 60
	printf '%s: iperf3 TCP to the AP: ' "$VM"
	iperf3 -c 10.99.0.1 -t 3 -f m | awk '/receiver/ {print $7, $8}'
	flag_set "$VM-iperf-done"
} >$S 2>&1
flag_set "$VM-done"
