# Helpers for host-side end-to-end tests (tests/e2e/vhost/*.sh): wifimedium
# runs on the host with -u, each VM is its own UML instance attached as
# virtio device 29, running a role script from tests/e2e/vhost/roles/ under
# tests/e2e/guest-init with tests/e2e/lib.sh. VMs and the host coordinate
# through flag files in $WM_OUT/flags (the VMs see the host's files).
#
# Set by the runner: WM_TOP, WM_BUILD, WM_OUT, KERNEL.

WM="$WM_BUILD/src/wifimedium"
mkdir -p "$WM_OUT/flags"

say() { echo "e2e: $*"; }

result() { # name status [reason...]
	_n=$1 _s=$2
	shift 2
	echo "$_n $_s $*" >>"$WM_OUT/results"
	say "$_s: $_n${*:+ ($*)}"
}

check() {
	_n=$1
	shift
	if "$@"; then result "$_n" pass; else result "$_n" fail "failed: $*"; fi
}

# medium_start [ARGS...]: wifimedium on the host, listening on $WM_OUT/wm.sock.
medium_start() {
	"$WM" -u "$WM_OUT/wm.sock" -l info --log-file "$WM_OUT/wifimedium.log" "$@" &
	WM_PID=$!
	for _ in $(seq 1 50); do
		grep -q "listening on" "$WM_OUT/wifimedium.log" 2>/dev/null && return 0
		sleep 0.1
	done
	say "wifimedium did not start"
	cat "$WM_OUT/wifimedium.log"
	return 1
}

# medium_stop: SIGTERM, then SIGKILL if wifimedium is not gone in 5 s.
medium_stop() {
	[ -n "${WM_PID:-}" ] || return 0
	kill "$WM_PID" 2>/dev/null
	for _ in $(seq 1 50); do
		kill -0 "$WM_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$WM_PID" 2>/dev/null || true	# gone already: the usual case
	wait "$WM_PID" 2>/dev/null
	WM_PID=
	return 0
}

# vm_start NAME ROLE [VAR=VALUE...]: boot a VM (umid NAME) running roles/ROLE.sh.
# The variables reach the role's environment through the kernel command line.
# VM_TIMEOUT (default 200) s later the VM is killed; a longer one needs
# WM_TIMEOUT=... among the variables too (the guest's own limit).
vm_start() {
	_name=$1 _role=$2
	shift 2
	rm -rf "$WM_OUT/$_name"
	mkdir -p "$WM_OUT/$_name"
	setsid timeout -s KILL "${VM_TIMEOUT:-200}" "$KERNEL" mem=256M rootfstype=hostfs rootflags=/ rw \
		init="$WM_TOP/tests/e2e/guest-init" con=null con0=null,fd:2 \
		mac80211_hwsim.radios=0 umid="$_name" uml_dir="$WM_OUT/$_name" \
		virtio_uml.device="$WM_OUT/wm.sock:29" \
		WM_TEST="$WM_TOP/tests/e2e/vhost/roles/$_role.sh" WM_OUT="$WM_OUT/$_name" \
		WM_BUILD="$WM_BUILD" WM_TOP="$WM_TOP" WM_FLAGS="$WM_OUT/flags" VM="$_name" "$@" \
		</dev/null >"$WM_OUT/$_name/console.log" 2>&1 &
	eval "VM_PID_$_name=\$!"
}

# vm_kill NAME: pull the plug. UML makes its own session, so its processes
# are found by their command line (uml_dir is unique per VM).
vm_kill() {
	eval "_pid=\$VM_PID_$1"
	pkill -9 -f "uml_dir=$WM_OUT/$1 " 2>/dev/null
	wait "$_pid" 2>/dev/null
	return 0
}

# vm_wait NAME [SECONDS]: wait for the VM to finish; its checks join ours as NAME:check.
vm_wait() {
	eval "_pid=\$VM_PID_$1"
	_end=$(($(date +%s) + ${2:-180}))
	while [ ! -f "$WM_OUT/$1/done" ] && [ "$(date +%s)" -lt "$_end" ]; do
		kill -0 "$_pid" 2>/dev/null || break
		sleep 0.3
	done
	wait "$_pid" 2>/dev/null
	if [ -f "$WM_OUT/$1/results" ]; then
		while read -r _c _s _r; do
			[ "$_c" = finished ] && continue
			result "$1:$_c" "$_s" "$_r"
		done <"$WM_OUT/$1/results"
	fi
	if grep -q '^finished ' "$WM_OUT/$1/results" 2>/dev/null; then
		return 0
	fi
	result "$1:finished" fail "the VM did not finish; see $WM_OUT/$1/console.log, test.log"
	tail -15 "$WM_OUT/$1/test.log" 2>/dev/null | sed 's/^/    | /'
	return 1
}

flag_set() { touch "$WM_OUT/flags/$1"; }
# flag_wait_host NAME SECONDS: wait for a VM to raise NAME.
flag_wait_host() {
	for _ in $(seq 1 $(($2 * 5))); do
		[ -f "$WM_OUT/flags/$1" ] && return 0
		sleep 0.2
	done
	return 1
}
