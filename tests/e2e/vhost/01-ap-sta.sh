# host-side
# An AP in one VM, a station in another (WPA2-PSK), each with its own
# virtio hwsim device on wifimedium's vhost-user socket: association, ping,
# iperf3. Radios carry unique addresses (hwsim-radio add --mac).
medium_start
vm_start ap ap AP_MAC=02:aa:00:00:00:00 SEC=wpa2
vm_start sta sta MAC=02:bb:00:00:00:00 SEC=wpa2 IP=10.99.0.2 IPERF_TO=10.99.0.1
vm_wait sta 150
flag_set stop
vm_wait ap 30
check both-vms-connected grep -q "sta: connected" "$WM_OUT/wifimedium.log"
check no-faults sh -c "! grep -q 'disconnecting' '$WM_OUT/wifimedium.log'"
