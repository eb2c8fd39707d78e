#!/bin/sh
# wandb-discovery.sh - finding offline W&B runs: exp-wandb-sync vs find(1).
#
#   bench/wandb-discovery.sh [BUILD_DIR] [RUNS]
#
# Builds RUNS (default 10000) synthetic offline runs in the exp-log layout
# (100 run-log state dirs; each run with its record log, files/, logs/,
# tmp/) using tests/wandb/wandbfile.py, then times, in this one
# invocation and interleaved, five times each after a warm-up:
#   find ROOT -name 'offline-run-*'            the baseline (the goal)
#   find ... -prune                            find told not to enter runs,
#                                              as exp-wandb-sync does
#   exp-wandb-sync list --paths ROOT           the same question
#   exp-wandb-sync list --json ROOT            the full report (reads every
#                                              record log and sizes; shown
#                                              for scale, not compared;
#                                              JSON_RUNS times, default 5:
#                                              bench/all runs it once at
#                                              100k, 33 s less)
# and prints the medians and the ratio to find (goal: <= 1.00).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${1:-$src}
runs=${2:-10000}
prog=$build/wandb-sync/exp-wandb-sync
PY=${PYTHON3:-python3}

[ -x "$prog" ] || { echo "wandb-discovery: build first: no $prog" >&2; exit 3; }
command -v "$PY" >/dev/null || { echo "wandb-discovery: needs python3" >&2; exit 3; }

root=$(mktemp -d "${TMPDIR:-/tmp}/exl-wandb-bench.XXXXXX")
trap 'rm -rf "$root"' EXIT
echo "building $runs synthetic runs in $root ..."
"$PY" "$src/tests/wandb/wandbfile.py" corpus "$root" "$runs"
dirs=$(find "$root" -type d | wc -l | tr -d ' ')

# secs CMD...: wall seconds of one run, output discarded
secs() {
	s=$(date +%s.%N)
	"$@" >/dev/null
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.6f\n", e - s }'
}
median() {
	sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
json_runs=${JSON_RUNS:-5}

found_find=$(find "$root" -name 'offline-run-*' | wc -l | tr -d ' ')
found_ours=$("$prog" list --paths "$root" | wc -l | tr -d ' ')
if [ "$found_find" != "$found_ours" ]; then
	echo "wandb-discovery: find saw $found_find runs, exp-wandb-sync $found_ours" >&2
	exit 1
fi
"$prog" list --json "$root" >/dev/null	# warm the page cache

: >"$root.find"
: >"$root.prune"
: >"$root.paths"
: >"$root.json"
for i in 1 2 3 4 5; do
	secs find "$root" -name 'offline-run-*' >>"$root.find"
	secs find "$root" -name 'offline-run-*' -prune >>"$root.prune"
	secs "$prog" list --paths "$root" >>"$root.paths"
	[ "$i" -gt "$json_runs" ] || secs "$prog" list --json "$root" >>"$root.json"
done
f=$(median <"$root.find")
fp=$(median <"$root.prune")
p=$(median <"$root.paths")
j=$(median <"$root.json")
rm -f "$root.find" "$root.prune" "$root.paths" "$root.json"

printf 'offline W&B discovery: %s runs, %s directories, %s CPUs, median of 5 (--json: of %s)\n' \
	"$runs" "$dirs" "$(nproc)" "$json_runs"
printf '  %-44s %8.3f s\n' "find ROOT -name 'offline-run-*'" "$f"
printf '  %-44s %8.3f s\n' "find ROOT -name 'offline-run-*' -prune" "$fp"
printf '  %-44s %8.3f s   ratio %.2f to find (goal <= 1.00), %.2f to find -prune\n' \
	"exp-wandb-sync list --paths ROOT" "$p" \
	"$(awk -v a="$p" -v b="$f" 'BEGIN { print a / b }')" \
	"$(awk -v a="$p" -v b="$fp" 'BEGIN { print a / b }')"
printf '  %-44s %8.3f s   ratio %.2f (full report, for scale)\n' \
	"exp-wandb-sync list --json ROOT" "$j" "$(awk -v a="$j" -v b="$f" 'BEGIN { print a / b }')"
r=$(awk -v a="$p" -v b="$f" 'BEGIN { printf "%.3f", a / b }')
if [ -n "${BENCH_OUT:-}" ]; then
	echo "wandb.list_s.$runs $p - -" >>"$BENCH_OUT"
	echo "wandb.list_vs_find.$runs $r <=1.00 $(awk -v r="$r" 'BEGIN { print (r <= 1.0) ? "ok" : "FAIL" }')" >>"$BENCH_OUT"
fi
