# radios: 0
# hwsim-radio: radios made with addresses of our choosing (as each VM's
# must be, since every kernel numbers its radios from 0) are what the
# medium sees as their identity; they associate and ping; `del` removes
# them; bad input exits 2 and refused requests exit 1 with the reason.
HR="$WM_BUILD/src/hwsim-radio"
AP_MAC=02:aa:00:00:01:00
STA_MAC=02:bb:00:00:01:00

# hr_expect NAME RC PATTERN CMD...: CMD exits RC and prints PATTERN (stdout or stderr).
hr_expect() {
	_n=$1 _want=$2 _pat=$3
	shift 3
	"$@" >"$W/hr.out" 2>&1
	_rc=$?
	sed 's/^/    | /' "$W/hr.out"
	if [ "$_rc" != "$_want" ]; then
		result "$_n" fail "exit $_rc, wanted $_want: $*"
	elif [ -n "$_pat" ] && ! grep -q -e "$_pat" "$W/hr.out"; then
		result "$_n" fail "no '$_pat' from: $*"
	else
		result "$_n" pass
	fi
}

# field LINE N: the Nth column of a line `add' or `list' printed.
field() {
	echo "$1" | awk -v n="$2" '{ print $n }'
}

# phy_has_addr PHY MAC [NS]: sysfs says PHY's permanent address is MAC.
phy_has_addr() {
	if [ -n "${3:-}" ]; then
		in_ns "$3" cat "/sys/class/ieee80211/$1/macaddress" | grep -qx "$2"
	else
		grep -qx "$2" "/sys/class/ieee80211/$1/macaddress"
	fi
}

# nphys: how many phys this namespace's sysfs shows.
nphys() {
	find /sys/class/ieee80211/ -mindepth 1 -maxdepth 1 | wc -l
}

cat >$W/medium.cfg <<EOC
ifaces : { ids = [ "$AP_MAC", "$STA_MAC" ]; };
model : { type = "snr"; links = ( (0, 1, 30) ); };
EOC
medium_start -c $W/medium.cfg
check booted-without-radios test -z "$(ls /sys/class/ieee80211)"

# --- two radios with addresses of our choosing
ap=$("$HR" add --mac $AP_MAC)
check add-ap test $? = 0
sta=$("$HR" add --mac $STA_MAC --name wm-sta)
check add-sta test $? = 0
say "added: $ap"
say "added: $sta"
ap_phy=$(field "$ap" 2)
sta_phy=$(field "$sta" 2)
check add-prints-address test "$(field "$ap" 3)" = $AP_MAC
check identity-is-address test "$(field "$ap" 4)" = $AP_MAC -a "$(field "$sta" 4)" = $STA_MAC
check name-taken test "$sta_phy" = wm-sta
check ap-phy-address phy_has_addr "$ap_phy" $AP_MAC
check sta-phy-address phy_has_addr "$sta_phy" $STA_MAC
"$HR" list >$W/list.out
check list-exit test $? = 0
cat $W/list.out
check list-shows-ap grep -q "^$(field "$ap" 1) .* $ap_phy .* $AP_MAC $AP_MAC " $W/list.out
check list-shows-sta grep -q " wm-sta .* $STA_MAC $STA_MAC " $W/list.out

# --- usage errors: exit 2, nothing done
hr_expect bad-mac 2 "invalid MAC address" "$HR" add --mac 02:aa:00:00:01
hr_expect group-mac 2 "group address" "$HR" add --mac 03:aa:00:00:01:00
hr_expect bad-prefix 2 "locally administered" "$HR" add --mac-prefix 00:aa:00 --count 2
hr_expect bad-option 2 "unknown option" "$HR" add --bogus
hr_expect add-help 0 "mac-prefix" "$HR" add --help
check no-radio-from-usage-errors test "$(nphys)" = 2

# --- a MAC in use: refused, exit 1 (this namespace's phys are checked first)
hr_expect dup-mac-same-ns 1 "File exists.*$ap_phy" "$HR" add --mac $AP_MAC
hr_expect dup-name 1 "named .wm-sta.: the name is taken" "$HR" add --name wm-sta
check no-radio-from-refusals test "$(nphys)" = 2

