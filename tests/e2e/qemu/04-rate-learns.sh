# host-side
# Debian's kernel with the image's mac80211_hwsim, which carries
# patches/uml-6.1/0003 (scripts/build-qemu-guest): on hwsim's own medium, an
# HT station's rate keeps adapting once its Block Ack session is up. With
# Debian's own module the rate stays at HT MCS 8 and rate-learned fails.
. "$WM_TOP/tests/e2e/qemu-lib.sh"

if qemu_image; then
	qemu_start rate --radios 2 --test "$WM_TOP/tests/e2e/qemu/roles/rate.sh"
	qemu_wait rate
fi
