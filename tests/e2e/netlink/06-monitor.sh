# radios: 4
# A monitor interface on a fourth radio, that takes part in nothing, sees
# the data frames the others exchange: the medium delivers what it overhears.
medium_start -c "$WM_TOP/tests/e2e/netlink/room.cfg"
ns_phy ap phy0
ns_phy sta phy1
ns_phy mon phy3
write_ap_conf $W/ap.conf wlan0 wm-mon open
write_sta_conf $W/sta.conf wm-mon open
ap_start ap $W/ap.conf
sta_start sta wlan1 $W/sta.conf
in_ns mon iw phy phy3 interface add mon0 type monitor
in_ns mon ip link set mon0 up
in_ns mon iw dev mon0 set freq 2412
check associated wait_connected sta wlan1 20
ip_up ap wlan0 10.99.0.1/24
ip_up sta wlan1 10.99.0.2/24
in_ns mon tshark -q -i mon0 -w $W/mon.pcapng >$W/tshark.log 2>&1 &
cap=$!
for _ in $(seq 1 150); do grep -q "Capturing on" $W/tshark.log && break; sleep 0.2; done
# tshark says it captures a little before dumpcap really does.
sleep 1
check ping in_ns sta ping -c 10 -i 0.2 -W 3 10.99.0.1
sleep 1
pkill -INT -x tshark
wait $cap
n_data=$(tshark -r $W/mon.pcapng -Y 'wlan.fc.type == 2 && wlan.ta == 02:00:00:00:01:00 && wlan.ra == 02:00:00:00:00:00' 2>/dev/null | wc -l)
n_beacon=$(tshark -r $W/mon.pcapng -Y 'wlan.fc.type_subtype == 8' 2>/dev/null | wc -l)
say "monitor saw $n_data data frames station->AP and $n_beacon beacons"
check sees-station-data test "$n_data" -ge 6
check sees-beacons test "$n_beacon" -ge 10
