# VM role: a station the host steers with wifimedium-ctl. MAC, IP. Meets the
# host at flags: associates and pings, pings through a lossy link, scans near
# and far, loses its link when moved out of range, regains it when moved back.
ifc=$(radio_new "$MAC")
check radio-created test -n "$ifc"
write_sta_conf $W/sta.conf wm-vhost wpa2
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
wpa_supplicant -B -i "$ifc" -c $W/sta.conf -P $W/wpa.pid -f $W/wpa.log
check associated wait_connected - "$ifc" 60
check ping ping_ok - 10.99.0.1
flag_set sta-associated

# The host pins the link lossy: frames need retries, most still get through.
flag_wait lossy 60
ping -c 20 -i 0.1 -W 2 10.99.0.1 >$W/ping-lossy.log 2>&1
say "lossy link: $(grep -o '[0-9]* received' $W/ping-lossy.log)"
flag_set sta-lossy-done

near=$(scan_signal "$ifc" wm-vhost)
say "scan near: ${near:-none} dBm"
check scan-near test -n "$near"
flag_set sta-scan-near
flag_wait moved-far 60
far=$(scan_signal "$ifc" wm-vhost)
say "scan far: ${far:-none} dBm"
# 5 m to 40 m in free space: 18 dB weaker.
check scan-signal-follows-move awk -v n="${near:-0}" -v f="${far:-0}" \
	'BEGIN { d = n - f; exit !(d >= 15 && d <= 21) }'
flag_set sta-scan-far

flag_wait moved-out 60
check link-lost wait_disconnected - "$ifc" 60
check_not ping-out-of-range ping -c 2 -W 1 10.99.0.1
flag_set sta-lost
flag_wait moved-back 60
check link-regained wait_connected - "$ifc" 90
check ping-after-return ping_ok - 10.99.0.1
flag_set sta-done
