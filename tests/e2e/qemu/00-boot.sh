# host-side
# A QEMU 7.2 guest (Debian 12's, TCG) running Debian's own kernel from the
# image of scripts/build-qemu-guest, with 2 hwsim radios on hwsim's built-in
# medium (no wifimedium): hostapd (open) on one radio and wpa_supplicant on
# the other, each in a namespace, associate and ping. The virtio-serial port
# the airport agent will use, /dev/virtio-ports/org.wifimedium.0, carries
# bytes both ways to a unix socket on the host (socat here, wifimedium later).
. "$WM_TOP/tests/e2e/qemu-lib.sh"

if qemu_image; then
	socat UNIX-LISTEN:"$WM_OUT/port.sock" \
		SYSTEM:"echo 'hello from the host'; exec cat >'$WM_OUT/port.out'" &
	socat_pid=$!
	for _ in $(seq 50); do [ -S "$WM_OUT/port.sock" ] && break; sleep 0.1; done
	qemu_start boot --radios 2 --socket "$WM_OUT/port.sock" \
		--test "$WM_TOP/tests/e2e/qemu/roles/boot.sh" --env "TOKEN=it's a \"token\""
	qemu_wait boot
	check port-bytes-reached-host grep -q "wifimedium port test from boot" "$WM_OUT/port.out"
	kill "$socat_pid" 2>/dev/null
	wait "$socat_pid" 2>/dev/null
fi
