# radios: 2
# WPA2-PSK: the 4-way handshake's EAPOL frames need ACKs and retries right.
medium_start -c "$WM_TOP/tests/e2e/netlink/room.cfg"
ns_phy ap phy0
ns_phy sta phy1
write_ap_conf $W/ap.conf wlan0 wm-wpa2 wpa2
write_sta_conf $W/sta.conf wm-wpa2 wpa2
ap_start ap $W/ap.conf
sta_start sta wlan1 $W/sta.conf
check associated wait_connected sta wlan1 20
check key-installed sh -c "grep -q 'CTRL-EVENT-CONNECTED' $W/wpa-sta.log"
ip_up ap wlan0 10.99.0.1/24
ip_up sta wlan1 10.99.0.2/24
check ping-sta-to-ap ping_ok sta 10.99.0.1
check ping-ap-to-sta ping_ok ap 10.99.0.2
