# host-side
# Three VMs: two stations behind one AP; station 1 reaches station 2
# through the AP (each frame crosses the air twice).
medium_start
vm_start ap ap AP_MAC=02:aa:00:00:00:00 SEC=wpa2
vm_start sta1 sta MAC=02:b1:00:00:00:00 SEC=wpa2 IP=10.99.0.11 PING_TO=10.99.0.12 WAIT_FOR=sta2-associated
vm_start sta2 sta MAC=02:b2:00:00:00:00 SEC=wpa2 IP=10.99.0.12 PING_TO=10.99.0.11 WAIT_FOR=sta1-associated
vm_wait sta1 150
vm_wait sta2 60
flag_set stop
vm_wait ap 30
for v in ap:02:aa sta1:02:b1 sta2:02:b2; do
	check "radio-of-${v%%:*}" grep -q "${v%%:*}: radio ${v#*:}:00:00:00:00 appeared" "$WM_OUT/wifimedium.log"
done
