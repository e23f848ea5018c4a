# host-side
# Steering and watching the air while it runs: wifimedium with a config
# (AP at the origin, the station 5 m away, free space), a control socket and
# a capture file. Through wifimedium-ctl: radios and links with live
# numbers, a pinned lossy link (retries in the capture), the station moved
# far (its scan shows the AP weaker), out of range (it loses the link) and
# back (it regains it), all without restarting anything; events and two
# live captures (one channel, one radio's view) run throughout. tshark then
# reads the capture file: the exchange from probe to data in order, retry
# records, radiotap fields and comments (check-capture.py).
CTL="$WM_BUILD/src/wifimedium-ctl"
S="$WM_OUT/ctl.sock"
ctl() { "$CTL" -s "$S" "$@"; }
cat >"$WM_OUT/room.cfg" <<'CFG'
model : { type = "path_loss"; model_name = "free_space"; };
nodes = (
	{ name = "ap";  position = (0.0, 0.0, 0.0); tx_power = 20; },
	{ name = "sta"; position = (5.0, 0.0, 0.0); tx_power = 20; }
);
CFG
medium_start -c "$WM_OUT/room.cfg" --control "$S" -p "$WM_OUT/air.pcapng"
ctl --json events >"$WM_OUT/events.log" 2>"$WM_OUT/events.err" &
EV_PID=$!
ctl capture --freq 2412 >"$WM_OUT/live.pcapng" 2>"$WM_OUT/live.err" &
LIVE_PID=$!
vm_start ap ap AP_MAC=02:aa:00:00:00:00 SEC=wpa2
vm_start sta roam-sta MAC=02:bb:00:00:00:00 IP=10.99.0.2
check sta-associated flag_wait_host sta-associated 150

# Live numbers of both radios and both directions of their link.
ctl --json radios >"$WM_OUT/radios.json"
ctl --json links >"$WM_OUT/links-near.json"
check ctl-radios python3 - "$WM_OUT/radios.json" <<'PY'
import json, sys
r = {x["node_name"]: x for x in json.load(open(sys.argv[1]))["radios"]}
assert set(r) == {"ap", "sta"}, r.keys()
assert r["sta"]["counters"]["tx_frames"] > 0 and r["ap"]["counters"]["rx_frames"] > 0
assert r["ap"]["freq"] == 2412 and "02:bb:00:00:00:00" in r["sta"]["addresses"]
PY
check ctl-links python3 - "$WM_OUT/links-near.json" <<'PY'
import json, sys
links = json.load(open(sys.argv[1]))["links"]
assert len(links) == 2, links
for l in links:
    assert 55 < l["snr"] < 65, l          # 20 dBm - 54 dB (5 m, free space) over -94 dBm noise
    assert l["frames"] > 0 and l["per"] < 0.01, l
PY
ctl radios >"$WM_OUT/radios.txt"
check ctl-radios-table grep -q "^sta .*02:bb:00:00:00:00" "$WM_OUT/radios.txt"
ctl capture --radio 02:bb:00:00:00:00 >"$WM_OUT/sta-view.pcapng" 2>"$WM_OUT/sta-view.err" &
VIEW_PID=$!

check ctl-pin-loss ctl pin ap sta --loss 0.5
flag_set lossy
check sta-lossy-pings flag_wait_host sta-lossy-done 60
check ctl-unpin ctl unpin ap sta

check sta-scanned-near flag_wait_host sta-scan-near 60
check ctl-move-far ctl move sta 40 0
ctl --json links >"$WM_OUT/links-far.json"
check ctl-links-follow-move python3 - "$WM_OUT/links-near.json" "$WM_OUT/links-far.json" <<'PY'
import json, sys
near, far = (json.load(open(p))["links"] for p in sys.argv[1:3])
for a, b in zip(near, far):
    assert abs((a["snr"] - b["snr"]) - 18.06) < 0.1, (a["snr"], b["snr"])
PY
flag_set moved-far
check sta-scanned-far flag_wait_host sta-scan-far 60

check ctl-move-out ctl move sta 1000000 0
flag_set moved-out
check sta-lost-link flag_wait_host sta-lost 90
check ctl-move-back ctl move sta 5 0
flag_set moved-back
vm_wait sta 120
flag_set stop
vm_wait ap 30

ctl capture-stop >"$WM_OUT/capture-stop.txt"
check ctl-capture-stop grep -q "air.pcapng" "$WM_OUT/capture-stop.txt"
kill "$EV_PID" "$LIVE_PID" "$VIEW_PID" 2>/dev/null
wait "$EV_PID" "$LIVE_PID" "$VIEW_PID" 2>/dev/null
check events python3 - "$WM_OUT/events.log" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
kinds = {e["event"] for e in ev}
types = {e.get("type") for e in ev if e["event"] == "frame"}
assert "radio-up" in kinds, kinds
assert {"auth", "assoc-req", "assoc-resp", "eapol"} <= types, types
PY
check capture-file python3 "$WM_TOP/tests/e2e/check-capture.py" "$WM_OUT/air.pcapng" \
	--sta 02:bb:00:00:00:00 --ap 02:aa:00:00:00:00 --retries
check live-capture python3 "$WM_TOP/tests/e2e/check-capture.py" "$WM_OUT/live.pcapng" --freq 2412 \
	--sta 02:bb:00:00:00:00 --ap 02:aa:00:00:00:00
check radio-view python3 "$WM_TOP/tests/e2e/check-capture.py" "$WM_OUT/sta-view.pcapng" \
	--view sta
