# radios: 2
# wifimedium as mininet-wifi starts wmediumd: by that name, `-l 0 -s -c
# CFG -x TABLE` with the config mininet-wifi writes in interference mode
# and a PER table that exists only with the fork's "ax" suffix. An AP and
# a station associate and ping; then, over the control socket, the
# station walks out of range (the link drops, the control API shows the
# SNR fall) and back (it reassociates), the AP's power falls and rises
# again, and every other request type is answered.
cp "$WM_TOP/examples/per-table-awgn.txt" $W/signal_table_ieee80211ax
mkdir -p $W/bin
ln -sf "$WM" $W/bin/wmediumd
SOCK=$W/wmediumd.sock
AP=02:00:00:00:00:00
STA=02:00:00:00:01:00
C="python3 $WM_TOP/tests/e2e/wserver-client.py $SOCK --expect 0"
check version-line sh -c "$W/bin/wmediumd -V | grep -q '^wmediumd v0.3.1 '"
$W/bin/wmediumd -l 0 -s$SOCK -c $WM_TOP/tests/configs/mininet-interference-2.cfg -x $W/signal_table_ieee80211 \
	--control $W/ctl.sock -l info --log-file $W/wifimedium.log >$W/stdout.log 2>&1 &
WM_PID=$!
for _ in $(seq 1 50); do grep -q "REGISTER SENT!" $W/stdout.log && [ -S $SOCK ] && break; sleep 0.1; done
check register-sent grep -qx "REGISTER SENT!" $W/stdout.log
check per-table-ax grep -q "reading $W/signal_table_ieee80211ax" $W/wifimedium.log

# snr_now: the SNR the control API shows from the AP to the station.
snr_now() {
	"$WM_BUILD/src/wifimedium-ctl" -s $W/ctl.sock links --json | python3 -c '
import json, sys
for l in json.load(sys.stdin)["links"]:
    if l["from"].endswith(":00:00:00") and l["to"].endswith(":01:00") and l["freq"] == 2412:
        print(round(l["snr"]))'
}
ns_phy ap phy0
ns_phy sta phy1
write_ap_conf $W/ap.conf wlan0 wm-mininet open
write_sta_conf $W/sta.conf wm-mininet open
ap_start ap $W/ap.conf
sta_start sta wlan1 $W/sta.conf
check associated wait_connected sta wlan1 30
ip_up ap wlan0 10.99.11.1/24
ip_up sta wlan1 10.99.11.2/24
check ping ping_ok sta 10.99.11.1
near=$(snr_now)
say "SNR at 10 m: $near dB"

# Out of range and back, as mininet-wifi's mobility moves a station.
check move-away $C pos $STA 3000 20 0
far=$(snr_now)
say "SNR at 3 km: $far dB"
check snr-follows-position test "$far" -lt $((near - 60))
check link-lost wait_disconnected sta wlan1 30
check move-back $C pos $STA 10 20 0
check snr-restored test "$(snr_now)" = "$near"
check reassociated wait_connected sta wlan1 60
check ping-after-return ping_ok sta 10.99.11.1

# The AP's power: -60 dBm silences it, 14 dBm brings it back.
check power-down $C txpower $AP -60
check snr-follows-power test "$(snr_now)" = "$((near - 74))"
check link-lost-to-power wait_disconnected sta wlan1 30
check power-up $C txpower $AP 14
check reassociated-at-power wait_connected sta wlan1 60
check ping-after-power ping_ok sta 10.99.11.1

# The rest of what mininet-wifi sends: gain, height, medium, SNR pins.
check gain $C gain $STA 3
check snr-follows-gain test "$(snr_now)" = "$((near + 3))"
check height $C height $STA 2
check medium-apart $C medium $STA 1
check link-lost-to-medium wait_disconnected sta wlan1 30
check medium-together $C medium $STA 0
check reassociated-in-medium wait_connected sta wlan1 60
check snr-pin $C snr $AP $STA 12
check snr-pinned test "$(snr_now)" = 12
check ping-at-12db ping_within sta 10.99.11.1 20
check still-running kill -0 "$WM_PID"
