# Helpers for end-to-end tests, sourced inside the UML guest (POSIX sh).
# The guest has N hwsim radios phy0..phyN-1 (wlan0..) with addresses
# 02:00:00:00:0i:00; tests move them into network namespaces.
#
# Each check appends "NAME pass|fail [reason]" to $WM_OUT/results; the host
# runner turns them into test results. A test ends with e2e_end.

WM="$WM_BUILD/src/wifimedium"
# Scratch space in the guest's own tmpfs; /tmp is left alone: the tree under
# test may live there (a CI clone), and the guest sees the host's files.
W=/run/wm

say() { echo "e2e: $*"; }

result() { # name status [reason...]
	n=$1 s=$2
	shift 2
	echo "$n $s $*" >>"$WM_OUT/results"
	say "$s: $n${*:+ ($*)}"
}

# check NAME CMD...: pass if CMD succeeds.
check() {
	n=$1
	shift
	if "$@"; then result "$n" pass; else result "$n" fail "failed: $*"; fi
}

# check_not NAME CMD...: pass if CMD fails.
check_not() {
	n=$1
	shift
	if "$@"; then result "$n" fail "unexpectedly succeeded: $*"; else result "$n" pass; fi
}

e2e_end() {
	result finished pass
	[ -n "${WM_PID:-}" ] && kill "$WM_PID" 2>/dev/null
	return 0
}

# medium_start [ARGS...]: wifimedium as this kernel's netlink medium.
medium_start() {
	"$WM" -l info --log-file "$W/wifimedium.log" "$@" &
	WM_PID=$!
	for _ in $(seq 1 50); do
		grep -q "registered as the hwsim medium" "$W/wifimedium.log" 2>/dev/null && return 0
		kill -0 "$WM_PID" 2>/dev/null || break
		sleep 0.1
	done
	say "wifimedium did not start:"
	cat "$W/wifimedium.log"
	return 1
}

# ns_phy NS PHY: a namespace holding one radio.
ns_phy() {
	ip netns add "$1" 2>/dev/null
	iw phy "$2" set netns name "$1" || return 1
	ip netns exec "$1" ip link set lo up
}

# in_ns NS CMD...: run CMD in namespace NS, or right here when NS is "-".
in_ns() {
	_ns=$1
	shift
	if [ "$_ns" = - ]; then "$@"; else ip netns exec "$_ns" "$@"; fi
}

# ap_start NS CONF
ap_start() {
	in_ns "$1" hostapd -B -P "$W/hostapd-$1.pid" -f "$W/hostapd-$1.log" "$2"
}

# sta_start NS IFACE CONF
sta_start() {
	in_ns "$1" wpa_supplicant -B -i "$2" -c "$3" -P "$W/wpa-$1.pid" -f "$W/wpa-$1.log"
}

# wait_link NS IFACE PATTERN SECONDS: until `iw dev IFACE link` prints a line starting with PATTERN.
wait_link() {
	_end=$(($(date +%s) + $4))
	while [ "$(date +%s)" -lt "$_end" ]; do
		in_ns "$1" iw dev "$2" link | grep -q "^$3" && return 0
		sleep 0.2
	done
	return 1
}

# wait_connected NS IFACE SECONDS / wait_disconnected NS IFACE SECONDS
wait_connected() { wait_link "$1" "$2" Connected "$3"; }
wait_disconnected() { wait_link "$1" "$2" "Not connected" "$3"; }

# scan_signal IFACE SSID: the signal (dBm, integer) a fresh scan reports for SSID.
# iw starts listening for the scan's end only after asking for the scan
# (its scan.c says so): a one-channel scan that ends first, as it can in a
# slow guest, leaves iw waiting until some other scan ends. So each scan
# gets 5 s, and one cut off reads the results that scan left. Each scan's
# output and errors go to $W/scan.log.
scan_signal() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		echo "--- $(date +%T.%N) iw dev $1 scan freq 2412" >>"$W/scan.log"
		_out=$(timeout 5 iw dev "$1" scan freq 2412 2>>"$W/scan.log")
		if [ $? = 124 ]; then
			echo "--- no end of scan seen in 5 s: iw dev $1 scan dump" >>"$W/scan.log"
			_out=$(iw dev "$1" scan dump 2>>"$W/scan.log")
		fi
		echo "$_out" >>"$W/scan.log"
		echo "$_out" | awk -v ssid="$2" '
			/^BSS / { sig = "" }
			/^[[:space:]]*signal:/ { sig = $2 }
			/^[[:space:]]*SSID:/ && $2 == ssid && sig != "" { printf "%d\n", sig; exit }' |
			grep . && return 0
		sleep 1
	done
	return 1
}

