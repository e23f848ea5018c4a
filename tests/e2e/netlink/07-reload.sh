# radios: 2
# Link quality matters: at -5 dB SNR nothing associates; SIGHUP with a
# config at 30 dB lets the same station associate, nothing restarted.
cat >$W/medium.cfg <<EOC
ifaces : { ids = [ "02:00:00:00:00:00", "02:00:00:00:01:00" ]; };
model : { type = "snr"; links = ( (0, 1, -5) ); };
EOC
medium_start -c $W/medium.cfg
ns_phy ap phy0
ns_phy sta phy1
write_ap_conf $W/ap.conf wlan0 wm-reload wpa2
write_sta_conf $W/sta.conf wm-reload wpa2
ap_start ap $W/ap.conf
sta_start sta wlan1 $W/sta.conf
check_not no-association-at-minus-5db wait_connected sta wlan1 8
sed -i 's/(0, 1, -5)/(0, 1, 30)/' $W/medium.cfg
kill -HUP "$WM_PID"
check association-after-sighup wait_connected sta wlan1 30
check reload-logged grep -q 'SIGHUP: reloaded' $W/wifimedium.log
check same-daemon kill -0 "$WM_PID"
