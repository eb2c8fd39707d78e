# array-run.sh - sourced inside the test bed by job-array.sh and
# job-cpu.sh: submit a job array of `true` as the test bed's user and
# wait until it is done.  Needs $user (the test bed's user) and $work (a
# directory of theirs, where the jobs are submitted from).

# array_count DIR: entries (files, any depth, no temporaries) of an index
array_count() { find "$1" -type f ! -name '.*' 2>/dev/null | wc -l; }

# array_queued N [OPTION]: submit an N-task array (with the sbatch
# OPTION, e.g. --exp-log=ROOT, when given) and wait until every task has
# left the queue.  Sets array_end, the deadline (ARRAY_TIMEOUT seconds
# from now, 900) that the caller's own waiting keeps too.  0, or 1 with
# why on stderr.
array_queued() {
	local n=$1 opt=${2:-} id
	array_end=$(( $(date +%s) + ${ARRAY_TIMEOUT:-900} ))
	id=$(su "$user" -s /bin/sh -c "cd '$work' && sbatch --parsable \
		--array=1-$n $opt -o /dev/null --wrap=true") || return 1
	id=${id%%;*}
	while [ -n "$(squeue -h -j "$id" -o %i 2>/dev/null | head -1)" ]; do
		[ "$(date +%s)" -lt "$array_end" ] || { echo "array $id: still queued" >&2; return 1; }
		sleep 0.2
	done
}

# array_done N [ROOT]: array_queued with --exp-log=ROOT when given, and
# then, with ROOT, until every run log is closed (none left in the open
# index, N in the ended one).  0, or 1 with why on stderr.
array_done() {
	local n=$1 root=${2:-}
	array_queued "$n" "${root:+--exp-log=$root}" || return 1
	[ -n "$root" ] || return 0
	until [ "$(array_count "$root/.exp-log/index/open")" = 0 ] &&
	      [ "$(array_count "$root/.exp-log/index/ended")" -ge "$n" ]; do
		[ "$(date +%s)" -lt "$array_end" ] || { echo "$root: run logs still open" >&2; return 1; }
		sleep 0.2
	done
}
