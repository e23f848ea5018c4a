# VM role: a station for the web view's test (07-web.sh). MAC, IP. It
# associates, pings the AP five times a second, and on the host's
# "reconnect" flag leaves (a deauthentication the view must show) and
# associates again; stops on "stop-ping" and reports its pings.
ifc=$(radio_new "$MAC")
check radio-created test -n "$ifc"
write_sta_conf $W/sta.conf wm-vhost wpa2
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
wpa_supplicant -B -i "$ifc" -c $W/sta.conf -P $W/wpa.pid -f $W/wpa.log
check associated wait_connected - "$ifc" 60
ping -i 0.2 -W 1 10.99.0.1 >$W/ping.log 2>&1 &
pid=$!
flag_set "$VM-pinging"
if flag_wait reconnect 170; then
	# wpa_supplicant owns the connection (iw may not end it): stopping it
	# deauthenticates; a new one associates again.
	kill "$(cat $W/wpa.pid)"
	check left wait_disconnected - "$ifc" 30
	wpa_supplicant -B -i "$ifc" -c $W/sta.conf -P $W/wpa.pid -f $W/wpa2.log
	check reassociated wait_connected - "$ifc" 60
	flag_set "$VM-reconnected"
fi
flag_wait stop-ping 170
kill -INT $pid
wait $pid
tail -3 $W/ping.log
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $W/ping.log)
say "pings answered while the browser looked on: ${received:-0}"
check pinged awk -v n="${received:-0}" 'BEGIN { exit !(n > 0) }'
