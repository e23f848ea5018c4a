# Guest side of tests/e2e/qemu/04-rate-learns.sh: 2 hwsim radios on hwsim's
# own medium, an HT network with WMM (so a Block Ack session), bulk traffic.
. /e2e/lib.sh
mkdir -p "$W"
ns_phy ap phy0 && ns_phy sta phy1
write_ap_conf "$W/ap.conf" wlan0 wm-rate open
write_sta_conf "$W/sta.conf" wm-rate open
check hostapd ap_start ap "$W/ap.conf"
check wpa_supplicant sta_start sta wlan1 "$W/sta.conf"
check associated wait_connected sta wlan1 60
ip_up ap wlan0 10.99.0.1/24
ip_up sta wlan1 10.99.0.2/24
check ping ping_ok sta 10.99.0.1
in_ns ap iperf3 -s -D
sleep 0.5
in_ns sta iperf3 -c 10.99.0.1 -t 4 -f m >"$W/iperf.log" 2>&1
say "iperf3: $(awk '/receiver/ {print $7, $8}' "$W/iperf.log")"
rate=$(in_ns sta iw dev wlan1 station dump | sed -n 's/.*tx bitrate:[[:space:]]*//p')
say "station tx bitrate after the traffic: $rate"
# hwsim's medium delivers every frame, so rate control that sees the
# aggregated frames' status climbs well above its first choice (HT MCS 8,
# 13 Mbit/s, where stock hwsim leaves it).
check ht-rate sh -c "echo '$rate' | grep -q MCS"
check rate-learned awk -v r="${rate%% *}" 'BEGIN { exit !(r + 0 > 13.0) }'
e2e_end
