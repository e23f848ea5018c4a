# radios: 2
# 6 GHz: an HE AP on channel 5 (5975 MHz, operating class 131), WPA3-SAE
# with hash-to-element and PMF as the band requires, a station that finds it
# and associates; data both ways. The medium sees both radios on 5975 MHz
# (control API), decides every frame there (links with live numbers), and
# the capture puts the exchange on a "5975 MHz" interface with radiotap
# frequency 5975 (check-capture.py).
medium_start -c "$WM_TOP/tests/e2e/netlink/room.cfg" --control $W/ctl.sock -p "$WM_OUT/air.pcapng"
ctl() { "$WM_BUILD/src/wifimedium-ctl" -s $W/ctl.sock "$@"; }
check regulatory-de reg_country DE
ns_phy ap phy0
ns_phy sta phy1
write_ap_conf $W/ap.conf wlan0 wm-6ghz sae \
	hw_mode=a op_class=131 channel=5 country_code=DE ieee80211n=0 \
	ieee80211ax=1 he_oper_chwidth=0 sae_pwe=1
write_sta_conf $W/sta.conf wm-6ghz sae
# The station scans 6 GHz only where it was told to look: 5975 MHz.
sed -i 's/^}$/\tscan_freq=5975\n\tfreq_list=5975\n}/' $W/sta.conf
ap_start ap $W/ap.conf
check ap-enabled sh -c "sleep 1; grep -q AP-ENABLED $W/hostapd-ap.log"
sta_start sta wlan1 $W/sta.conf
check associated wait_connected sta wlan1 30
check on-5975 sh -c "ip netns exec sta iw dev wlan1 link | grep -q 'freq: 5975'"
ip_up ap wlan0 10.99.0.1/24
ip_up sta wlan1 10.99.0.2/24
check ping-sta-to-ap ping_ok sta 10.99.0.1
check ping-ap-to-sta ping_ok ap 10.99.0.2

ctl --json radios >$W/radios.json
ctl --json links >$W/links.json
check ctl-radios-on-5975 python3 - $W/radios.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["radios"]
assert len(r) == 2 and all(x["freq"] == 5975 for x in r), [(x["node_name"], x["freq"]) for x in r]
assert all(x["counters"]["tx_frames"] > 0 and x["counters"]["rx_frames"] > 0 for x in r)
PY
check ctl-links-carry-frames python3 - $W/links.json <<'PY'
import json, sys
links = json.load(open(sys.argv[1]))["links"]
assert len(links) == 2 and all(l["frames"] > 0 for l in links), links
PY
ctl capture-stop >$W/capture-stop.txt
check capture-on-5975 python3 "$WM_TOP/tests/e2e/check-capture.py" "$WM_OUT/air.pcapng" \
	--freq 5975 --sta 02:00:00:00:01:00 --ap 02:00:00:00:00:00
say "rates of the station's data: $(tshark -r "$WM_OUT/air.pcapng" -Y 'wlan.fc.type_subtype == 0x28 && wlan.ta == 02:00:00:00:01:00' \
	-T fields -e radiotap.datarate -e radiotap.mcs.index -e radiotap.vht.mcs.0 2>/dev/null | sort | uniq -c | tr -s ' \t\n' ' ')"
