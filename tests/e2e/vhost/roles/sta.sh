# VM role: a station. MAC, SEC, IP; associates, then pings PING_TO (default
# the AP) and runs iperf3 to IPERF_TO if set; raises "$VM-done".
ifc=$(radio_new "$MAC")
check radio-created test -n "$ifc"
write_sta_conf $W/sta.conf wm-vhost "${SEC:-wpa2}"
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
wpa_supplicant -B -i "$ifc" -c $W/sta.conf -P $W/wpa.pid -f $W/wpa.log
check associated wait_connected - "$ifc" 60
say "signal $(signal_of - "$ifc") dBm"
[ -n "$WAIT_FOR" ] && flag_set "$VM-associated" && flag_wait "$WAIT_FOR" 90
check ping ping_ok - "${PING_TO:-10.99.0.1}"
if [ -n "$IPERF_TO" ]; then
	iperf3 -c "$IPERF_TO" -t 3 -f m >$W/iperf.log 2>&1
	rate=$(awk '/receiver/ {print $7}' $W/iperf.log)
	say "iperf3: ${rate:-?} Mbit/s"
	check iperf3 awk -v r="${rate:-0}" 'BEGIN { exit !(r > 0.5) }'
fi
flag_set "$VM-done"
# HOLD: stay up until the host pulls the plug.
[ -n "$HOLD" ] && flag_wait never 170
