# VM role for bench/throughput-vs-snr: an open AP in MODE (11g, ht20, ht40,
# vht80; lib.sh sweep_mode_lines), its rates limited to NSS streams, two
# iperf3 servers (5201, 5202: one per station of the hidden-node run) until
# the host raises "stop".
ifc=$(radio_new "$AP_MAC")
check radio-created test -n "$ifc"
case $MODE in
ht40 | vht80) check regdomain reg_country US ;;
esac
write_ap_conf $W/ap.conf "$ifc" wm-sweep open "ap_isolate=0" $(sweep_mode_lines "$MODE")
check hostapd hostapd -B -P $W/hostapd.pid -f $W/hostapd.log $W/ap.conf
ip addr add "${IP:-10.99.0.1}/24" dev "$ifc"
ip link set "$ifc" up
check rates sweep_limit_nss "$ifc" "$MODE" "$NSS"
iperf3 -s -D -p 5201
iperf3 -s -D -p 5202
flag_set "$VM-ready"
check stopped-by-host flag_wait stop "${STOP_WAIT:-170}"
cat /sys/kernel/debug/ieee80211/phy*/netdev:*/stations/*/rc_stats_csv >"$WM_OUT/rc.csv" 2>/dev/null
