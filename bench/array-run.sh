# array-run.sh - sourced inside the test bed by job-array.sh and
# job-cpu.sh: submit a job array of `true` as the test bed's user and
# wait until it is done.  Needs $user (the test bed's user) and $work (a
# directory of theirs, where the jobs are submitted from).

# array_count DIR: entries (files, any depth, no temporaries) of an index
array_count() { find "$1" -type f ! -name '.*' 2>/dev/null | wc -l; }

# array_done N [ROOT]: submit an N-task array (with --exp-log=ROOT when
# given), wait until every task has left the queue and, with ROOT, every
# run log is closed (none left in the open index, N in the ended one).
# Gives up after ARRAY_TIMEOUT seconds (900).  0, or 1 with why on
# stderr.
array_done() {
	local n=$1 root=${2:-} id end
	end=$(( $(date +%s) + ${ARRAY_TIMEOUT:-900} ))
	id=$(su "$user" -s /bin/sh -c "cd '$work' && sbatch --parsable \
		--array=1-$n ${root:+--exp-log=$root} -o /dev/null --wrap=true") ||
		return 1
	id=${id%%;*}
	while [ -n "$(squeue -h -j "$id" -o %i 2>/dev/null | head -1)" ]; do
		[ "$(date +%s)" -lt "$end" ] || { echo "array $id: still queued" >&2; return 1; }
		sleep 0.2
	done
	[ -n "$root" ] || return 0
	until [ "$(array_count "$root/.exp-log/index/open")" = 0 ] &&
	      [ "$(array_count "$root/.exp-log/index/ended")" -ge "$n" ]; do
		[ "$(date +%s)" -lt "$end" ] || { echo "array $id: run logs still open" >&2; return 1; }
		sleep 0.2
	done
}
