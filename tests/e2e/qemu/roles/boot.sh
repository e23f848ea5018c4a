# Guest side of tests/e2e/qemu/00-boot.sh: sourced by the image's /init in a
# QEMU guest with 2 hwsim radios on hwsim's own medium.
. /e2e/lib.sh
mkdir -p "$W"
port=/dev/virtio-ports/org.wifimedium.0

check two-radios [ "$(ls /sys/class/ieee80211 | wc -l)" = 2 ]
check env-reached-test [ "$TOKEN" = "it's a \"token\"" ]
check file-reached-guest [ -f /e2e/lib.sh ]

ns_phy ap phy0 && ns_phy sta phy1
write_ap_conf "$W/ap.conf" wlan0 wm-qemu open
write_sta_conf "$W/sta.conf" wm-qemu open
check hostapd ap_start ap "$W/ap.conf"
check wpa_supplicant sta_start sta wlan1 "$W/sta.conf"
check associated wait_connected sta wlan1 60
ip_up ap wlan0 10.99.0.1/24
ip_up sta wlan1 10.99.0.2/24
check ping ping_ok sta 10.99.0.1

# The port the airport agent will use. One open at a time: read and write on
# one descriptor.
check port-exists [ -c "$port" ]
if exec 3<>"$port"; then
	check port-write sh -c "echo 'wifimedium port test from $(hostname)' >&3"
	line=$(timeout 30 head -n 1 <&3)
	check port-read [ "$line" = "hello from the host" ]
	exec 3<&-
else
	result port-open fail
fi
e2e_end
