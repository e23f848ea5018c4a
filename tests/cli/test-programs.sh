#!/bin/sh
# Every program answers --version and --help the same way: the version line
# "NAME VERSION" and the usage on standard output with exit 0, a bad option
# on standard error with exit 2, and its help names the exit statuses.
#   test-programs.sh VERSION PROGRAM...
VERSION=$1
shift
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

check() { # NAME WANT-RC STDOUT-PATTERN CMD...
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, wanted $want"; sed 's/^/    /' "$T/out" "$T/err"; fails=$((fails + 1))
	elif [ -n "$pat" ] && ! grep -q -e "$pat" "$T/out"; then
		echo "FAIL $name: no \`$pat' on stdout:"; sed 's/^/    /' "$T/out"; fails=$((fails + 1))
	else
		echo "ok   $name"
	fi
}

for prog in "$@"; do
	pn=$(basename "$prog")
	for opt in -V --version; do
		check "$pn $opt" 0 "^$pn $VERSION\$" "$prog" "$opt"
	done
	for opt in -h --help; do
		check "$pn $opt" 0 "^Usage: $pn" "$prog" "$opt"
	done
	check "$pn help: exit status" 0 "Exit status: 0" "$prog" --help
	check "$pn help: manual" 0 "Manual: $pn(" "$prog" --help
	check "$pn bad option" 2 "" "$prog" --no-such-option
	[ -s "$T/out" ] && { echo "FAIL $pn bad option: wrote to stdout"; fails=$((fails + 1)); }
	[ -s "$T/err" ] || { echo "FAIL $pn bad option: said nothing on stderr"; fails=$((fails + 1)); }
done
[ "$fails" = 0 ]
