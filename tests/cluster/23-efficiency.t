#!/bin/bash
# The Efficiency block (issue 17): on a bed with real accounting, a
# CPU-bound job and a memory-hungry job with --mem end; the first
# `runlog status --sacct` that finds their figures in accounting writes
# each run log's "## Efficiency" block, once.  Each figure is computed
# here independently from sacct's fields of the same job, as seff
# defines it, and the run log must agree (to its one decimal).
. "$(dirname "$0")/lib.sh"

TESTBED_ARGS=--accounting
testbed_up
R=$WORK/run_logs
RUNLOG=$top_builddir/runlog/runlog
[ -x "$RUNLOG" ] || bail "$RUNLOG not built (run make)"
rl() { as_user "$RUNLOG" "$@"; }

cpu=$(submit --exp-log --exp-group=eff --exp-task=cpu --exp-mode=experiment \
	-n1 -c2 -t 10 --wrap \
	'for i in 1 2; do timeout 4 sh -c "while :; do :; done" & done; wait')
mem=$(submit --exp-log --exp-group=eff --exp-task=mem --exp-mode=experiment \
	-n1 --mem=1G -t 5 --wrap 'srun python3 -c "
import time
a = bytearray(300 * 1024 * 1024)
for i in range(0, len(a), 4096):
    a[i] = 1
time.sleep(2)
"')
fc=$(wait_final "$R" "$cpu" 90)
ok $? "CPU-bound job closed by the epilog"
fm=$(wait_final "$R" "$mem" 90)
ok $? "memory-hungry job closed by the epilog"
oc=$(sacct_fields "$cpu")
ok $? "sacct has the CPU-bound job's final record"
om=$(sacct_fields "$mem")
ok $? "sacct has the memory-hungry job's final record"

rl status --sacct "$R" >/dev/null
ok $? "runlog status --sacct"

# pct FILE KEY: the percentage a bullet of the Efficiency block starts with.
pct() {
	section "$1" Efficiency | sed -n "s/^- $2: \([0-9.]*\)%.*/\1/p"
}

# agree GOT WANT NAME: equal within the block's rounding (0.05 points).
agree() {
	ok "$(awk -v g="$1" -v w="$2" 'BEGIN {
		d = g - w; if (d < 0) d = -d; print (g != "" && d <= 0.051) ? 0 : 1 }')" \
		"$3: run log $1%, sacct $2%"
}

# figures OUT ID: "cpu mem time" in percent from sacct's lines, as seff
# computes them (mem: the worst step's MaxRSS over ReqMem for the job).
figures() {
	local job el tl tc ac nn req st worst=0 k id rss
	job=$(printf '%s\n' "$1" | grep "^$2|")
	IFS='|' read -r _ el tl tc ac nn _ req st <<<"$job"
	while IFS='|' read -r id _ _ _ _ _ rss _ _; do
		case $id in "$2".*) ;; *) continue ;; esac
		[ -n "$rss" ] || continue
		k=$(kib "$rss")
		[ "$k" -gt "$worst" ] && worst=$k
	done <<<"$1"
	case $req in
	*n) req=$(( $(kib "$req") * nn )) ;;
	*c) req=$(( $(kib "$req") * ac )) ;;
	*) req=$(kib "$req") ;;
	esac
	awk -v c="$(secs "$tc")" -v a="$ac" -v e="$(secs "$el")" \
		-v l="$(secs "$tl")" -v w="$worst" -v r="$req" 'BEGIN {
		printf "%.4f %.4f %.4f\n", 100 * c / (a * e), 100 * w / r, 100 * e / l }'
}

read -r wc wm wt <<<"$(figures "$oc" "$cpu")"
diag "CPU-bound job from sacct: cpu $wc% mem $wm% time $wt%"
section "$fc" Efficiency | sed 's/^/#   /'
agree "$(pct "$fc" cpu_efficiency)" "$wc" "CPU-bound job: CPU efficiency"
agree "$(pct "$fc" time_efficiency)" "$wt" "CPU-bound job: time-limit efficiency"
section "$fc" Efficiency | grep -q "^- memory_efficiency: "
ok $? "CPU-bound job: a memory efficiency line (the partition's default request)"

read -r wc wm wt <<<"$(figures "$om" "$mem")"
diag "memory-hungry job from sacct: cpu $wc% mem $wm% time $wt%"
section "$fm" Efficiency | sed 's/^/#   /'
agree "$(pct "$fm" cpu_efficiency)" "$wc" "memory-hungry job: CPU efficiency"
agree "$(pct "$fm" memory_efficiency)" "$wm" "memory-hungry job: memory efficiency"
agree "$(pct "$fm" time_efficiency)" "$wt" "memory-hungry job: time-limit efficiency"
section "$fm" Efficiency | grep -q '^- advice: .*time limit 0:05:00, ran .*: ask for --time='
ok $? "advice for a time limit far beyond the run"
section "$fm" Efficiency | grep -q "^- source: accounting (sacct -j $mem)$"
ok $? "the block names its source"

rl status --sacct "$R" >/dev/null
is "$(grep -c '^## Efficiency$' "$fm")" 1 "a second status call writes no second block"
is "$(tail -n 1 "$fm" | cut -c1-10)" "- source: " "the block ends the run log"

# unasked: the first plain `runlog status` after accounting has an ended
# job writes its block (eff_auto.h), once, and says nothing about it
plain=$(submit --exp-log --exp-group=auto --exp-task=plain --exp-mode=experiment \
	-n1 -t 5 --wrap 'sleep 1')
fp=$(wait_final "$R" "$plain" 90)
ok $? "a third job closed by the epilog"
sacct_fields "$plain" >/dev/null
ok $? "sacct has its final record"
grep -q '^## Efficiency$' "$fp"
ok $((! $?)) "no block before runlog status (the epilog is too early)"
rl status "$R" >"$WORK/plain.out" 2>"$WORK/plain.err"
ok $? "plain runlog status"
is "$(grep -c '^## Efficiency$' "$fp")" 1 "it wrote the block, without --sacct"
section "$fp" Efficiency | grep -q "^- source: accounting (sacct -j $plain)$"
ok $? "from accounting"
is "$(cat "$WORK/plain.err")" "" "and said nothing on stderr"
grep -q "^auto/.*_plain.md .*COMPLETED" "$WORK/plain.out"
ok $? "the table was printed as always"
before=$(stat -c %Y.%s "$fp")
rl status "$R" >/dev/null 2>&1
is "$(stat -c %Y.%s "$fp")" "$before" "the next call leaves the log alone"
is "$(grep -c '^## Efficiency$' "$fp")" 1 "still one block"

done_testing
