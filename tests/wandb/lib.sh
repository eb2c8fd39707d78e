# lib.sh - helpers for the shell tests in tests/wandb; TAP comes from
# tests/include/tap.sh (check DESC CMD..., done_testing, ...).
#
#   . "$WANDB_TESTS_SRC/lib.sh"
#   esync ARGS...; check "description" eq "$rc" 0; check ... out_has TEXT
#
# Every script works in its own temp dir ($T), removed at exit.

: "${WANDB_TESTS_SRC:?run through make check}"
: "${WANDB_TESTS_BUILD:?run through make check}"
# shellcheck disable=SC1091
. "$WANDB_TESTS_SRC/../include/tap.sh"
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

# eq VALUE EXPECTED: equal, or say what was got (a predicate for check).
eq() {
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
