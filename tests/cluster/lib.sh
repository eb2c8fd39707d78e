# lib.sh - shared helpers for the cluster tests (TAP comes from
# tests/include/tap.sh): a private test bed (munged + slurmctld + 3 slurmd
# on loopback, see contrib/testbed/exp-log-testbed), jobs submitted as an
# unprivileged user.
#
# A test file sources this, calls testbed_up, runs checks with ok/is, and
# ends with done_testing.  The bed is stopped on exit, even on failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck disable=SC1091
. "$top_srcdir/tests/include/tap.sh"

# lint_run_logs: every run log the test's jobs wrote must lint clean as
# the plugin left it (issue 14: lint-clean by construction).  The roots
# are the parents of the .exp-log sidecar directories below the test
# bed; a test that damages a root on purpose names it in LINT_SKIP.
lint_run_logs() {
	local runlog=$top_builddir/runlog/runlog root out n=0 rc
	[ -n "${TB:-}" ] && [ -d "$TB" ] && [ -x "$runlog" ] || return 0
	while IFS= read -r root; do
		case " ${LINT_SKIP:-} " in *" $root "*) continue ;; esac
		n=$((n + 1))
		out=$("$runlog" lint "$root" 2>&1)
		rc=$?
		ok $rc "runlog lint exits 0 on the run logs the plugin wrote in $root"
		[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
	done < <(find "$TB" $SMALL_FS -xdev -type d -name .exp-log \
		 -printf '%h\n' 2>/dev/null | sort -u)
	[ "$n" -gt 0 ] || diag "no run logs to lint"
}
TAP_BEFORE_END=lint_run_logs

# explain_failure: after the first failed test of a file, what exp-log
# told Slurm's daemons (its errors land in the slurmd and slurmctld logs)
# and the notes it left when a run log could not be written, so a failure
# on a CI machine can be read without the bed (which is gone by then).
explain_failure() {
	local f
	[ -z "${EXPLAINED:-}" ] && [ -n "${TB:-}" ] && [ -d "$TB/log" ] || return 0
	EXPLAINED=1
	grep -h 'exp-log[:(]' "$TB"/log/slurmd-*.log "$TB"/log/slurmctld.log \
		2>/dev/null | grep -E 'error|warning|timed out' | tail -20 |
		sed 's/^/#   daemon log: /'
	f=$(getent passwd "${TUSER:-nobody}" | cut -d: -f6)/.cache/exp-log/unlogged
	[ -d "$f" ] && grep -l "$TB/" "$f"/*.json 2>/dev/null | head -5 |
		while read -r n; do sed 's/^/#   unlogged note: /' "$n"; done
	return 0
}
TAP_ON_FAIL=explain_failure

# Prerequisites: root (the bed starts daemons) and Slurm's commands.  On a
# laptop the cluster tier skips; CI sets EXP_LOG_REQUIRE_CLUSTER=1 so a
# missing prerequisite fails instead of silently skipping.
require_cluster() {
	local why=
	[ -n "${EXP_LOG_SKIP_CLUSTER:-}" ] && skip_all "EXP_LOG_SKIP_CLUSTER is set"
	[ "$(id -u)" = 0 ] || why="needs root to start munged/slurmctld/slurmd"
	command -v slurmctld >/dev/null 2>&1 || why="Slurm not installed (apt-get install slurm-wlm)"
	if [ -n "$why" ]; then
		[ -n "${EXP_LOG_REQUIRE_CLUSTER:-}" ] && bail "$why"
		skip_all "$why"
	fi
}

TESTBED=$top_srcdir/contrib/testbed/exp-log-testbed
PLUGIN=${EXP_LOG_PLUGIN:-$top_builddir/spank/.libs/exp_log.so}
TB=
TUSER=explogtest

SMALL_FS=

# forget_notes: remove the notes (lib/runstore/unlogged.h) this bed's
# jobs left in the test user's own home (the epilog writes there, not in
# the HOME as_user gives), so that no later bed, whose job ids start at 1
# again, or demo shows them; only notes naming a directory of this bed.
forget_notes() {
	local home f
	home=$(getent passwd "$TUSER" | cut -d: -f6)
	[ -n "$home" ] && [ -d "$home/.cache/exp-log/unlogged" ] || return 0
	for f in "$home"/.cache/exp-log/unlogged/*.json; do
		grep -q "\"root\": *\"$TB/" "$f" 2>/dev/null && rm -f "$f"
	done
	return 0
}

testbed_down() {
	local m
	[ -n "$TB" ] || return 0
	"$TESTBED" stop "$TB"
	if [ -n "${TUSER:-}" ]; then forget_notes; fi
	# the bed's jobs are gone: nothing holds the small filesystems now
	for m in $SMALL_FS; do
		umount "$m" 2>/dev/null || umount -l "$m" ||
			diag "couldn't unmount $m"
	done
	if [ -n "${EXP_LOG_TESTBED_KEEP:-}" ]; then
		diag "keeping test bed $TB"
	else
		rm -rf "$TB"
	fi
}

# small_fs DIR MIB: a tmpfs of MIB MiB mounted at DIR (made if missing),
# owned by the test user, unmounted when the test ends.  The fault tests
# fill it up or remount it read-only under a running job.
small_fs() {
	mkdir -p "$1" || bail "couldn't make $1"
	mount -t tmpfs -o "size=$2m,mode=0755,uid=$(id -u "$TUSER"),gid=$(id -g "$TUSER")" \
		tmpfs "$1" || bail "couldn't mount a ${2} MiB tmpfs at $1"
	SMALL_FS="$SMALL_FS $1"
}

# remount MODE DIR: remount the small filesystem DIR rw or ro.  A file
# open for writing makes "remount,ro" fail (EBUSY): exp-log opens the run
# log's files only for moments, so a few tries get between its writes.
remount() {
	local i
	for i in $(seq 1 50); do
		mount -o "remount,$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	diag "couldn't remount $2 $1: $(mount -o "remount,$1" "$2" 2>&1)"
	open_in "$2" | sed 's/^/#   open: /'
	return 1
}

# open_in DIR: "PID COMMAND FILE" for every file below DIR a process has
# open (what keeps a remount busy).
open_in() {
	local fd t
	for fd in /proc/[0-9]*/fd/*; do
		t=$(readlink "$fd" 2>/dev/null) || continue
		case $t in "$1"/*|"$1") ;; *) continue ;; esac
		p=${fd#/proc/}
		p=${p%%/*}
		echo "$p $(cat /proc/$p/comm 2>/dev/null) $t flags=$(sed -n 's/^flags:\t*//p' "/proc/$p/fdinfo/${fd##*/}" 2>/dev/null)"
	done
}

