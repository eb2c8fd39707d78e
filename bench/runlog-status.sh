#!/bin/bash
# runlog-status.sh - `runlog status` over a root of 10,000 run logs and
# one scheduler query, against a bare `squeue` on the same test bed, in
# the same run (issue 20: default view <= 1.25x squeue, --all <= 1.5x a
# stat-only find).  The default view reads the
# run index (open runs and those that ended in the last 24 h); --all,
# which reads every run log, is timed beside it.  Needs root (it starts the test
# bed) and a built tree:
#
#   bench/runlog-status.sh [BUILDDIR]        (default: ./build)
#
# RUNS (default 10000; whatever RUNS, 100 are open and 100 ended an hour
# ago, so the default view has the same work at every size: it must stay
# flat), REPEAT (default 11: default view and squeue, interleaved),
# REPEAT_ALL (default 11: --all, find, and --all with no scheduler
# query, SLURM_CONF pointing at nothing, to show the query's share) and
# JOBS (default 4 real jobs) can be set in the environment; ACCOUNTING=1 starts the bed with real
# accounting (slurmdbd + MariaDB), so the open synthetic runs slurmctld
# never knew are looked up in accounting: the first call asks sacct once
# (timed apart, "accounting asked"), later calls within 15 minutes
# remember that accounting did not know them.  Prints the machine, each
# timing, the medians, the ratios and the phases of one call of each
# view (EXP_LOG_TIMING=1: wall and CPU ms since main).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = --inner ]; then
	shift
	bdir=$1
	runlog=$bdir/runlog/runlog
	work=$EXP_LOG_TESTBED_DIR/work/bench
	root=$work/run_logs
	mkdir -p "$work"
	chown "$EXP_LOG_TESTBED_USER:" "$work"

	# a few real jobs, so the query has something to return
	for i in $(seq 1 "${JOBS:-4}"); do
		(cd "$work" && runuser -u "$EXP_LOG_TESTBED_USER" -- env SLURM_CONF="$SLURM_CONF" \
			sbatch --exp-log --exp-group=real --exp-task=sleep$i -t 30 -o /dev/null \
			--wrap="sleep 600" >/dev/null)
	done
	for i in $(seq 1 120); do
		[ "$(squeue -h -t R | wc -l)" -ge "${JOBS:-4}" ] && break
		sleep 0.5
	done

	# synthetic run logs as the plugin writes them
	now=$(date +%s)
	awk -v root="$root" -v n="${RUNS:-10000}" -v now="$now" \
		-v recent="$(date -u -d @$((now - 3600)) +%FT%T+00:00)" \
		-v recent_day="$(date -u -d @$((now - 3600)) +%F)" \
		-v old="$(date -u -d @$((now - 3 * 86400)) +%FT%T+00:00)" \
		-v old_day="$(date -u -d @$((now - 3 * 86400)) +%F)" \
		-v old_epoch=$((now - 3 * 86400)) -f "$src/bench/gen-runlogs.awk"
	chown -R "$EXP_LOG_TESTBED_USER:" "$root"
	nlogs=$(find "$root" -name '*_train_*.md' | wc -l)
	bytes=$(find "$root" -name '*_train_*.md' -printf '%s\n' | awk '{ s += $1 } END { print s }')

	# ms CMD...: wall milliseconds of CMD, output discarded
	ms() {
		# bash's own clock: a `date` per reading would add two
		# forks (several ms here) to both sides and flatten the ratio
		local t0 t1
		t0=${EPOCHREALTIME//[!0-9]/}
		"$@" >/dev/null 2>&1
		t1=${EPOCHREALTIME//[!0-9]/}
		printf '%d.%d\n' $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000 / 100))
	}
	median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
	# warm the page cache and libslurm's plugins once; the summary cache
	# leaves out a log changed in the last second (its next change may
	# keep the mtime), so the logs just written wait that second first
	squeue >/dev/null
	sleep 2
	"$runlog" status --all "$root" >/dev/null 2>&1
	acct_ms=
	if [ "${EXP_LOG_TESTBED_ACCOUNTING:-0}" = 1 ]; then
		# what the first default view after a forgetful controller
		# costs: one sacct for every open run slurmctld does not list
		# (the warm-up above asked already: forget its answer)
		rm -f "$root/.exp-log/cache/acct-unknown"
		acct_ms=$(ms "$runlog" status "$root")
		"$runlog" status "$root" 2>&1 >/dev/null | sed 's/^/stderr: /' | head -3
	fi
	rows=$("$runlog" status --json "$root" 2>/dev/null | grep -c '"run":')
	allrows=$("$runlog" status --all --json "$root" 2>/dev/null | grep -c '"run":')
	sq="" rl="" ra="" fs="" rn=""
	for i in $(seq 1 "${REPEAT:-11}"); do
		sq="$sq $(ms squeue)"
		rl="$rl $(ms "$runlog" status "$root")"
	done
	for i in $(seq 1 "${REPEAT_ALL:-11}"); do
		ra="$ra $(ms "$runlog" status --all "$root")"
		# the floor of any check that a run log changed: one stat each
		fs="$fs $(ms find "$root" -path '*/.exp-log' -prune -o -name '*.md' -printf '%T@ %s\n')"
		# where the scheduler's share shows: the same view with no
		# slurm.conf to read, so no query at all (states from the logs)
		rn="$rn $(SLURM_CONF=/nonexistent ms "$runlog" status --all "$root")"
	done
	msq=$(echo $sq | median)
	mrl=$(echo $rl | median)
	mra=$(echo $ra | median)
	mfs=$(echo $fs | median)
	mrn=$(echo $rn | median)
	echo "run logs:        $nlogs ($((bytes / 1024)) KiB) in 100 groups, ${JOBS:-4} real jobs"
	echo "rows:            $rows in the default view (open + ended in 24 h, from the run index), $allrows with --all"
	echo "machine:         $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "accounting:      $([ "${EXP_LOG_TESTBED_ACCOUNTING:-0}" = 1 ] && echo "slurmdbd + MariaDB" || echo none)"
	[ -z "$acct_ms" ] || echo "runlog status, accounting asked (ms): $acct_ms (the first call; later ones remember)"
	echo "squeue (ms):    $sq   median $msq"
	echo "runlog status (ms):$rl   median $mrl"
	echo "runlog status --all (ms):$ra   median $mra"
	echo "find -printf, a stat per run log (ms):$fs   median $mfs"
	echo "runlog status --all, no scheduler query (ms):$rn   median $mrn"
	n=${RUNS:-10000}
	# ratio A B: A / B to 3 places, 0 without a B
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
	r=$(ratio "$mrl" "$msq")
	ra=$(ratio "$mra" "$mfs")
	v1=$(awk -v r="$r" 'BEGIN { print ((r <= 1.25) ? "ok" : "FAIL") }')
	v2=$(awk -v r="$ra" 'BEGIN { print ((r <= 1.5) ? "ok" : "FAIL") }')
	echo "ratio runlog status / squeue: ${r}x (goal <= 1.25x): $v1"
	echo "ratio runlog status --all / squeue: $(awk -v a="$mra" -v b="$msq" 'BEGIN { printf "%.2f", a / b }')x (reads every run log)"
	echo "ratio runlog status --all / find (stat only): ${ra}x (goal <= 1.5x, summary cache warm): $v2"
	rq=$(ratio "$mrn" "$mfs")
	echo "ratio runlog status --all without the scheduler query / find: ${rq}x (the query's share is the rest)"
	# where the time goes (one call each)
	for view in "" --all; do
		echo "phases of runlog status $view (ms since main, wall/cpu):" \
			$(EXP_LOG_TIMING=1 "$runlog" status $view "$root" 2>&1 >/dev/null |
			  sed -n 's/^runlog timing: *\([^ ]*\) *\([0-9.]*\) ms (cpu \([0-9.]*\) ms)/\1=\2\/\3/p')
	done
	if [ -n "${BENCH_OUT:-}" ]; then
		# figures with accounting are named apart (issue 17)
		a=$([ "${EXP_LOG_TESTBED_ACCOUNTING:-0}" = 1 ] && echo acct. || true)
		{
			echo "runlog.${a}status_ms.$n $mrl - -"
			echo "runlog.${a}status_all_ms.$n $mra - -"
			echo "runlog.${a}squeue_ms.$n $msq - -"
			echo "runlog.${a}find_ms.$n $mfs - -"
			echo "runlog.${a}status_vs_squeue.$n $r <=1.25 $v1"
			echo "runlog.${a}all_vs_find.$n $ra <=1.5 $v2"
			echo "runlog.${a}all_noquery_vs_find.$n $rq - -"
		} >>"$BENCH_OUT"
	fi
	if [ "$v1" = FAIL ] || [ "$v2" = FAIL ]; then
		echo "FAIL: runlog status goal missed at $n run logs"
		exit 1
	fi
	exit 0
fi

bdir=$(cd "${1:-$src/build}" && pwd)
[ -x "$bdir/runlog/runlog" ] || { echo "runlog-status.sh: build first ($bdir/runlog/runlog)" >&2; exit 1; }
exec "$src/contrib/testbed/exp-log-testbed" run --plugin "$bdir/spank/.libs/exp_log.so" \
	$([ "${ACCOUNTING:-0}" = 1 ] && echo --accounting) -- \
	"$0" --inner "$bdir"
