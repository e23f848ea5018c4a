# radios: 2
# An open network: association, then ping both ways through the medium.
medium_start -c "$WM_TOP/tests/e2e/netlink/room.cfg"
ns_phy ap phy0
ns_phy sta phy1
write_ap_conf $W/ap.conf wlan0 wm-open open
write_sta_conf $W/sta.conf wm-open open
ap_start ap $W/ap.conf
sta_start sta wlan1 $W/sta.conf
check associated wait_connected sta wlan1 20
ip_up ap wlan0 10.99.0.1/24
ip_up sta wlan1 10.99.0.2/24
check ping-sta-to-ap ping_ok sta 10.99.0.1
check ping-ap-to-sta ping_ok ap 10.99.0.2
# The signal the station reports is the medium's: 20 dBm - (40 + 30 log10 4) = -38 dBm.
sig=$(signal_of sta wlan1)
say "station signal: $sig dBm"
check signal-from-model test "${sig:-0}" -ge -41 -a "${sig:-0}" -le -35
