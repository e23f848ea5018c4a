# radios: 2
# An addressee that cannot receive does not acknowledge (hostap's
# ap_open_poll_sta_no_ack): the AP polls its station, which answers; the
# station leaves without the AP hearing of it (its deauth is lost on a
# pinned link), and the poll goes unanswered, as over the
# kernel's own medium: the station's radio is idle (its interface up, its
# address its own, no channel), its kernel refuses the frame, and the
# medium sends no ACK for it.
medium_start --control $W/ctl.sock
CTL="$WM_BUILD/src/wifimedium-ctl -s $W/ctl.sock"
ns_phy ap phy0
ns_phy sta phy1
write_ap_conf $W/ap.conf wlan0 wm-poll open "ctrl_interface=$W/hostapd"
write_sta_conf $W/sta.conf wm-poll open
echo "ctrl_interface=$W/wpas" >>$W/sta.conf
ap_start ap $W/ap.conf
sta_start sta wlan1 $W/sta.conf
check associated wait_connected sta wlan1 30
STA=$(in_ns sta cat /sys/class/net/wlan1/address)
polls() { grep -c "AP-STA-POLL-OK $STA" $W/hostapd-ap.log; }
poll() { in_ns ap hostapd_cli -p $W/hostapd -i wlan0 poll_sta "$STA" >/dev/null; sleep 2; }

poll
check poll-acked-while-awake test "$(polls)" -ge 1
before=$(polls)
# The station leaves without a word the AP could hear.
# Nodes by the radios' hwsim identities: the station's address leaves with its interface.
check deauth-lost $CTL pin 42:00:00:00:01:00 42:00:00:00:00:00 --loss 1 --one-way
in_ns sta wpa_cli -p $W/wpas -i wlan1 disconnect >/dev/null
check station-idle wait_disconnected sta wlan1 10
sleep 1
check link-restored $CTL unpin 42:00:00:00:01:00 42:00:00:00:00:00 --one-way
check ap-still-lists-station sh -c "ip netns exec ap hostapd_cli -p $W/hostapd -i wlan0 all_sta | grep -qi '$STA'"
poll
check poll-not-acked-while-down test "$(polls)" = "$before"
asleep() {
	$CTL radios --json | python3 -c '
import json, sys
print(sum(r["counters"]["drops"]["rx_asleep"] for r in json.load(sys.stdin)["radios"]))'
}
check refusal-counted test "$(asleep)" -ge 1
