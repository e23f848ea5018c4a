# VM role for bench/throughput-vs-snr: a station of MODE limited to NSS
# streams. For each SNR of SNRS (comma-separated) it asks the host for that
# SNR (flag "$VM-want-SNR", answered by "snr-SNR"), then measures iperf3 TCP
# (STREAMS parallel connections, default 1) and UDP (1472-byte datagrams,
# OFFER Mbit/s) to the AP for SECS seconds each, raising "$VM-tcp-SNR" and
# "$VM-tcp-done-SNR" (and udp) around them so the host can time the CPU the
# VMs use. One line per SNR in $WM_OUT/points:
#   SNR TCP-MBPS UDP-MBPS | iw's tx bitrate | minstrel_ht's best rate
ifc=$(radio_new "$MAC")
case $MODE in
ht40 | vht80) check regdomain reg_country US ;;
esac
sweep_join "$ifc" "$IP"
check rates sweep_limit_nss "$ifc" "$MODE" "$NSS"
ping -c 50 -i 0.02 -q 10.99.0.1 >/dev/null 2>&1
for snr in $(echo "$SNRS" | tr , ' '); do
	flag_set "$VM-want-$snr"
	flag_wait "snr-$snr" 30 || { say "host did not set SNR $snr"; break; }
	# Rate control meets the new SNR before the clock runs.
	ping -c 100 -i 0.01 -s 1400 -q 10.99.0.1 >/dev/null 2>&1
	flag_set "$VM-tcp-$snr"
	# iperf3 can wait forever on a link that died: cut it off.
	# With STREAMS > 1, iperf3's [SUM] line (one field shorter) comes last.
	tcp=$(timeout $((SECS + 30)) iperf3 -c 10.99.0.1 -t "$SECS" -P "${STREAMS:-1}" -f m |
		awk '/receiver/ { v = $1 == "[SUM]" ? $6 : $7 } END { print v }')
	flag_set "$VM-tcp-done-$snr"
	flag_set "$VM-udp-$snr"
	udp=$(timeout $((SECS + 30)) iperf3 -c 10.99.0.1 -u -b "${OFFER}M" -l 1472 -t "$SECS" -f m |
		awk '/receiver/ {print $7}')
	flag_set "$VM-udp-done-$snr"
	rate=$(iw dev "$ifc" station dump | sed -n 's/.*tx bitrate:[[:space:]]*//p')
	best=$(rc_rates | sed -n 's/.*best throughput \(.*\), most reliable.*/\1/p')
	echo "$snr ${tcp:--} ${udp:--} | ${rate:--} | ${best:--}" >>"$WM_OUT/points"
	# Every rate's attempts and successes, for whoever asks why.
	cat /sys/kernel/debug/ieee80211/phy*/netdev:*/stations/*/rc_stats_csv >"$WM_OUT/rc-$snr.csv" 2>/dev/null
done
flag_set "$VM-done"