# temp_files DIR: the atomic writers' temp files left below DIR
# (util/fileio.c names them FILE.tmp.PID.N).
temp_files() {
	find "$1" -name '*.tmp.*' 2>/dev/null
}

# slurmd_log_grep PATTERN: the lines of the bed's slurmd logs (where
# slurmstepd and the epilog log) that match PATTERN.
slurmd_log_grep() {
	grep -h -- "$1" "$TB"/log/slurmd-*.log 2>/dev/null
}

# testbed_up: start the bed; TESTBED_ARGS adds options ("--accounting"
# for the tests that need slurmdbd: off by default, it costs seconds).
testbed_up() {
	require_cluster
	[ -r "$PLUGIN" ] || bail "plugin $PLUGIN not built (run make)"
	# shellcheck disable=SC2086
	TB=$("$TESTBED" start --plugin "$PLUGIN" ${TESTBED_ARGS:-}) ||
		bail "test bed did not start"
	trap testbed_down EXIT
	# shellcheck disable=SC1091
	. "$TB/env"
	TUSER=$EXP_LOG_TESTBED_USER
	# a submit directory owned by the unprivileged user
	WORK=$TB/work/$(basename "$0" .t)
	mkdir -p "$WORK"
	chown "$TUSER:" "$WORK"
}

# as_user CMD...: run CMD as the unprivileged test user in $WORK.
as_user() {
	(cd "$WORK" && runuser -u "$TUSER" -- env SLURM_CONF="$SLURM_CONF" \
		HOME="$WORK" PATH="$PATH" "$@")
}

# submit ARGS...: sbatch --parsable as the user; prints the job id.
submit() {
	as_user sbatch --parsable "$@" | cut -d';' -f1
}

