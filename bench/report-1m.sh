#!/bin/bash
# report-1m.sh - `runlog report` of a run with 1,000,000 logged steps
# (metrics.jsonl: step, loss, val_loss every 1000 steps, lr) and a day of
# 10 s telemetry on two nodes with 4 GPUs each.  Goal (DESIGN.md §8): the
# page renders in under a second and stays under 2 MiB.  No test bed
# needed:
#
#   bench/report-1m.sh [BUILDDIR]        (default: ./build)
#
# STEPS (default 1000000) and REPEAT (default 5) can be set in the
# environment.  Prints each timing, the median, the page size and
# whether the goals are met (exit 1 when not).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bdir=$(cd "${1:-$src/build}" && pwd)
runlog=$bdir/runlog/runlog
[ -x "$runlog" ] || { echo "report-1m: $runlog not built" >&2; exit 2; }
steps=${STEPS:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/report-1m.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/run_logs
log=$root/bench/2026-03-11_million.md
sd=$root/.exp-log/runs/bench/2026-03-11_million
mkdir -p "$(dirname "$log")" "$sd/telemetry"
cat >"$log" <<'LOG'
# million — a run with a million logged steps

## Mode
- run_type: experiment

## Job
- execution_id: 1
- start: `2026-03-11T00:00:00+00:00`
- end: `2026-03-12T00:00:00+00:00`

## Status
- 2026-03-11 00:00 — started: job 1 on n1,n2 (2 nodes)
- 2026-03-11 12:00 — running, step 500000, train_loss 0.01
- 2026-03-11 18:00 — stalled: no progress for 30 min

## Results
- scheduler_state: COMPLETED
LOG
awk -v n="$steps" 'BEGIN { srand(1); for (i = 1; i <= n; i++) {
	printf "{\"step\": %d, \"loss\": %.6g, \"lr\": %.6g", i,
		5 * exp(-i / (n / 8)) + 0.01 * rand(), 3e-4 * (1 - i / n)
	if (i % 1000 == 0)
		printf ", \"val_loss\": %.6g", 5.5 * exp(-i / (n / 8)) + 0.02
	print "}" } }' >"$sd/metrics.jsonl"
for node in n1 n2; do
	awk -v t0=1773187200 'BEGIN {
		print "{\"type\":\"start\",\"alloc\":{\"cpus\":\"0-15\",\"mem_mb\":65536}}"
		for (i = 0; i < 8640; i++) {
			printf "{\"type\":\"sample\",\"t\":%d,\"cpu_pct\":%d,\"rss_mib\":%d,\"gpus\":[", t0 + 10 * i, 800 + i % 300, 20000 + i % 500
			for (g = 0; g < 4; g++)
				printf "%s{\"index\":%d,\"util\":%d,\"mem_used_mib\":%d,\"mem_total_mib\":81920,\"power_w\":%d}", g ? "," : "", g, 60 + (i + g) % 40, 60000 + i % 1000, 300 + i % 100
			print "]}" } }' >"$sd/telemetry/$node.jsonl"
done
echo "report-1m: $(wc -l <"$sd/metrics.jsonl") metrics lines ($(du -m "$sd/metrics.jsonl" | cut -f1) MiB), 2 x 8640 telemetry samples"

times=()
for i in $(seq 1 "${REPEAT:-5}"); do
	s=$(date +%s.%N)
	"$runlog" --root "$root" report million --out "$work/million.html"
	e=$(date +%s.%N)
	t=$(echo "$e - $s" | bc)
	times+=("$t")
	echo "run $i: ${t}s"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
size=$(stat -c %s "$work/million.html")
echo "median: ${median}s (goal < 1 s)"
echo "page: $size bytes = $(echo "scale=2; $size / 1048576" | bc) MiB (goal < 2 MiB)"
echo "plots: $(grep -o '<svg' "$work/million.html" | wc -l), points drawn: $(grep -o 'points drawn: [0-9]*' "$work/million.html" | awk '{ s += $3 } END { print s }')"
fail=0
[ "$(echo "$median < 1" | bc)" = 1 ] || { echo "FAIL: median >= 1 s"; fail=1; }
[ "$size" -lt 2097152 ] || { echo "FAIL: page >= 2 MiB"; fail=1; }
[ $fail = 0 ] && echo "report-1m: goals met"
exit $fail
