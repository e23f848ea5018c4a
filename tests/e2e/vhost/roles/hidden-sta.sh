# VM role for bench/throughput-vs-snr's hidden-node run: a station of MODE
# that cannot hear the other station; when the host raises "go-TAG" for
# each TAG of TAGS (norts, rts), it sends UDP at OFFER Mbit/s to the AP's
# port PORT for SECS seconds, with RTS/CTS for every frame under "rts".
# One line per run in $WM_OUT/points: TAG UDP-MBPS | iw's tx bitrate
ifc=$(radio_new "$MAC")
sweep_join "$ifc" "$IP"
ping -c 20 -i 0.05 -q 10.99.0.1 >/dev/null 2>&1
phy=$(cat /sys/class/net/"$ifc"/phy80211/name)
for tag in $(echo "$TAGS" | tr , ' '); do
	if [ "$tag" = rts ]; then iw phy "$phy" set rts 0; else iw phy "$phy" set rts off; fi
	flag_set "$VM-ready-$tag"
	flag_wait "go-$tag" 60 || { say "no go for $tag"; break; }
	udp=$(timeout $((SECS + 30)) iperf3 -c 10.99.0.1 -p "$PORT" -u -b "${OFFER}M" -l 1472 -t "$SECS" -f m |
		awk '/receiver/ {print $7}')
	rate=$(iw dev "$ifc" station dump | sed -n 's/.*tx bitrate:[[:space:]]*//p')
	echo "$tag ${udp:--} | ${rate:--}" >>"$WM_OUT/points"
	flag_set "$VM-done-$tag"
done
