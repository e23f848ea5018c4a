# Roaming between two APs of one SSID on channels 1 and 11 (roles/roam-aps.sh,
# one VM, bridged), a station in its own VM (roles/roamer.sh) that the host
# walks from AP1 to AP2 with wifimedium-ctl while wpa_supplicant's bgscan
# finds AP2 and reassociates on its own. Sourced by the host-side tests
# NN-roam-VARIANT.sh with VARIANT set (psk, sae, ft-psk, ft-sae).
#
# The room: free space, 0 dBm everywhere, AP1 at x = 0, AP2 at x = 100 m.
# The station starts at x = 10 (AP1 -60 dBm, AP2 -79 dBm) and walks at
# 4 m/s to x = 90, where the host stops it (AP1 -79, AP2 -60). Below -65 dBm
# (x > 18) bgscan scans every 2 s; wpa_supplicant moves once AP2 is a few dB
# stronger (x > 60). The SNR stays above 15 dB all along (noise -94 dBm), so
# the link to AP1 holds until the roam: the roam is wpa_supplicant's choice.
CTL="$WM_BUILD/src/wifimedium-ctl"
S="$WM_OUT/ctl.sock"
ctl() { "$CTL" -s "$S" "$@"; }
AP1=02:aa:00:00:00:00
AP2=02:aa:00:00:01:00
STA=02:bb:00:00:00:00
cat >"$WM_OUT/room.cfg" <<CFG
model : { type = "path_loss"; model_name = "free_space"; };
nodes = (
	{ mac = "$AP1"; position = (0.0, 0.0, 0.0); tx_power = 0; },
	{ mac = "$AP2"; position = (100.0, 0.0, 0.0); tx_power = 0; },
	{ name = "sta"; position = (10.0, 0.0, 0.0); tx_power = 0; }
);
CFG
case $VARIANT in
psk) alg=open ;;
sae) alg=sae ;;
ft-*) alg=ft ;;
esac
say "variant $VARIANT"
medium_start -c "$WM_OUT/room.cfg" --control "$S" -p "$WM_OUT/air.pcapng"
ctl --json events >"$WM_OUT/events.log" 2>"$WM_OUT/events.err" &
EV_PID=$!
ctl events --type frame >"$WM_OUT/events.txt" 2>"$WM_OUT/events-txt.err" &
EVT_PID=$!
vm_start aps roam-aps AP1_MAC=$AP1 AP2_MAC=$AP2 VARIANT="$VARIANT"
check aps-ready flag_wait_host aps-ready 120
# Until the walk, AP2 is out of the station's hearing: it starts on AP1,
# whatever its first scan happens to catch.
check hide-ap2 ctl pin sta $AP2 --loss 1
vm_start sta roamer MAC=$STA IP=10.99.0.2 AP1_MAC=$AP1 AP2_MAC=$AP2 VARIANT="$VARIANT"
check sta-ready flag_wait_host sta-ready 150
check unhide-ap2 ctl unpin sta $AP2
ctl --json links >"$WM_OUT/links-start.json"

# sta_x: the station's x coordinate now, as the medium has it.
sta_x() {
	ctl --json nodes | python3 -c '
import json, sys
print([n for n in json.load(sys.stdin)["nodes"] if n["name"] == "sta"][0]["pos"][0])'
}
check walk ctl move sta --velocity 4,0
# Walk to x = 90 and stop there, however long the station takes to roam;
# note where the host first sees it on AP2.
for _ in $(seq 1 150); do
	x=$(sta_x)
	if [ -z "${roamed_at:-}" ] && [ -f "$WM_OUT/flags/sta-roamed" ]; then
		roamed_at=$x
	fi
	awk -v x="${x:-0}" 'BEGIN { exit !(x >= 90) }' && break
	sleep 0.2
done
check stop-at-ap2 ctl move sta 90 0 --velocity 0,0
check sta-roamed flag_wait_host sta-roamed 90
if [ -n "${roamed_at:-}" ]; then
	say "the station was on AP2 when the host saw it at x = $(printf %.0f "$roamed_at") m"
else
	say "the station roamed after the walk, at x = 90 m"
fi
ctl --json links >"$WM_OUT/links-end.json"
# What the station hears of each AP, at the start and at the end.
check links-follow-walk python3 - "$WM_OUT/links-start.json" "$WM_OUT/links-end.json" \
	$AP1 $AP2 $STA <<'PY'
import json, sys
ap1, ap2, sta = sys.argv[3:6]
for path, near, far in ((sys.argv[1], ap1, ap2), (sys.argv[2], ap2, ap1)):
    snr = {l["from"]: l["snr"] for l in json.load(open(path))["links"] if l["to"] == sta}
    print(f"{path.rsplit('/', 1)[-1]}: the station hears AP1 at {snr[ap1]:.1f} dB, AP2 at {snr[ap2]:.1f} dB SNR")
    assert snr[near] - snr[far] > 15, snr    # 10 m against 90 m: 19 dB
PY
flag_set walk-stopped
vm_wait sta 60
flag_set stop
vm_wait aps 30
kill "$EV_PID" "$EVT_PID" 2>/dev/null
wait "$EV_PID" "$EVT_PID" 2>/dev/null
ctl capture-stop >/dev/null
check roam-in-events-and-capture python3 "$WM_TOP/tests/e2e/check-roam.py" \
	--events "$WM_OUT/events.log" --capture "$WM_OUT/air.pcapng" \
	--sta $STA --ap1 $AP1 --ap2 $AP2 "$alg"
# The same authentication as wifimedium-ctl prints it.
case $alg in open) n=0 ;; ft) n=2 ;; sae) n=3 ;; esac
check events-text grep -q "auth $STA > $AP2 2462 MHz try [0-9]*: ack \[alg $n seq 1 status " \
	"$WM_OUT/events.txt"
[ -f "$WM_OUT/sta/gap" ] && read -r _v gap lost sent <"$WM_OUT/sta/gap" &&
	say "bench: roam $VARIANT: longest ping gap $gap ms, $lost of $sent pings lost"