# job_state ID: the scheduler's state of a job ("" once it is gone).
job_state() {
	scontrol show job "$1" 2>/dev/null |
		sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1
}

# wait_state ID SECS STATE...: wait until the job is in one of STATEs.
wait_state() {
	local id=$1 secs=$2 s i
	shift 2
	for i in $(seq 1 $((secs * 2))); do
		s=$(job_state "$id")
		for want in "$@"; do
			[ "$s" = "$want" ] && return 0
		done
		sleep 0.5
	done
	diag "job $id still in state '$s' after ${secs}s (wanted $*)"
	return 1
}

# wait_job_done ID SECS: wait until the job has left the running states.
wait_job_done() {
	local id=$1 secs=$2 s i
	for i in $(seq 1 $((secs * 2))); do
		s=$(job_state "$id")
		case $s in
		PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|"") ;;
		*) return 0 ;;
		esac
		sleep 0.5
	done
	diag "job $id not done after ${secs}s (state '$s')"
	return 1
}

# run_log_of ROOT JOBID: path of the run log the job index points to.
run_log_of() {
	local idx=$1/.exp-log/jobs/$2.json rel
	[ -r "$idx" ] || return 1
	rel=$(sed -n 's/.*"run_log": *"\([^"]*\)".*/\1/p' "$idx")
	[ -n "$rel" ] && echo "$1/$rel"
}

# wait_started ROOT JOBID SECS: wait until the job itself has written its
# start into the run log (sbatch writes the log at submission, so the file
# alone says nothing about the job having run); prints the run log path.
wait_started() {
	local root=$1 id=$2 secs=$3 f i
	for i in $(seq 1 $((secs * 2))); do
		f=$(run_log_of "$root" "$id") &&
			grep -q -- "— started: job $id " "$f" 2>/dev/null &&
			{ echo "$f"; return 0; }
		sleep 0.5
	done
	diag "run log of job $id has no start line after ${secs}s"
	return 1
}

# fake_wandb: the tests' fake `wandb` as $WORK/bin/wandb (it records its
# calls in $FAKE_WANDB_LOG and keeps runs in $FAKE_WANDB_SERVER: use
# $WORK/calls and $WORK/server) and an API key file $WORK/key (0600), all
# the test user's.
fake_wandb() {
	mkdir -p "$WORK/bin" "$WORK/server" &&
		cp "$top_srcdir/tests/wandb/fake-wandb" "$WORK/bin/wandb" &&
		chmod 755 "$WORK/bin/wandb" &&
		printf 'k3y-cluster-chain-0123456789abcdef\n' >"$WORK/key" &&
		chmod 600 "$WORK/key" &&
		chown -R "$TUSER:" "$WORK/bin" "$WORK/server" "$WORK/key" ||
		bail "couldn't set up the fake wandb in $WORK"
}

# job_told RUN_JSON JOBID: run.json says how job JOBID ended (its own
# entry has the scheduler's state: a resumed or requeued run log already
# holds an earlier job's); also true when run.json cannot be read (a
# fault test's), where the run log's line is all there is to go by.
job_told() {
	python3 - "$1" "$2" <<'PY' 2>/dev/null
import json, sys
try:
    jobs = json.load(open(sys.argv[1])).get("jobs") or []
except Exception:
    sys.exit(0)
mine = [j for j in jobs if isinstance(j, dict) and j.get("job_id") == sys.argv[2]]
sys.exit(0 if mine and mine[-1].get("sched_state") else 1)
PY
}

# wait_final ROOT JOBID SECS: wait until the epilog has written the
# scheduler's state for job JOBID into its run log; prints the run log
# path.
wait_final() {
	local root=$1 id=$2 secs=$3 f i sd
	for i in $(seq 1 $((secs * 2))); do
		f=$(run_log_of "$root" "$id") &&
			grep -q '^- scheduler_state: [A-Z_]*$' "$f" 2>/dev/null &&
			sd=$(state_dir_of "$root" "$id") &&
			job_told "$sd/run.json" "$id" &&
			{ echo "$f"; return 0; }
		sleep 0.5
	done
	diag "run log of job $id has no scheduler_state after ${secs}s"
	[ -n "$f" ] && sed 's/^/#   /' "$f"
	return 1
}

