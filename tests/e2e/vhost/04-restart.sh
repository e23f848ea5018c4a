# host-side
# A station VM killed mid-test (power pulled) and booted again reconnects to
# the medium and re-associates; another station VM pinging the AP the whole
# time never notices.
medium_start
vm_start ap ap AP_MAC=02:aa:00:00:00:00 SEC=wpa2
vm_start sta1 pinger MAC=02:b1:00:00:00:00 IP=10.99.0.11
vm_start sta2 sta MAC=02:b2:00:00:00:00 SEC=wpa2 IP=10.99.0.12 HOLD=1
check first-boot-pings flag_wait_host sta2-done 120
check pinger-running flag_wait_host sta1-pinging 60
vm_kill sta2
sleep 1
check medium-saw-it-go grep -q "sta2: the VM closed the connection" "$WM_OUT/wifimedium.log"
rm -f "$WM_OUT/flags/sta2-done"
mv "$WM_OUT/sta2" "$WM_OUT/sta2-first-boot"
vm_start sta2 sta MAC=02:b2:00:00:00:00 SEC=wpa2 IP=10.99.0.12
vm_wait sta2 120
check medium-saw-it-return sh -c "[ \$(grep -c 'sta2: connected' '$WM_OUT/wifimedium.log') = 2 ]"
flag_set stop-ping
vm_wait sta1 60
flag_set stop
vm_wait ap 30