# ip_up NS IFACE ADDR/PREFIX
ip_up() {
	in_ns "$1" ip addr add "$3" dev "$2" && in_ns "$1" ip link set "$2" up
}

# ping_ok NS DST: three answers out of three.
ping_ok() {
	in_ns "$1" ping -c 3 -i 0.2 -W 3 "$2" >"$W/ping-$1-$2.log" 2>&1
	_rc=$?
	cat "$W/ping-$1-$2.log"
	return $_rc
}

# ping_within NS ADDR SECONDS: one echo answered within SECONDS (a ping a
# second meanwhile). For a link whose SNR just fell: the sender's rate
# control still offers the rates of before, and learns only from what it
# sends; a few ARP probes a second apart may all go at rates the new SNR
# cannot carry, as they would on hardware.
ping_within() {
	_end=$(($(date +%s) + $3))
	: >"$W/ping-$1-$2.log"
	while :; do
		in_ns "$1" ping -c 1 -W 1 "$2" >>"$W/ping-$1-$2.log" 2>&1 && { tail -3 "$W/ping-$1-$2.log"; return 0; }
		[ "$(date +%s)" -lt "$_end" ] || break
		sleep 0.5
	done
	tail -5 "$W/ping-$1-$2.log"
	return 1
}

# signal_of NS IFACE: the signal iw reports for the link, in dBm.
signal_of() {
	in_ns "$1" iw dev "$2" link | sed -n 's/^[[:space:]]*signal: \(-\{0,1\}[0-9]*\) dBm.*/\1/p'
}

# write_ap_conf FILE IFACE SSID SECURITY [EXTRA...]: SECURITY is open, wpa2 or sae.
write_ap_conf() {
	_f=$1 _if=$2 _ssid=$3 _sec=$4
	shift 4
	{
		echo "interface=$_if"
		echo "driver=nl80211"
		echo "ssid=$_ssid"
		echo "hw_mode=g"
		echo "channel=1"
		echo "ieee80211n=1"
		echo "wmm_enabled=1"
		case $_sec in
		wpa2)
			echo "wpa=2"
			echo "wpa_key_mgmt=WPA-PSK"
			echo "rsn_pairwise=CCMP"
			echo "wpa_passphrase=correct horse battery"
			;;
		sae)
			echo "wpa=2"
			echo "wpa_key_mgmt=SAE"
			echo "rsn_pairwise=CCMP"
			echo "ieee80211w=2"
			echo "sae_password=correct horse battery"
			echo "sae_pwe=2"
			;;
		esac
		for _l in "$@"; do echo "$_l"; done
	} >"$_f"
}

# write_sta_conf FILE SSID SECURITY
write_sta_conf() {
	{
		echo "network={"
		echo "	ssid=\"$2\""
		case $3 in
		open) echo "	key_mgmt=NONE" ;;
		wpa2) echo "	key_mgmt=WPA-PSK"; echo "	psk=\"correct horse battery\"" ;;
		sae)
			echo "	key_mgmt=SAE"
			echo "	sae_password=\"correct horse battery\""
			echo "	ieee80211w=2"
			;;
		esac
		echo "}"
		[ "$3" = sae ] && echo "sae_pwe=2"
	} >"$1"
}

