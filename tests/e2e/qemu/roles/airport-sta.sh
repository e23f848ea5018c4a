# Guest side: a station in a QEMU guest, through airport. PREFIX, SEC, IP,
# PING_TO. Associates, pings, leaves (so the AP knows it is done).
. /e2e/lib.sh
mkdir -p "$W"
airport -c vport:org.wifimedium.0 -N "$(hostname)" -r 1 -m "$PREFIX" -l info >"$W/airport.log" 2>&1 &
for _ in $(seq 1 100); do grep -q "connected as" "$W/airport.log" && break; sleep 0.1; done
check airport-connected grep -q "connected as" "$W/airport.log"
ifc=$(iw dev | awk '/Interface/ { print $2; exit }')
write_sta_conf "$W/sta.conf" wm-airport "${SEC:-wpa2}"
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
check wpa_supplicant sta_start - "$ifc" "$W/sta.conf"
check associated wait_connected - "$ifc" 90
ok=1
for _ in $(seq 1 10); do ping_ok - "$PING_TO" >/dev/null && ok=0 && break; sleep 1; done
check ping test $ok = 0
say "signal $(signal_of - "$ifc") dBm"
kill "$(cat "$W/wpa--.pid" 2>/dev/null)" 2>/dev/null || pkill wpa_supplicant
sleep 1
cat "$W/airport.log"
