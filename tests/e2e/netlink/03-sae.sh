# radios: 2
# WPA3-SAE (with management frame protection).
medium_start -c "$WM_TOP/tests/e2e/netlink/room.cfg"
ns_phy ap phy0
ns_phy sta phy1
write_ap_conf $W/ap.conf wlan0 wm-sae sae
write_sta_conf $W/sta.conf wm-sae sae
ap_start ap $W/ap.conf
sta_start sta wlan1 $W/sta.conf
check associated wait_connected sta wlan1 30
check sae-used sh -c "grep -q 'CTRL-EVENT-CONNECTED' $W/wpa-sta.log && grep -qi 'sae' $W/wpa-sta.log"
ip_up ap wlan0 10.99.0.1/24
ip_up sta wlan1 10.99.0.2/24
check ping-sta-to-ap ping_ok sta 10.99.0.1
