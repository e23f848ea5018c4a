# Guest side: an access point in a QEMU guest whose radio reaches the medium
# through airport over the virtio-serial port. PREFIX, SEC, IP. Serves until
# the station has come and gone, or for HOLD_S seconds (default 120); with
# HOLD_ALL=1 for HOLD_S seconds whatever the station does (a station that
# re-authenticates is gone from the station list for a moment).
. /e2e/lib.sh
mkdir -p "$W"
airport -c vport:org.wifimedium.0 -N "$(hostname)" -r 1 -m "$PREFIX" -l info >"$W/airport.log" 2>&1 &
for _ in $(seq 1 100); do grep -q "connected as" "$W/airport.log" && break; sleep 0.1; done
check airport-connected grep -q "connected as" "$W/airport.log"
ifc=$(iw dev | awk '/Interface/ { print $2; exit }')
write_ap_conf "$W/ap.conf" "$ifc" wm-airport "${SEC:-wpa2}" ${AP_OPT:+"$AP_OPT"}
check hostapd ap_start - "$W/ap.conf"
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
seen=0
end=$(($(date +%s) + ${HOLD_S:-120}))
# By the clock, not by rounds: every iw takes its time under TCG.
while [ "$(date +%s)" -lt "$end" ]; do
	n=$(iw dev "$ifc" station dump | grep -c '^Station')
	[ "$n" -gt 0 ] && seen=1
	[ "$seen" = 1 ] && [ "$n" = 0 ] && [ "${HOLD_ALL:-0}" != 1 ] && break
	sleep 0.5
done
check station-came test "$seen" = 1
cat "$W/airport.log"
