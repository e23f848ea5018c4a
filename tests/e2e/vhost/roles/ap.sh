# VM role: an access point. AP_MAC, SEC (open|wpa2|sae), IP; serves iperf3
# until the host raises the "stop" flag.
ifc=$(radio_new "$AP_MAC")
check radio-created test -n "$ifc"
write_ap_conf $W/ap.conf "$ifc" "${SSID:-wm-vhost}" "${SEC:-wpa2}" "ap_isolate=0" ${EXTRA:+"$EXTRA"}
check hostapd hostapd -B -P $W/hostapd.pid -f $W/hostapd.log $W/ap.conf
ip addr add "${IP:-10.99.0.1}/24" dev "$ifc"
ip link set "$ifc" up
iperf3 -s -D
flag_set "$VM-ready"
check stopped-by-host flag_wait stop 170