# --- several radios from a prefix; all or nothing; del by id, name, address
many=$("$HR" add --count 3 --mac-prefix 06:cc:00 --name many)
check add-many test $? = 0
echo "$many" | sed 's/^/    | /'
check add-many-addresses test "$(echo "$many" | awk '{ print $2, $3 }' | tr '\n' ' ')" = \
	"many0 06:cc:00:00:00:00 many1 06:cc:00:00:01:00 many2 06:cc:00:00:02:00 "
hr_expect del-by-id 0 "" "$HR" del "$(echo "$many" | awk 'NR == 1 { print $1 }')"
hr_expect del-by-name-and-mac 0 "" "$HR" del many1 06:cc:00:00:02:00
check many-gone test "$(nphys)" = 2
# Options: no interface, a P2P device, two channels (so channel contexts).
opt=$("$HR" add --mac 0a:dd:00:00:00:01 --no-vif --p2p --channels 2)
check add-options test $? = 0
say "added: $opt"
check no-vif test "$(field "$opt" 5)" = -
check two-channels test "$(field "$opt" 6)" = 2
check p2p-chanctx test "$(field "$opt" 7)" = p2p,chanctx
hr_expect del-options 0 "" "$HR" del 0a:dd:00:00:00:01
# 02:aa:00:00:00:00 is made, then 02:aa:00:00:01:00 is taken: the first goes again.
hr_expect all-or-nothing 1 "File exists" "$HR" add --count 2 --mac-prefix 02:aa:00
check all-or-nothing-rolled-back test "$(nphys)" = 2

# --- into namespaces. Out of sight of this namespace's sysfs, a taken
# address is not refused: Linux 6.1 hwsim inserts identities into its hash
# table without a duplicate check (rhashtable_insert_fast), and the copy
# then receives the original's frames. Documented; the copy goes at once.
ns_phy ap "$ap_phy"
ns_phy sta "$sta_phy"
hr_expect kernel-takes-duplicate 0 " $STA_MAC $STA_MAC " "$HR" add --mac $STA_MAC
hr_expect del-duplicate-by-mac 0 "" "$HR" del $STA_MAC
check no-radio-left-here test -z "$(ls /sys/class/ieee80211)"
hr_expect del-other-ns 1 "No such device" "$HR" del "$(field "$ap" 1)"
hr_expect del-missing 1 "No such device" "$HR" del 4000
in_ns ap "$HR" list >$W/list-ap.out
cat $W/list-ap.out
check list-in-ns grep -q " $ap_phy .* $AP_MAC " $W/list-ap.out
ap_if=$(in_ns ap "$HR" list | awk -v p="$ap_phy" '$2 == p { print $5 }')
sta_if=$(in_ns sta "$HR" list | awk '$2 == "wm-sta" { print $5 }')
say "AP $ap_phy/$ap_if, station $sta_phy/$sta_if"

# --- they associate and ping through the medium
write_ap_conf $W/ap.conf "$ap_if" wm-hwsim-radio wpa2
write_sta_conf $W/sta.conf wm-hwsim-radio wpa2
ap_start ap $W/ap.conf
sta_start sta "$sta_if" $W/sta.conf
check associated wait_connected sta "$sta_if" 20
ip_up ap "$ap_if" 10.99.0.1/24
ip_up sta "$sta_if" 10.99.0.2/24
check ping-sta-to-ap ping_ok sta 10.99.0.1
check ping-ap-to-sta ping_ok ap 10.99.0.2
check medium-saw-ap grep -q "radio $AP_MAC appeared" $W/wifimedium.log
check medium-saw-sta grep -q "radio $STA_MAC appeared" $W/wifimedium.log
check medium-placed-ap grep -q "radio $AP_MAC placed on configured node 0" $W/wifimedium.log
check medium-placed-sta grep -q "radio $STA_MAC placed on configured node 1" $W/wifimedium.log
grep "radio " $W/wifimedium.log | sed 's/^/    medium: /'

# --- del: the station's radio goes, in its namespace
hr_expect del-sta 0 "" in_ns sta "$HR" del wm-sta
check sta-gone test -z "$(in_ns sta ls /sys/class/ieee80211)"
check sta-not-listed sh -c "! ip netns exec sta '$HR' list | grep -q wm-sta"
check ap-still-there in_ns ap test -e "/sys/class/ieee80211/$ap_phy"
