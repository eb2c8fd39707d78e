# tap.sh - the one TAP library of the shell tests (bash 4.1 or later).  Each folder's
# lib.sh sources it and adds only its own helpers; see tests/README.md.
#
#   plan N                     announce N tests up front (else done_testing
#                              prints the plan at the end)
#   ok STATUS DESC...          pass when STATUS is 0:  grep -q x f; ok $? "x"
#   is GOT WANT DESC...        pass when the strings are equal
#   isnt GOT UNWANTED DESC...  pass when they differ
#   like GOT ERE DESC...       pass when GOT matches the extended regex
#   unlike GOT ERE DESC...     pass when it does not
#   check DESC [--] CMD...     pass when CMD exits 0; its output is shown
#                              (as diagnostics) only when it fails
#   check_not DESC [--] CMD... pass when CMD exits non-zero
#   skip DESC WHY              a test not run, counted as passed
#   skip_all WHY               skip the whole file (before any test)
#   diag TEXT...               a "# " diagnostic line
#   bail TEXT...               "Bail out!": stop the whole file, failed
#   done_testing               check the plan, exit 0 when all passed
#
# A folder may set TAP_ON_FAIL to the name of a function that prints more
# context (as diagnostics) after each failed test, and TAP_BEFORE_END to
# one that runs its last checks when done_testing is called.

TAP_N=0
TAP_FAILED=0
TAP_PLAN=

plan() {	# plan N
	TAP_PLAN=$1
	echo "1..$1"
}

# _tap_result STATUS DESC: print one result line; count a failure and let
# the folder's TAP_ON_FAIL hook add context.
_tap_result() {
	local rc=$1
	shift
	TAP_N=$((TAP_N + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $TAP_N - $*"
		return 0
	fi
	echo "not ok $TAP_N - $*"
	TAP_FAILED=$((TAP_FAILED + 1))
	[ -n "${TAP_ON_FAIL:-}" ] && "$TAP_ON_FAIL"
	return 1
}

ok() {	# ok STATUS DESC...
	local rc=$1
	shift
	case $rc in
	''|*[!0-9]*)
		bail "ok: status '$rc' is not a number (ok STATUS DESC)" ;;
	esac
	_tap_result "$rc" "$@"
}

is() {	# is GOT WANT DESC...
	local got=$1 want=$2
	shift 2
	[ "$got" = "$want" ] && { _tap_result 0 "$@"; return; }
	_tap_result 1 "$@"
	diag "  got:  '$got'"
	diag "  want: '$want'"
	return 1
}

isnt() {	# isnt GOT UNWANTED DESC...
	local got=$1 bad=$2
	shift 2
	[ "$got" != "$bad" ] && { _tap_result 0 "$@"; return; }
	_tap_result 1 "$@"
	diag "  got '$got', wanted anything else"
	return 1
}

like() {	# like GOT ERE DESC...
	local got=$1 re=$2
	shift 2
	printf '%s\n' "$got" | grep -qE -- "$re" && { _tap_result 0 "$@"; return; }
	_tap_result 1 "$@"
	diag "  got:  '$got'"
	diag "  want: /$re/"
	return 1
}

unlike() {	# unlike GOT ERE DESC...
	local got=$1 re=$2
	shift 2
	printf '%s\n' "$got" | grep -qE -- "$re" || { _tap_result 0 "$@"; return; }
	_tap_result 1 "$@"
	diag "  got:  '$got'"
	diag "  must not match: /$re/"
	return 1
}

# _tap_run CMD...: run CMD in this shell (it may set variables) with its
# output kept in TAP_OUT, not printed: a stray "ok" line would break the
# TAP stream.  The output goes to an unlinked file opened once (append
# mode, so truncating it restarts at 0); its status is returned.
_tap_run() {
	local rc f
	if [ -z "${TAP_FD:-}" ]; then
		f=$(mktemp "${TMPDIR:-/tmp}/tap-out.XXXXXX") ||
			bail "tap.sh: mktemp failed"
		exec {TAP_FD}>>"$f"
		rm -f "$f"
	fi
	: >"/proc/self/fd/$TAP_FD"
	"$@" >&"$TAP_FD" 2>&1
	rc=$?
	TAP_OUT=$(cat "/proc/self/fd/$TAP_FD")
	return $rc
}

check() {	# check DESC [--] CMD...
	local desc=$1 rc
	shift
	[ "${1:-}" = -- ] && shift
	_tap_run "$@"
	rc=$?
	_tap_result "$rc" "$desc" && return 0
	diag "  command failed (exit $rc): $*"
	[ -n "$TAP_OUT" ] && printf '%s\n' "$TAP_OUT" | head -20 | sed 's/^/#   | /'
	return 1
}

check_not() {	# check_not DESC [--] CMD...
	local desc=$1 rc
	shift
	[ "${1:-}" = -- ] && shift
	_tap_run "$@"
	rc=$?
	[ "$rc" -ne 0 ] && { _tap_result 0 "$desc"; return; }
	_tap_result 1 "$desc"
	diag "  command succeeded but should not have: $*"
	[ -n "$TAP_OUT" ] && printf '%s\n' "$TAP_OUT" | head -20 | sed 's/^/#   | /'
	return 1
}

skip() {	# skip DESC WHY
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

skip_all() {	# skip_all WHY
	echo "1..0 # SKIP $*"
	exit 0
}

diag() {	# diag TEXT...
	echo "# $*"
}

bail() {	# bail TEXT...
	echo "Bail out! $*"
	exit 1
}

done_testing() {
	[ -z "${TAP_BEFORE_END:-}" ] || "$TAP_BEFORE_END"
	if [ -z "$TAP_PLAN" ]; then
		echo "1..$TAP_N"
	elif [ "$TAP_PLAN" -ne "$TAP_N" ]; then
		diag "planned $TAP_PLAN tests but ran $TAP_N"
		exit 1
	fi
	[ "$TAP_FAILED" -eq 0 ] || diag "$TAP_FAILED of $TAP_N tests failed"
	[ "$TAP_FAILED" -eq 0 ]
	exit $?
}
