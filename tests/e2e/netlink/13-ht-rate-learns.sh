# radios: 2
# HT with WMM, so a Block Ack session carries the data: the station's rate
# keeps adapting (patches/uml-6.1/0003; a stock kernel leaves it at its first
# choice, HT MCS 8, 13 Mbit/s, and this test fails). At 40 dB minstrel_ht
# climbs above MCS 8; after the link drops to 15 dB, on a new association,
# it settles lower than at 40 dB. Each time it must have counted the status
# of the bulk transfer's frames (rc_stats: thousands of attempts, where a
# frozen minstrel_ht has only those from before the session). The bulk
# transfer goes in A-MPDUs: the medium learned the Block Ack agreement from
# the ADDBA exchange, and its counters show several MPDUs per A-MPDU.
cat >$W/medium.cfg <<EOC
ifaces : { ids = [ "02:00:00:00:00:00", "02:00:00:00:01:00" ]; };
model : { type = "snr"; links = ( (0, 1, 40) ); };
EOC
medium_start -c $W/medium.cfg --control $W/ctl.sock
counter() { # NAME: a medium-wide counter from the control API
	"$WM_BUILD/src/wifimedium-ctl" -s $W/ctl.sock status --json |
		python3 -c "import json, sys; print(json.load(sys.stdin)['counters']['$1'])"
}
ns_phy ap phy0
ns_phy sta phy1
write_ap_conf $W/ap.conf wlan0 wm-ht open
write_sta_conf $W/sta.conf wm-ht open
in_ns ap iperf3 -s -D

measure() { # NAME: associate, bulk TCP for 4 s; prints the station's tx bitrate in Mbit/s
	ap_start ap $W/ap.conf
	sta_start sta wlan1 $W/sta.conf
	check "associated-$1" wait_connected sta wlan1 20 >&2
	ip_up ap wlan0 10.99.0.1/24
	ip_up sta wlan1 10.99.0.2/24
	in_ns sta iperf3 -c 10.99.0.1 -t 4 -f m >$W/iperf-$1.log 2>&1
	_rate=$(in_ns sta iw dev wlan1 station dump | sed -n 's/.*tx bitrate:[[:space:]]*//p')
	_rc=$(rc_rates phy1)
	cat /sys/kernel/debug/ieee80211/phy1/netdev:*/stations/*/rc_stats >&2
	say "$1: $(awk '/receiver/ {print $7, $8}' $W/iperf-$1.log), tx bitrate $_rate; $_rc" >&2
	_att=$(echo "$_rc" | sed -n 's/.* of \([0-9]*\) attempts acked$/\1/p')
	check "minstrel-counted-the-session-$1" test "${_att:-0}" -gt 1000 >&2
	kill "$(cat $W/hostapd-ap.pid)" "$(cat $W/wpa-sta.pid)"
	sleep 0.5
	in_ns ap ip addr flush dev wlan0
	in_ns sta ip addr flush dev wlan1
	echo "${_rate%% *}"
}

high=$(measure 40dB)
ampdus=$(counter ampdus)
attempts=$(counter tx_attempts)
say "40dB: ${ampdus:-?} A-MPDUs in ${attempts:-?} attempts"
check ampdus-on-the-air test "${ampdus:-0}" -gt 100
check several-mpdus-per-ampdu test "${attempts:-0}" -gt $((4 * ${ampdus:-0}))
check rate-above-mcs8-at-40dB awk -v r="${high:-0}" 'BEGIN { exit !(r + 0 > 13.0) }'
sed -i 's/(0, 1, 40)/(0, 1, 15)/' $W/medium.cfg
kill -HUP "$WM_PID"
low=$(measure 15dB)
check rate-lower-at-15dB awk -v h="${high:-0}" -v l="${low:-0}" 'BEGIN { exit !(l + 0 > 0 && l + 0 < h + 0) }'
