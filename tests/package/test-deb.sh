#!/usr/bin/env bash
# The Debian packages as an operator meets them: build them from this tree
# (scripts/build-deb), hold them to lintian, install them with dpkg into a
# fresh root (an overlay of this system in a mount namespace of its own, so
# the host is untouched), and check what was installed: the service enabled
# and its units verified, the config valid, the daemon running from the
# unit's own options with wifimedium-ctl on its default socket, man pages,
# bash completion, and removal and purge.
#   tests/package/test-deb.sh [DEB-DIR]   (DEB-DIR: already built packages)
# Needs root (mount namespaces, dpkg). One line per check, then
# "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { echo "pass   package:$1"; pass=$((pass + 1)); }
bad() { echo "fail   package:$1${2:+: $2}"; fail=$((fail + 1)); }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit; }

if [ "$(id -u)" != 0 ]; then
	bad root "needs root for dpkg and a mount namespace"
	finish
fi
debs=${1:-}
if [ -z "$debs" ]; then
	debs=$T/deb
	if "$top/scripts/build-deb" "$debs" >"$T/build.log" 2>&1; then
		ok build
	else
		tail -30 "$T/build.log"
		bad build
		finish
	fi
fi

# lintian: no errors; warnings shown.
lintian --fail-on error --suppress-tags package-supports-alternative-init-but-no-init.d-script \
	"$debs"/*.changes >"$T/lintian" 2>&1
lrc=$?
grep -v '^running with root' "$T/lintian" | sed 's/^/    /'
[ "$lrc" = 0 ] && ok lintian || bad lintian "exit $lrc"

# The fresh root: / as the lower layer of an overlay, every write in a tmpfs.
cp "$debs"/wifimedium_*.deb "$debs"/wifimedium-airport_*.deb "$debs"/wifimedium-wmediumd_*.deb "$T/"
cat >"$T/inside.sh" <<'IN'
set -u
check() { # NAME CMD...: pass if CMD succeeds
	local name=$1
	shift
	if out=$("$@" 2>&1); then
		echo "pass   package:$name"
	else
		echo "fail   package:$name"
		printf '%s\n' "$out" | tail -20 | sed 's/^/    /'
	fi
}
export SYSTEMD_OFFLINE=1
check install dpkg -i /tmp/pkgs/wifimedium_*.deb /tmp/pkgs/wifimedium-airport_*.deb \
	/tmp/pkgs/wifimedium-wmediumd_*.deb
check wmediumd-name sh -c 'wmediumd -V | grep -q "^wmediumd v0.3.1 .*(wifimedium "'
check wmediumd-man sh -c 'man -w 8 wmediumd >/dev/null && man 8 wmediumd 2>/dev/null | grep -q "mininet"'
check enabled-debian-way test -L /etc/systemd/system/multi-user.target.wants/wifimedium.service
check airport-not-enabled test ! -e /etc/systemd/system/multi-user.target.wants/airport.service
check conffiles sh -c 'dpkg-query -W -f="\${Conffiles}\n" wifimedium | grep -q /etc/wifimedium/wifimedium.cfg &&
	dpkg-query -W -f="\${Conffiles}\n" wifimedium | grep -q /etc/default/wifimedium'
check units-verify sh -c 'out=$(systemd-analyze verify /lib/systemd/system/wifimedium.service \
	/lib/systemd/system/airport.service 2>&1); printf "%s" "$out"; [ -z "$out" ]'
check test-config-etc wifimedium --test-config -c /etc/wifimedium/wifimedium.cfg
check test-config-example sh -c 'wifimedium --test-config -c /usr/share/doc/wifimedium/examples/vms.cfg |
	grep -q "vms.cfg: ok"'
for page in wifimedium.8 wifimedium.conf.5 wifimedium-ctl.1 wifimedium-web.1 airport.8 hwsim-radio.8; do
	check "man-$page" sh -c "man -w ${page##*.} ${page%.*} >/dev/null &&
		out=\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 ${page##*.} ${page%.*} 2>&1 >/dev/null);
		printf '%s' \"\$out\"; [ -z \"\$out\" ]"
done
# The service's own command line, as systemd would run it.
mkdir -p /run/wifimedium /var/lib/wifimedium
. /etc/default/wifimedium
wifimedium $WIFIMEDIUM_OPTS --log-file /tmp/wm.log &
pid=$!
for _ in $(seq 50); do [ -S /run/wifimedium/control ] && break; sleep 0.1; done
check ctl-default-socket sh -c 'wifimedium-ctl status | grep -q "^time"'
check sockets test -S /run/wifimedium/vhost-user.sock -a -S /run/wifimedium/airport.sock
kill "$pid"
wait "$pid"
check service-stops test $? = 0
check web-version sh -c 'wifimedium-web --version | grep -q "^wifimedium-web "'
check completion bash -c '. /usr/share/bash-completion/bash_completion
	_completion_loader wifimedium-ctl
	COMP_WORDS=(wifimedium-ctl capture-s); COMP_CWORD=1; COMP_LINE="wifimedium-ctl capture-s"
	COMP_POINT=${#COMP_LINE}
	_wifimedium_ctl wifimedium-ctl capture-s wifimedium-ctl
	[ "${COMPREPLY[*]}" = "capture-start capture-stop" ] || { echo "${COMPREPLY[*]}"; exit 1; }
	_completion_loader hwsim-radio
	COMP_WORDS=(hwsim-radio a); COMP_CWORD=1; COMP_LINE="hwsim-radio a"; COMP_POINT=${#COMP_LINE}
	_hwsim_radio hwsim-radio a hwsim-radio
	[ "${COMPREPLY[*]}" = "add" ] || { echo "${COMPREPLY[*]}"; exit 1; }'
check remove sh -c 'dpkg -r wifimedium-wmediumd wifimedium wifimedium-airport >/dev/null &&
	! command -v wifimedium && ! command -v wmediumd &&
	test -f /etc/wifimedium/wifimedium.cfg'
check purge sh -c 'dpkg -P wifimedium wifimedium-airport >/dev/null && test ! -e /etc/wifimedium &&
	test ! -e /etc/default/wifimedium'
IN
unshare -m --propagation private bash -c '
	set -e
	T=$1
	mkdir "$T/ov" "$T/root"
	mount -t tmpfs tmpfs "$T/ov"
	mkdir "$T/ov/upper" "$T/ov/work"
	mount -t overlay overlay -o lowerdir=/,upperdir="$T/ov/upper",workdir="$T/ov/work" "$T/root"
	mount -t proc proc "$T/root/proc"
	mount --rbind /dev "$T/root/dev"
	mount -t tmpfs tmpfs "$T/root/tmp"
	mount -t tmpfs tmpfs "$T/root/run"
	mkdir "$T/root/tmp/pkgs"
	cp "$T"/*.deb "$T/root/tmp/pkgs/"
	cp "$T/inside.sh" "$T/root/tmp/"
	chroot "$T/root" bash /tmp/inside.sh </dev/null
' - "$T" >"$T/inside.out" 2>&1
cat "$T/inside.out"
pass=$((pass + $(grep -c '^pass ' "$T/inside.out")))
fail=$((fail + $(grep -c '^fail ' "$T/inside.out")))
[ "$(grep -c '^pass \|^fail ' "$T/inside.out")" -ge 20 ] || bad inside "the fresh root did not run every check"
finish
