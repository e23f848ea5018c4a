# VM role: a station of the ESS wm-roam (roles/roam-aps.sh) that roams on its
# own: wpa_supplicant's bgscan scans channels 1, 6 and 11 every 2 s once the
# signal is below -65 dBm, and wpa_supplicant moves to a better AP it finds.
# MAC, IP, VARIANT (as roam-aps.sh), AP1_MAC, AP2_MAC. Associates to AP1,
# pings 10.99.0.1 every 50 ms from "sta-ready" on, while the host walks it
# towards AP2; raises "sta-roamed" when it is associated to AP2; once the
# host has stopped the walk ("walk-stopped"), checks that data still flows
# and reports the longest gap in the replies.
ifc=$(radio_new "$MAC")
check radio-created test -n "$ifc"
{
	echo "ctrl_interface=$W/wpa"
	echo "freq_list=2412 2437 2462"
	[ "${VARIANT#ft-}" = sae ] && echo "sae_pwe=2"
	echo "network={"
	echo "	ssid=\"wm-roam\""
	case $VARIANT in
	psk) echo "	key_mgmt=WPA-PSK" ;;
	sae) echo "	key_mgmt=SAE" ;;
	ft-psk) echo "	key_mgmt=FT-PSK" ;;
	ft-sae) echo "	key_mgmt=FT-SAE" ;;
	esac
	case $VARIANT in
	psk | ft-psk) echo "	psk=\"correct horse battery\"" ;;
	*) echo "	sae_password=\"correct horse battery\""; echo "	ieee80211w=2" ;;
	esac
	# bgscan's scans cover the network's scan_freq (freq_list only the others').
	echo "	scan_freq=2412 2437 2462"
	echo "	bgscan=\"simple:2:-65:10\""
	echo "}"
} >$W/sta.conf
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
wpa_supplicant -B -t -i "$ifc" -c $W/sta.conf -P $W/wpa.pid -f $W/wpa.log

# bssid: the AP wpa_supplicant is associated with (empty when it is not).
bssid() {
	wpa_cli -p $W/wpa -i "$ifc" status 2>/dev/null | sed -n 's/^bssid=//p'
}
# wait_bssid MAC SECONDS
wait_bssid() {
	_end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$_end" ]; do
		[ "$(bssid)" = "$1" ] && wpa_cli -p $W/wpa -i "$ifc" status | grep -q '^wpa_state=COMPLETED' &&
			return 0
		sleep 0.1
	done
	return 1
}
check associated-to-ap1 wait_bssid "$AP1_MAC" 60
say "signal at the start $(signal_of - "$ifc") dBm"
check ping-ap1 ping_ok - 10.99.0.1

# The carrier and the neighbour cache through the roam, for whoever reads a gap.
ip -ts monitor link neigh dev "$ifc" >$W/link-monitor.log 2>&1 &
# One reply line per answer, with its arrival time (-D), across the walk.
ping -D -i 0.05 -W 1 10.99.0.1 >$W/ping-walk.log 2>&1 &
ping_pid=$!
sleep 1
flag_set sta-ready
check roamed-to-ap2 wait_bssid "$AP2_MAC" 100
say "roamed to $(bssid) at $(signal_of - "$ifc") dBm"
flag_set sta-roamed
# The walk ends at AP2; then some more traffic inside the steady ping.
flag_wait walk-stopped 120
sleep 2
kill -INT $ping_pid
wait $ping_pid
check ping-after-roam ping_ok - 10.99.0.1
check associated-to-ap2-at-end test "$(bssid)" = "$AP2_MAC"

# The gap: the longest time between two replies; and what was lost.
gap=$(awk '/bytes from/ { t = substr($1, 2, length($1) - 2) + 0;
	if (last != "" && t - last > max) max = t - last; last = t }
	END { printf "%d", max * 1000 }' $W/ping-walk.log)
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' $W/ping-walk.log)
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $W/ping-walk.log)
say "bench: roam $VARIANT: longest ping gap ${gap} ms, $((sent - got)) of $sent lost (ping -i 0.05 across the walk)"
echo "$VARIANT $gap $((sent - got)) $sent" >"$WM_OUT/gap"
check ping-across-walk test "${got:-0}" -gt 0
flag_set sta-done