# state_dir_of ROOT JOBID: the run's state dir (where run.json lives), from
# the job map.
# earlier_job ROOT: an earlier job's run log in ROOT, closed, with copies
# of it and its run.json kept in $WORK (the fault tests check it stays
# byte for byte what it was).  Sets EARLIER_LOG and EARLIER_STATE; one ok.
earlier_job() {
	local a
	a=$(submit --exp-log="$1" --exp-task=earlier -o earlier.out \
		--wrap="echo step 1 loss 0.5")
	EARLIER_LOG=$(wait_final "$1" "$a" 60)
	ok $? "earlier job closed"
	EARLIER_STATE=$(state_dir_of "$1" "$a")
	cp "$EARLIER_LOG" "$WORK/earlier.md"
	cp "$EARLIER_STATE/run.json" "$WORK/earlier.json"
}

# earlier_log_same / earlier_json_same: the earlier job's run log / its
# run.json is what earlier_job kept.
earlier_log_same() {
	cmp -s "$EARLIER_LOG" "$WORK/earlier.md"
}
earlier_json_same() {
	cmp -s "$EARLIER_STATE/run.json" "$WORK/earlier.json"
}

state_dir_of() {
	local idx=$1/.exp-log/jobs/$2.json rel
	rel=$(sed -n 's/.*"state_dir": *"\([^"]*\)".*/\1/p' "$idx" 2>/dev/null)
	case $rel in
	"") return 1 ;;
	/*) echo "$rel" ;;
	*) echo "$1/$rel" ;;
	esac
}

# key FILE KEY: value of the first "- KEY: value" line, backticks removed.
key() {
	sed -n "s/^- $2: //p" "$1" | head -1 | tr -d '`'
}

# section FILE TITLE: the lines of "## TITLE" up to the next header.
section() {
	awk -v t="## $2" '$0 == t { on = 1; next } /^#/ { on = 0 } on' "$1"
}

# Accounting (a bed started with TESTBED_ARGS=--accounting).

SACCT_FIELDS=JobID,Elapsed,Timelimit,TotalCPU,AllocCPUS,NNodes,MaxRSS,ReqMem,State

# sacct_fields ID: the job's and its steps' lines of $SACCT_FIELDS
# (slurmctld hands the record to slurmdbd asynchronously: wait until the
# job line has ended and the batch step's MaxRSS, which slurmdbd gets with
# the step's end, is there).  sacct prints a size in the largest unit it
# divides exactly ("2M" for 2048K, "0" for nothing sampled), so any number
# with or without a unit will do.
sacct_fields() {
	local i out
	for i in $(seq 1 60); do
		out=$(timeout 20 sacct -n -P -j "$1" -o "$SACCT_FIELDS")
		printf '%s\n' "$out" | grep -q "^$1|.*|COMPLETED$" &&
			printf '%s\n' "$out" | grep -qE "^$1\.batch(\|[^|]*){5}\|[0-9.]+[KMGTP]?\|" &&
			{ printf '%s\n' "$out"; return 0; }
		sleep 1
	done
	diag "sacct has no final record of job $1: $out" >&2	# we run inside $(...)
	return 1
}

# secs DURATION: sacct's [D-]HH:MM:SS[.mmm] or MM:SS.mmm as seconds.
secs() {
	awk -v t="$1" 'BEGIN {
		d = 0
		if (index(t, "-")) { d = substr(t, 1, index(t, "-") - 1); t = substr(t, index(t, "-") + 1) }
		n = split(t, p, ":")
		s = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : (n == 2) ? p[1] * 60 + p[2] : p[1]
		printf "%.3f\n", d * 86400 + s }'
}

# kib SIZE: sacct's size ("1234K", "1000M", "1G", "1000Mn") in KiB.
kib() {
	awk -v s="$1" 'BEGIN {
		sub(/[nc]$/, "", s); u = substr(s, length(s)); v = s + 0
		m = (u == "K") ? 1 : (u == "M") ? 1024 : (u == "G") ? 1048576 : (u == "T") ? 1073741824 : 1 / 1024
		printf "%.0f\n", v * m }'
}
