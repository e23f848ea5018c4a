# Sourced by the command-line tests: expect NAME WANT-RC GREP-PATTERN CMD...
# runs CMD with stdout and stderr in $T/out, then says ok or FAIL (with the
# output) by its exit status and, unless the pattern is empty, a line
# matching it; failures count in $fails. The script sets T and fails.
expect() { # NAME WANT-RC GREP-PATTERN CMD...
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, wanted $want"; sed 's/^/    /' "$T/out"; fails=$((fails + 1))
	elif [ -n "$pat" ] && ! grep -q -e "$pat" "$T/out"; then
		echo "FAIL $name: no \`$pat' in:"; sed 's/^/    /' "$T/out"; fails=$((fails + 1))
	else
		echo "ok   $name"
	fi
}
