# host-side
# wifimedium restarted under two running QEMU guests: QEMU's chardev
# reconnects to the new socket, airport says HELLO again, the station is
# associated again (or still) and its pings get through once more. While
# the medium is away every frame fails: the AP must not drop the station
# for it (disassoc_low_ack=0), and serves its whole HOLD_S (HOLD_ALL=1): a
# station that lost the AP's beacons meanwhile authenticates anew, which
# empties the AP's station list for a moment, and the AP must still be
# there for the pings after the restart.
. "$WM_TOP/tests/e2e/qemu-lib.sh"

if qemu_image; then
	medium_start --airport "unix:$WM_OUT/airport.sock"
	qemu_start qap --radios 0 --socket "$WM_OUT/airport.sock" \
		--file "$WM_BUILD/src/airport:/usr/local/bin/airport" \
		--test "$WM_TOP/tests/e2e/qemu/roles/airport-ap.sh" \
		--env PREFIX=02:a3:00 --env SEC=wpa2 --env IP=10.99.5.1 --env HOLD_S=75 \
		--env AP_OPT=disassoc_low_ack=0 --env HOLD_ALL=1
	qemu_start qsta --radios 0 --socket "$WM_OUT/airport.sock" \
		--file "$WM_BUILD/src/airport:/usr/local/bin/airport" \
		--test "$WM_TOP/tests/e2e/qemu/roles/airport-restart-sta.sh" \
		--env PREFIX=02:b3:00 --env SEC=wpa2 --env IP=10.99.5.2 --env PING_TO=10.99.5.1
	# The station pings once, then the medium goes away and comes back.
	for _ in $(seq 1 600); do grep -aq "first-ping-done" "$WM_OUT/qsta/console.log" 2>/dev/null && break; sleep 0.2; done
	check station-pinged-first grep -aq "first-ping-done" "$WM_OUT/qsta/console.log"
	medium_stop
	sleep 2
	mv "$WM_OUT/wifimedium.log" "$WM_OUT/wifimedium-first.log"
	medium_start --airport "unix:$WM_OUT/airport.sock"
	qemu_wait qsta
	qemu_wait qap
	check agents-came-back sh -c "grep -q 'guest qsta' '$WM_OUT/wifimedium.log' && grep -q 'guest qap' '$WM_OUT/wifimedium.log'"
fi
