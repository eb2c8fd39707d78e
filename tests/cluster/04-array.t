#!/bin/bash
# A 20-task job array: 20 run logs, a timeline with exactly 20 entries,
# written concurrently under the group lock.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs
N=${EXP_LOG_ARRAY_TASKS:-20}

id=$(submit --exp-log --exp-group=sweep --exp-mode=experiment \
	--exp-task=lr -a 1-$N --wrap="sleep 1")
ok $([ -n "$id" ]; echo $?) "array submitted ($id)"
for i in $(seq 1 240); do
	n=$(grep -l '^- scheduler_state: COMPLETED$' "$R"/sweep/*.md 2>/dev/null | wc -l)
	[ "$n" -ge "$N" ] && break
	sleep 0.5
done
is "$(ls "$R"/sweep/*_lr_*.md 2>/dev/null | wc -l)" "$N" "$N run logs"
is "$n" "$N" "$N run logs closed COMPLETED"
tl=$R/sweep/timeline.md
is "$(head -1 "$tl")" "# Sweep Timeline" "timeline title"
is "$(grep -c '^[0-9]*\. `' "$tl")" "$N" "timeline has exactly $N entries"
is "$(grep -o '^[0-9]*' "$tl" | sort -n | tr '\n' ' ')" "$(seq 1 $N | tr '\n' ' ')" "numbered 1..$N once each"
for t in $(seq 1 $N); do
	grep -q "_lr_$t.md\`" "$tl" || { ok 1 "task $t in timeline"; continue; }
done
ok 0 "every task listed"
is "$(grep -h '^- array_task:' "$R"/sweep/*.md | sort -u | wc -l)" "$N" "each log names its array task"
bad=0
for f in "$R"/sweep/*.md; do
	case $(basename "$f") in timeline.md|experiments.md) continue ;; esac
	tail -c1 "$f" | od -c | grep -q '\\n' || bad=1
	grep -q '^## Next$' "$f" || bad=1
done
is "$bad" 0 "no torn or truncated run log"
is "$(grep -c '^| \[' "$R/sweep/experiments.md")" "$N" "experiments.md has one row per task"
done_testing
