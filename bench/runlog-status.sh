#!/bin/bash
# runlog-status.sh - `runlog status` over a root of 10,000 run logs and
# one scheduler query, against a bare `squeue` on the same test bed, in
# the same run (DESIGN.md §8: goal <= 2x).  The default view reads the
# run index (open runs and those that ended in the last 24 h); --all,
# which reads every run log, is timed beside it.  Needs root (it starts the test
# bed) and a built tree:
#
#   bench/runlog-status.sh [BUILDDIR]        (default: ./build)
#
# RUNS (default 10000), REPEAT (default 5) and JOBS (default 4 real jobs)
# can be set in the environment; ACCOUNTING=1 starts the bed with real
# accounting (slurmdbd + MariaDB), so the open synthetic runs slurmctld
# never knew are looked up in accounting: the first call asks sacct once
# (timed apart, "accounting asked"), later calls within 15 minutes
# remember that accounting did not know them.  Prints each timing, the
# medians and the ratio.
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
		local t0 t1
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000000))
	}
	median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
	# warm the page cache and libslurm's plugins once
	squeue >/dev/null
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
	sq="" rl="" ra="" fs=""
	for i in $(seq 1 "${REPEAT:-5}"); do
		sq="$sq $(ms squeue)"
		rl="$rl $(ms "$runlog" status "$root")"
		ra="$ra $(ms "$runlog" status --all "$root")"
		# the floor of any check that a run log changed: one stat each
		fs="$fs $(ms find "$root" -path '*/.exp-log' -prune -o -name '*.md' -printf '%T@ %s\n')"
	done
	msq=$(echo $sq | median)
	mrl=$(echo $rl | median)
	mra=$(echo $ra | median)
	mfs=$(echo $fs | median)
	echo "run logs:        $nlogs ($((bytes / 1024)) KiB) in 100 groups, ${JOBS:-4} real jobs"
	echo "rows:            $rows in the default view (open + ended in 24 h, from the run index), $allrows with --all"
	echo "machine:         $(nproc) CPUs"
	echo "accounting:      $([ "${EXP_LOG_TESTBED_ACCOUNTING:-0}" = 1 ] && echo "slurmdbd + MariaDB" || echo none)"
	[ -z "$acct_ms" ] || echo "runlog status, accounting asked (ms): $acct_ms (the first call; later ones remember)"
	echo "squeue (ms):    $sq   median $msq"
	echo "runlog status (ms):$rl   median $mrl"
	echo "runlog status --all (ms):$ra   median $mra"
	echo "find -printf, a stat per run log (ms):$fs   median $mfs"
	awk -v a="$mrl" -v b="$msq" -v x="$mra" -v f="$mfs" 'BEGIN { r = b > 0 ? a / b : 0;
		printf("ratio runlog status / squeue: %.2fx (goal <= 2x): %s\n", r,
		       r <= 2 ? "met" : "NOT met");
		printf("ratio runlog status --all / squeue: %.2fx (reads every run log)\n",
		       b > 0 ? x / b : 0);
		printf("ratio find (stat only) / squeue: %.2fx; runlog status --all / find: %.2fx\n",
		       b > 0 ? f / b : 0, f > 0 ? x / f : 0) }'
	exit 0
fi

bdir=$(cd "${1:-$src/build}" && pwd)
[ -x "$bdir/runlog/runlog" ] || { echo "runlog-status.sh: build first ($bdir/runlog/runlog)" >&2; exit 1; }
exec "$src/contrib/testbed/exp-log-testbed" run --plugin "$bdir/spank/.libs/exp_log.so" \
	$([ "${ACCOUNTING:-0}" = 1 ] && echo --accounting) -- \
	"$0" --inner "$bdir"
