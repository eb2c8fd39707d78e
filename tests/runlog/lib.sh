# lib.sh - helpers for the runlog CLI tests: a scratch directory, and
# `runlog` from the build tree, under valgrind when RUNLOG_VALGRIND is set
# (make check-valgrind).  TAP (tests/include/tap.sh) and the run-log
# readers key/section come with the cluster tier's lib.sh.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck disable=SC1091
. "$top_srcdir/tests/cluster/lib.sh"

RUNLOG_BIN=${RUNLOG_BIN:-$top_builddir/runlog/runlog}
CORPUS=$top_srcdir/tests/runlog/corpus
[ -x "$RUNLOG_BIN" ] || bail "$RUNLOG_BIN not built (run make)"

T=$(mktemp -d "${TMPDIR:-/tmp}/runlog-test.XXXXXX") || bail "mktemp failed"
trap 'rm -rf "$T"' EXIT
cd "$T" || bail "cd $T"
# no Slurm here: libslurm must not find a controller
export SLURM_CONF=$T/no-slurm.conf
export TZ=UTC NO_COLOR=

# runlog ARGS...: the binary under test.  Under valgrind a leak or a bad
# access makes the command fail (exit 99), so every check sees it.  The
# scheduler query child runs libslurm, which exits through fatal() when
# there is no cluster; it is not traced.
runlog() {
	if [ -n "${RUNLOG_VALGRIND:-}" ]; then
		# PCRE2's JIT code reads ahead: valgrind checks the interpreter
		EXL_REGEX_NOJIT=1 valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 --child-silent-after-fork=yes \
			"$RUNLOG_BIN" "$@"
	else
		"$RUNLOG_BIN" "$@"
	fi
}

# rc CMD...: the exit status of CMD, output discarded.
rc() {
	"$@" >/dev/null 2>&1
	echo $?
}

# have_python: python3 parses --json output.
have_python() {
	command -v python3 >/dev/null 2>&1
}

# mklog PATH ID STATE [EXTRA]: a run log as the plugin writes it; STATE
# "open" leaves it open, else it is closed with that scheduler state.
mklog() {
	local path=$1 id=$2 state=$3 extra=${4:-} end=_ sched=_
	mkdir -p "$(dirname "$path")"
	if [ "$state" != open ]; then
		end="\`2026-03-11T16:00:00+00:00\`"
		sched=$state
	else
		end="_(filled when the job ends)_"
		sched="_(filled when the job ends)_"
	fi
	cat >"$path" <<LOG
# $(basename "$path" .md) — test run

## Mode
- run_type: experiment
- objective: test run

## Job
- execution_id: $id
- submitted: \`2026-03-11T14:00:00+00:00\`
- start: \`2026-03-11T15:00:00+00:00\`
- start_human: \`Wednesday, Mar 11th, 2026\`
- end: $end
- end_human: _
- nodes: \`n1\` (1)

## Status
- 2026-03-11 15:00 — started: job $id on n1 (1 node)
- 2026-03-11 15:30 — running, step 2400, train_loss 0.085, val_loss 0.091, GPU util 97%
$extra
## Results
- scheduler_state: $sched
- checkpoint: _(filled when the job ends)_

## W&B
- local: n/a
- synced: n/a
LOG
}
