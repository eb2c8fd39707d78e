#!/bin/bash
# job-start.sh - how long a batch job's program waits for exp-log at its
# start when the slow facts are big: a submit directory in a git
# repository of 10,000 files with uncommitted changes and a 256 MiB
# dataset hashed (--exp-dataset --exp-hash-data), against a plain
# directory without either (issue 20, goal 3: the slow facts are read
# after the program has started, by the job's monitor).
#
#   bench/job-start.sh [BUILD_DIR]     (as root; default: ./build)
#
# On the 3-node test bed, as its unprivileged user, RUNS times (default
# 9; bench/all: 3) alternately: "sbatch --exp-log --wrap=true" from the plain
# directory and from the repository.  The figure is the batch step's
# user_init (EXP_LOG_TIMING=1, the slurmd log): everything exp-log does
# before the batch script is started.  Every repository run's log must
# end up with its commit and the dataset's sha256 (read late, not lost).
# Prints medians and the ratio (goal <= 1.25x); exit 1 when missed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
plugin=$build/spank/.libs/exp_log.so
runs=${RUNS:-9}
goal=1.25
[ -r "$plugin" ] || { echo "job-start.sh: build first ($plugin)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "job-start.sh: run as root (it starts a cluster)" >&2; exit 2; }

inner=$(mktemp /tmp/exl-bench-start.XXXXXX)
out=$(mktemp /tmp/exl-bench-start-out.XXXXXX)
trap 'rm -f "$inner" "$out"' EXIT
cat >"$inner" <<'I'
#!/bin/bash
# inside the test bed, as root: make the two submit directories as the
# user, submit the jobs as the user, read the timings
set -u
runs=$1
user=${EXP_LOG_TESTBED_USER:?}
work=$EXP_LOG_TESTBED_DIR/work/start
mkdir -p "$work/plain" "$work/repo" && chown -R "$user" "$work" || exit 1
as_user() { su "$user" -s /bin/bash -c "$1" </dev/null; }
# 10,000 files in 100 directories, committed, ten of them changed since
as_user "cd '$work/repo' && git init -q . &&
	for d in \$(seq 1 100); do mkdir -p src/d\$d &&
		for f in \$(seq 1 100); do echo \"\$d \$f\" >src/d\$d/f\$f.py; done
	done && git add -A && git -c user.name=b -c user.email=b@example.org \
	commit -q -m one && for f in \$(seq 1 10); do echo x >>src/d1/f\$f.py; done &&
	head -c 268435456 /dev/zero >data.bin" || exit 1
# sub DIR [OPTION...]: one job, its id once it has left the queue (polled
# every 0.1 s: sbatch --wait polls every few seconds, most of the
# bench's time)
sub() {
	local dir=$1 id i
	shift
	id=$(as_user "cd '$dir' && EXP_LOG_TIMING=1 sbatch --parsable -o /dev/null \
		--exp-log='$work/logs' $* --wrap=true" | cut -d';' -f1) || return 1
	for i in $(seq 1 600); do
		[ -n "$(squeue -h -j "$id" -o %i 2>/dev/null)" ] || { echo "$id"; return 0; }
		sleep 0.1
	done
	echo "job $id: still queued after 60 s" >&2
	return 1
}
: >"$work/ids.plain"; : >"$work/ids.repo"
sub "$work/plain" >/dev/null	# warm up
for i in $(seq 1 "$runs"); do
	sub "$work/plain" >>"$work/ids.plain" || exit 1
	sub "$work/repo" --exp-dataset=data.bin --exp-hash-data >>"$work/ids.repo" ||
		exit 1
done
# the batch step's user_init of each job (ms), from the slurmd logs
init_ms() {
	while read -r id; do
		grep -h "exp-log: timing: job $id step 4294967291: .*user_init" \
			"$EXP_LOG_TESTBED_DIR"/log/slurmd-*.log |
			sed -n 's/.*user_init \([0-9.]*\).*/\1/p' | tail -1
	done <"$1"
}
median() { sort -g | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] }'; }
# the late read made it into every repository run's log (the epilog
# closes it once the monitor is done: wait for that)
missing=0
while read -r id; do
	f= s=
	for t in $(seq 1 60); do
		f=$(sed -n 's/.*"run_log": *"\([^"]*\)".*/\1/p' \
			"$work/logs/.exp-log/jobs/$id.json" 2>/dev/null)
		[ -n "$f" ] && grep -q '^- scheduler_state: ' "$work/logs/$f" && break
		sleep 0.5
	done
	grep -q '^- commit: `[0-9a-f]\{40\}`' "$work/logs/$f" &&
		grep -q '^- dataset: .*sha256' "$work/logs/$f" || missing=$((missing + 1))
done <"$work/ids.repo"
echo "$(init_ms "$work/ids.plain" | median) $(init_ms "$work/ids.repo" | median) $missing" \
	"$(init_ms "$work/ids.plain" | paste -sd,) $(init_ms "$work/ids.repo" | paste -sd,)"
I
chmod 755 "$inner"
"$src/contrib/testbed/exp-log-testbed" run --plugin "$plugin" -- \
	"$inner" "$runs" >"$out" 2>/dev/null || true
read -r plain repo missing plain_all repo_all <<<"$(tail -1 "$out")"
[ -n "${repo_all:-}" ] ||
	{ echo "job-start.sh: the test bed run failed" >&2; exit 3; }
ratio=$(awk -v a="$repo" -v b="$plain" 'BEGIN { printf "%.3f", a / b }')
echo "a batch job's start before its script runs (the batch step's user_init, ms), median of $runs:"
echo "  from a plain directory:                                 $plain   ($plain_all)"
echo "  from a 10,000-file git repository with changes and a"
echo "  256 MiB dataset hashed (--exp-dataset --exp-hash-data):  $repo   ($repo_all)"
echo "  ratio: ${ratio}x (goal <= ${goal}x: the slow facts are read once the program runs)"
echo "  repository runs whose log lacks the commit or the dataset's sha256: $missing"
verdict=$(awk -v r="$ratio" -v g="$goal" -v m="$missing" \
	'BEGIN { print (r <= g && m == 0) ? "ok" : "FAIL" }')
[ -z "${BENCH_OUT:-}" ] || {
	echo "start.slow_facts_vs_plain $ratio <=$goal $verdict"
	echo "start.plain_ms $plain - -"
	echo "start.slow_facts_ms $repo - -"
} >>"$BENCH_OUT"
if [ "$verdict" != ok ]; then
	echo "FAIL: the job's start from the repository is ${ratio}x the plain one (goal <= ${goal}x), $missing logs without the late facts"
	exit 1
fi
