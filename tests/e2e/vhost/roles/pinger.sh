# VM role: a station that pings the AP five times a second until the host
# raises "stop-ping", then reports its loss. MAC, IP.
ifc=$(radio_new "$MAC")
check radio-created test -n "$ifc"
write_sta_conf $W/sta.conf wm-vhost wpa2
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
wpa_supplicant -B -i "$ifc" -c $W/sta.conf -f $W/wpa.log
check associated wait_connected - "$ifc" 60
ping -i 0.2 -W 1 10.99.0.1 >$W/ping.log 2>&1 &
pid=$!
flag_set "$VM-pinging"
flag_wait stop-ping 170
kill -INT $pid
wait $pid
tail -3 $W/ping.log
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' $W/ping.log)
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' $W/ping.log)
say "pinged the AP $sent times while the test went on: ${loss:-?}% lost"
check kept-working awk -v l="${loss:-100}" -v n="${sent:-0}" 'BEGIN { exit !(n >= 30 && l <= 5) }'
