# VM role for bench/vhost-throughput: associate, then measure. LABEL names
# the round (underscores for spaces: it comes through the kernel command line).
ifc=$(radio_new "$MAC")
write_sta_conf $W/sta.conf wm-vhost "${SEC:-open}"
ip addr add "$IP/24" dev "$ifc"
ip link set "$ifc" up
wpa_supplicant -B -i "$ifc" -c $W/sta.conf -f $W/wpa.log
check associated wait_connected - "$ifc" 60
ping -c 100 -i 0.02 -s 1400 -q 10.99.0.1 >/dev/null 2>&1
rtt=$(ping -c 50 -i 0.05 -q 10.99.0.1 | sed -n 's/^rtt [^=]*= \([^ ]*\).*/\1/p')
tcp=$(iperf3 -c 10.99.0.1 -t 5 -f m | awk '/receiver/ {print $7, $8}')
udp=$(iperf3 -c 10.99.0.1 -u -b 50M -l 200 -t 5 -f m | awk '/receiver/ {print $7, $8, "lost", $11, $12}')
rate=$(iw dev "$ifc" station dump | sed -n 's/.*tx bitrate:[[:space:]]*//p')
label=$(echo "${LABEL:-802.11g}" | tr _ ' ')
say "$label between two VMs: tx bitrate $rate; ping RTT min/avg/max/mdev $rtt ms; TCP $tcp; UDP 200 B at 50 Mbit/s offered: $udp"
say "$label: station's $(rc_rates)"
flag_set "$VM-done"
