# Helpers for host-side tests of QEMU guests (tests/e2e/qemu/*.sh), on top of
# tests/e2e/host-lib.sh: each guest is scripts/qemu-guest (Debian's QEMU 7.2,
# Debian's kernel, TCG) on the image of scripts/build-qemu-guest, running a
# guest script that /init sources with result/check, and with
# tests/e2e/lib.sh at /e2e/lib.sh for the usual helpers. The guest's checks
# come back on its console as "E2E NAME pass|fail [REASON]" lines and become
# results GUEST:NAME here. See docs/qemu-guest.md.
#
# Source it from a test: . "$WM_TOP/tests/e2e/qemu-lib.sh"

QEMU_GUEST="$WM_TOP/scripts/qemu-guest"

# qemu_image: build or find the cached guest image (its path in QEMU_IMAGE).
qemu_image() {
	if QEMU_IMAGE=$("$WM_TOP/scripts/build-qemu-guest" 2>"$WM_OUT/build-qemu-guest.log"); then
		say "guest image: $QEMU_IMAGE ($(sed -n 3p "$QEMU_IMAGE/manifest"))"
		return 0
	fi
	result qemu-image fail "scripts/build-qemu-guest failed; see $WM_OUT/build-qemu-guest.log"
	tail -5 "$WM_OUT/build-qemu-guest.log" | sed 's/^/    | /'
	return 1
}

# qemu_start NAME [qemu-guest OPTIONS...]: boot guest NAME in the background,
# its console in $WM_OUT/NAME/console.log. Defaults (later options win):
# --timeout 180, tests/e2e/lib.sh at /e2e/lib.sh.
qemu_start() {
	_name=$1
	shift
	rm -rf "${WM_OUT:?}/$_name"
	mkdir -p "$WM_OUT/$_name"
	"$QEMU_GUEST" --name "$_name" --console "$WM_OUT/$_name/console.log" --timeout 180 \
		--file "$WM_TOP/tests/e2e/lib.sh:/e2e/lib.sh" "$@" \
		</dev/null >"$WM_OUT/$_name/qemu-guest.log" 2>&1 &
	eval "QEMU_PID_$_name=\$!"
}

# qemu_wait NAME: wait until guest NAME is off; its E2E lines join our
# results as NAME:CHECK, and NAME:finished says whether it got to E2E-DONE.
qemu_wait() {
	eval "_pid=\$QEMU_PID_$1"
	wait "$_pid"
	_rc=$?
	_log=$WM_OUT/$1/console.log
	tr -d '\r' <"$_log" | grep -a '^E2E ' | while read -r _ _c _s _r; do
		[ "$_c" = finished ] && continue
		result "$1:$_c" "$_s" "$_r"
	done
	say "$1: $(grep -a '^init: ready' "$_log" | tr -d '\r'); $(tail -1 "$WM_OUT/$1/qemu-guest.log")"
	_done=$(tr -d '\r' <"$_log" | grep -a '^E2E-DONE' | tail -1)
	case $_done in
	"E2E-DONE rc=0") result "$1:finished" pass ;;
	E2E-DONE*) result "$1:finished" fail "the guest's test ended with ${_done#E2E-DONE }" ;;
	*)
		result "$1:finished" fail "no E2E-DONE (qemu-guest exit $_rc); see $_log"
		tail -15 "$_log" | sed 's/^/    | /'
		;;
	esac
	[ -n "$_done" ]
}
