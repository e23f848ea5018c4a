# host-side
# An 802.11s mesh across three VMs in a line, A and C out of each other's
# range (placed by MAC in the config: log-distance, exponent 6), so A
# reaches C through B; a fourth VM only monitors and captures their frames.
# The web view (when built) shows the peerings A-B and B-C, never A-C, and
# A-B ends when A's VM does.
cat >"$WM_OUT/line.cfg" <<EOC
ifaces : { ids = [ "02:a0:00:00:00:00", "02:b0:00:00:00:00", "02:c0:00:00:00:00", "02:d0:00:00:00:00" ]; };
model : {
	type = "path_loss";
	positions = ( (0.0, 0.0), (10.0, 0.0), (22.0, 0.0), (11.0, 2.0) );
	tx_powers = (20, 20, 20, 20);
	model_name = "log_distance";
	path_loss_exp = 6.0;
};
EOC
medium_start -c "$WM_OUT/line.cfg" --control "$WM_OUT/ctl.sock"
# The web view, when built, follows the peerings from the mesh's frames: a
# page's event stream is logged ("+ A B" made, "- A B" ended).
if [ -x "$WM_BUILD/src/wifimedium-web" ]; then
	"$WM_BUILD/src/wifimedium-web" --control "$WM_OUT/ctl.sock" --listen 127.0.0.1:0 \
		>"$WM_OUT/web.out" 2>"$WM_OUT/web.log" &
	WEB_PID=$!
	for _ in $(seq 1 50); do grep -q serving "$WM_OUT/web.out" && break; sleep 0.1; done
	python3 - "$(sed -n 's/^wifimedium-web: serving http:..//p' "$WM_OUT/web.out")" \
		>"$WM_OUT/web-mesh.log" 2>&1 <<'PY' &
import http.client, json, sys
host, port = sys.argv[1].rstrip("/").rsplit(":", 1)
c = http.client.HTTPConnection(host, int(port))
c.request("GET", "/api/events")
r = c.getresponse()
event = None
for line in iter(r.readline, b""):
    if line.startswith(b"event: "):
        event = line[7:].strip().decode()
    elif line.startswith(b"data: ") and event in ("state", "update"):
        for key, pair in json.loads(line[6:]).get("mesh", {}).items():
            print(("+ " + " ".join(pair)) if pair else ("- " + key.replace("|", " ")), flush=True)
PY
	FOLLOW_PID=$!
fi
vm_start mon monitor MAC=02:d0:00:00:00:00 FROM=02:a0:00:00:00:00
check monitor-ready flag_wait_host mon-capturing 60
vm_start b mesh MAC=02:b0:00:00:00:00 IP=10.99.1.2
vm_start c mesh MAC=02:c0:00:00:00:00 IP=10.99.1.3
vm_start a mesh MAC=02:a0:00:00:00:00 IP=10.99.1.1 PING_TO=10.99.1.3 WAIT_FOR=c-joined \
	VIA=b PEER_MAC=02:c0:00:00:00:00 VIA_MAC=02:b0:00:00:00:00
vm_wait a 150
if [ -n "${WEB_PID:-}" ]; then
	# A's radio went down when its VM ended: that peering is gone too.
	sleep 2
	kill "$FOLLOW_PID" "$WEB_PID"
	sed 's/^/    web: /' "$WM_OUT/web-mesh.log"
	A=02:a0:00:00:00:00 B=02:b0:00:00:00:00 C=02:c0:00:00:00:00
	check web-mesh-a-b grep -qx "+ $A $B" "$WM_OUT/web-mesh.log"
	check web-mesh-b-c grep -qx "+ $B $C" "$WM_OUT/web-mesh.log"
	check web-mesh-not-a-c sh -c "! grep -q '$A $C' '$WM_OUT/web-mesh.log'"
	check web-mesh-a-gone grep -qx -- "- $A $B" "$WM_OUT/web-mesh.log"
fi
flag_set capture-stop
flag_set stop
vm_wait mon 60
vm_wait b 30
vm_wait c 30
