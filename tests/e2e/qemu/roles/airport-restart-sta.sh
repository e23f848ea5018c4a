# Guest side of 03-medium-restart: a station through airport that pings,
# says so on the console, waits out the medium's restart and pings again.
. /e2e/lib.sh
mkdir -p "$W"
airport -c vport:org.wifimedium.0 -N "$(hostname)" -r 1 -m "$PREFIX" -l info >"$W/airport.log" 2>&1 &
for _ in $(seq 1 100); do grep -q "connected as" "$W/airport.log" && break; sleep 0.1; done
ifc=$(iw dev | awk '/Interface/ { print $2; exit }')
write_sta_conf "$W/sta.conf" wm-airport "${SEC:-wpa2}"
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
sta_start - "$ifc" "$W/sta.conf"
check associated wait_connected - "$ifc" 90
ok=1
for _ in $(seq 1 10); do ping_ok - "$PING_TO" >/dev/null && ok=0 && break; sleep 1; done
check ping-before test $ok = 0
echo "first-ping-done"
# The medium goes away: airport answers frames as failed meanwhile, then
# reconnects when it is back.
for _ in $(seq 1 300); do [ "$(grep -c 'connected as' "$W/airport.log")" -ge 2 ] && break; sleep 0.2; done
check airport-reconnected sh -c "[ \$(grep -c 'connected as' '$W/airport.log') -ge 2 ]"
ok=1
for _ in $(seq 1 40); do ping_ok - "$PING_TO" >/dev/null && ok=0 && break; sleep 1; done
check ping-after-restart test $ok = 0
pkill wpa_supplicant
sleep 1
cat "$W/airport.log"
