# tap-lib.sh - a few helpers for the shell tests in tests/wandb (TAP out).
#
#   . "$WANDB_TESTS_SRC/tap-lib.sh"
#   check "description" command args...     # ok when it exits 0
#   check_not "description" command args...
#   done_testing
#
# Every script works in its own temp dir ($T), removed at exit.

t_n=0
t_failed=0

check() {
	t_desc=$1
	shift
	t_n=$((t_n + 1))
	if "$@"; then
		echo "ok $t_n - $t_desc"
	else
		t_failed=$((t_failed + 1))
		echo "not ok $t_n - $t_desc"
	fi
}

check_not() {
	t_desc=$1
	shift
	if "$@"; then t_rc=1; else t_rc=0; fi
	check "$t_desc" test "$t_rc" -eq 0
}

diag() {
	echo "# $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$t_n"
	test "$t_failed" -eq 0
}

: "${WANDB_TESTS_SRC:?run through make check}"
: "${WANDB_TESTS_BUILD:?run through make check}"
PY=${PYTHON3:-python3}
WANDBFILE="$WANDB_TESTS_SRC/wandbfile.py"
TOOL="$WANDB_TESTS_BUILD/wandb-tool"
# a wrapper (valgrind) for the programs under test, see Makefile.am
RUN=${WANDB_TESTS_WRAP:-}
# esync ARGS...: run exp-wandb-sync (under $RUN); its stdout goes to
# $T/out, stderr to $T/err, exit status to $rc.
esync() {
	$RUN "$EXP_WANDB_SYNC" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# jget EXPR: a Python expression over the JSON in $T/out (as d), printed.
jget() {
	"$PY" -c "import json,sys
d = json.load(open(sys.argv[1]))
r = $1
print(json.dumps(r) if not isinstance(r, str) else r)" "$T/out"
}

# is VALUE EXPECTED: equal, or say what was got.
is() {
	[ "$1" = "$2" ] || { diag "got '$1', want '$2'"; return 1; }
}

# out_has / err_has TEXT: the last esync printed TEXT (fixed string).
out_has() {
	grep -qF -- "$1" "$T/out" || { diag "stdout lacks '$1'"; return 1; }
}
err_has() {
	grep -qF -- "$1" "$T/err" || { diag "stderr lacks '$1'"; return 1; }
}

: "${EXP_WANDB_SYNC:?run through make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/exl-wandb-t.XXXXXX") || exit 3
trap 'rm -rf "$T"' EXIT