# rc_rates [PHY]: what minstrel_ht settled on for each station of PHY (a
# glob, default every radio), from its rc_stats_csv in debugfs: the rate of
# highest throughput (A), the most reliable one (P) with their success
# probabilities, and the attempts it has counted at all rates. Run it in the
# initial namespace: `ip netns exec` mounts a sysfs without debugfs. Kernels
# without CONFIG_MAC80211_DEBUGFS (Debian's; the kit's UML kernel has it) say so.
rc_rates() {
	_found=
	for _f in /sys/kernel/debug/ieee80211/${1:-phy*}/netdev:*/stations/*/rc_stats_csv; do
		[ -r "$_f" ] || continue
		_found=1
		awk -F, -v sta="$(basename "$(dirname "$_f")")" '
			function name() { r = $1 " " $5; gsub(/ +/, " ", r); sub(/ $/, "", r); return r }
			$4 ~ /A/ { a = name() " (" $10 "%)" }
			$4 ~ /P/ { p = name() " (" $10 "%)" }
			{ att += $15; succ += $14 }
			END { printf "minstrel_ht to %s: best throughput %s, most reliable %s; %d of %d attempts acked\n", sta, a, p, succ, att }' "$_f"
	done
	[ -n "$_found" ] || echo "minstrel_ht: no rc_stats (kernel without MAC80211_DEBUGFS)"
}

# --- for VMs of host-side tests (tests/e2e/vhost) ---

# flag_set NAME / flag_wait NAME SECONDS: meeting points shared with the host
# and the other VMs (files in a host directory every VM sees).
flag_set() { touch "$WM_FLAGS/$1"; }
flag_wait() {
	for _ in $(seq 1 $(($2 * 5))); do
		[ -f "$WM_FLAGS/$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# radio_new MAC: a radio with that address (unique across VMs); prints its interface.
radio_new() {
	"$WM_BUILD/src/hwsim-radio" add --mac "$1" >"$W/radio-$1.log" 2>&1 || return 1
	awk -v m="$1" '$3 == m { print $5 }' "$W/radio-$1.log"
}

# --- for bench/throughput-vs-snr's VMs (roles sweep-*.sh, hidden-sta.sh) ---

# sweep_mode_lines MODE: hostapd lines, on top of write_ap_conf's 802.11n on
# channel 1, for 11g (no HT, no WMM), ht20, ht40 (5 GHz, 36+40) or vht80
# (5 GHz, 36-48). Without vht_capab hostapd states a VHT maximum A-MPDU
# length of 8191 bytes (exponent 0), which holds its stations to 5 MPDUs of
# 1500 bytes per A-MPDU; ns-3's AP takes the most the PHY allows.
sweep_mode_lines() {
	case $1 in
	11g) echo "ieee80211n=0 wmm_enabled=0" ;;
	ht20) ;;
	ht40) echo "hw_mode=a channel=36 country_code=US ht_capab=[HT40+]" ;;
	vht80) echo "hw_mode=a channel=36 country_code=US ht_capab=[HT40+] ieee80211ac=1" \
		"vht_oper_chwidth=1 vht_oper_centr_freq_seg0_idx=42" \
		"vht_capab=[MAX-A-MPDU-LEN-EXP7]" ;;
	*) return 1 ;;
	esac
}

# reg_country CC: the regulatory domain of country CC (US: 5 GHz beaconing
# on channel 36; DE: 6 GHz beaconing, which US allows only with NO-IR), read
# from the host's regulatory.db. The kernel applies it asynchronously, and
# in about one boot of three under UML the request stays without effect;
# asking for CC again is then ignored as already set, so every 2 s the
# world domain is asked for first. Without it hostapd finds the channel NO-IR.
# That helps, not always: one 2.4 GHz AP of six boots since still failed.
reg_country() {
	iw reg set "$1"
	for _i in $(seq 1 100); do
		iw reg get | grep -q "^country $1" && return 0
		[ $((_i % 10)) = 0 ] && { iw reg set 00; sleep 0.2; iw reg set "$1"; }
		sleep 0.2
	done
	return 1
}

# sweep_join IFACE IP: bench/throughput-vs-snr's station VMs: address IFACE,
# wait for the AP VM, associate with the open network wm-sweep.
sweep_join() {
	write_sta_conf $W/sta.conf wm-sweep open
	ip addr add "$2/24" dev "$1"
	ip link set "$1" up
	flag_wait ap-ready 60
	wpa_supplicant -B -i "$1" -c $W/sta.conf -f $W/wpa.log
	check associated wait_connected - "$1" 60
}

# sweep_limit_nss IFACE MODE NSS: let rate control use NSS spatial streams at
# most (hwsim offers two for HT and eight for VHT).
sweep_limit_nss() {
	case $2 in
	11g) return 0 ;;
	ht20) iw dev "$1" set bitrates ht-mcs-2.4 $(seq 0 $((8 * $3 - 1))) ;;
	ht40) iw dev "$1" set bitrates ht-mcs-5 $(seq 0 $((8 * $3 - 1))) ;;
	vht80) iw dev "$1" set bitrates vht-mcs-5 $(seq -f '%g:0-9' 1 "$3") ;;
	*) return 1 ;;
	esac
}
