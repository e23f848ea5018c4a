# host-side
# Stock QEMU 7.2, which cannot present virtio device 29: an AP in one QEMU
# guest, a station in another, each guest's own hwsim radio carried by
# airport over a virtio-serial port to wifimedium's unix socket. WPA2-PSK
# association and ping across the two guests.
. "$WM_TOP/tests/e2e/qemu-lib.sh"

if qemu_image; then
	medium_start --airport "unix:$WM_OUT/airport.sock"
	qemu_start qap --radios 0 --socket "$WM_OUT/airport.sock" \
		--file "$WM_BUILD/src/airport:/usr/local/bin/airport" \
		--test "$WM_TOP/tests/e2e/qemu/roles/airport-ap.sh" \
		--env PREFIX=02:a1:00 --env SEC=wpa2 --env IP=10.99.4.1
	qemu_start qsta --radios 0 --socket "$WM_OUT/airport.sock" \
		--file "$WM_BUILD/src/airport:/usr/local/bin/airport" \
		--test "$WM_TOP/tests/e2e/qemu/roles/airport-sta.sh" \
		--env PREFIX=02:b1:00 --env SEC=wpa2 --env IP=10.99.4.2 --env PING_TO=10.99.4.1
	qemu_wait qsta
	qemu_wait qap
	check medium-saw-both sh -c "grep -q 'guest qap' '$WM_OUT/wifimedium.log' && grep -q 'guest qsta' '$WM_OUT/wifimedium.log'"
fi
