# host-side
# Mixed air: an AP in a UML VM on the vhost-user socket, a station in a
# QEMU 7.2 guest through airport over virtio-serial: they associate and ping.
. "$WM_TOP/tests/e2e/qemu-lib.sh"

if qemu_image; then
	medium_start --airport "unix:$WM_OUT/airport.sock"
	vm_start ap ap AP_MAC=02:aa:00:00:00:00 SEC=wpa2 IP=10.99.0.1 SSID=wm-airport
	qemu_start qsta --radios 0 --socket "$WM_OUT/airport.sock" \
		--file "$WM_BUILD/src/airport:/usr/local/bin/airport" \
		--test "$WM_TOP/tests/e2e/qemu/roles/airport-sta.sh" \
		--env PREFIX=02:b2:00 --env SEC=wpa2 --env IP=10.99.0.2 --env PING_TO=10.99.0.1
	qemu_wait qsta
	flag_set stop
	vm_wait ap 30
fi
