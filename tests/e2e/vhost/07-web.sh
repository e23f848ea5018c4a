# host-side
# The web view in a real browser: wifimedium with an AP VM and a station VM
# (free space, 5 m apart), wifimedium-web on a loopback port, and headless
# Chromium driven by Selenium (tests/e2e/web-browser.py): nodes, radios,
# the link and the association appear and update; the station's
# deauthentication and return show in the feed and the drawing; a node
# dragged with the mouse moves in the medium (checked through the control
# API) and its link's SNR changes there and on the page; the node's forms set
# its power and give it a path; a read-only view shows no tools and a drag
# there changes nothing. The screenshot is $WM_OUT/web.png.
S="$WM_OUT/ctl.sock"
cat >"$WM_OUT/room.cfg" <<'CFG'
model : { type = "path_loss"; model_name = "free_space"; };
nodes = (
	{ name = "ap";  position = (0.0, 0.0, 0.0); tx_power = 20; },
	{ name = "sta"; position = (5.0, 0.0, 0.0); tx_power = 20; }
);
CFG
medium_start -c "$WM_OUT/room.cfg" --control "$S"
"$WM_BUILD/src/wifimedium-web" --control "$S" --listen 127.0.0.1:0 --interval 300 \
	>"$WM_OUT/web.out" 2>"$WM_OUT/web.log" &
WEB_PID=$!
url=
for _ in $(seq 1 50); do
	url=$(sed -n 's/^wifimedium-web: serving //p' "$WM_OUT/web.out")
	[ -n "$url" ] && break
	sleep 0.1
done
check web-started test -n "$url"
# The same air, read-only, for the end of the browser's visit.
"$WM_BUILD/src/wifimedium-web" --control "$S" --listen 127.0.0.1:0 --read-only \
	>"$WM_OUT/web-ro.out" 2>"$WM_OUT/web-ro.log" &
RO_PID=$!
for _ in $(seq 1 50); do grep -q serving "$WM_OUT/web-ro.out" && break; sleep 0.1; done
ro_url=$(sed -n 's/^wifimedium-web: serving //p' "$WM_OUT/web-ro.out")
vm_start ap ap AP_MAC=02:aa:00:00:00:00 SEC=wpa2
vm_start sta web-sta MAC=02:bb:00:00:00:00 IP=10.99.0.2
check sta-pinging flag_wait_host sta-pinging 150

# Each line "NAME pass|fail [why]" of the browser's script is one result.
/usr/bin/python3 "$WM_TOP/tests/e2e/web-browser.py" "$url" "$S" "$WM_BUILD/src/wifimedium-ctl" \
	"$WM_OUT" "$ro_url" >"$WM_OUT/browser.results" 2>"$WM_OUT/browser.log"
rc=$?
while read -r n s r; do result "browser:$n" "$s" "$r"; done <"$WM_OUT/browser.results"
check browser-script-finished test "$rc" = 0 -o "$rc" = 1
check browser-screenshot test -s "$WM_OUT/web.png"

flag_set reconnect	# should the script have stopped before asking
flag_set stop-ping
vm_wait sta 90
flag_set stop
vm_wait ap 30
kill "$WEB_PID" "$RO_PID" 2>/dev/null
wait "$WEB_PID"
check web-stopped-cleanly test $? = 0
check web-no-errors sh -c "! grep -qi 'error\|away' '$WM_OUT/web.log'"
