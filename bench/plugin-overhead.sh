#!/bin/bash
# plugin-overhead.sh - what exp_log.so costs a job step (DESIGN §8: "srun
# true" with the plugin <= 1.05x without, on the same test bed).
#
#   bench/plugin-overhead.sh [BUILD_DIR]     (as root; default: ./build)
#
# Starts the throwaway cluster (contrib/testbed/exp-log-testbed) once and
# alternates, RUNS times (default 31), as the test bed's unprivileged
# user (as researchers run it; for root the plugin skips the children
# that drop to the user), four ways of running "srun -N1 true": with an
# empty plugstack.conf, with exp_log.so in it, and with exp_log.so and
# --exp-log (a run log written and closed by the epilog), the last also
# from a submit directory in a git repository (where the git state is
# read); and a fifth, the floor: "srun -N1 --floor-log true" with only
# bench/floor_log.c in plugstack.conf, the least any run log written as
# the user and kept across a crash costs a step (one forked child drops
# to the user and writes and syncs a file before the task runs), so the
# figures show what is exp-log's own and what no such log can avoid on
# the machine.  plugstack.conf is read by every srun and step, so
# switching it between runs compares them on the same daemons,
# interleaved so that drift in the machine's load hits all five alike.
# Prints medians (ms) and ratios against the plugin-less runs.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
plugin=$build/spank/.libs/exp_log.so
runs=${RUNS:-31}
[ -r "$plugin" ] || { echo "plugin-overhead.sh: build first ($plugin)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "plugin-overhead.sh: run as root (it starts a cluster)" >&2; exit 2; }

inner=$(mktemp /tmp/exl-bench-inner.XXXXXX)
floor=$(mktemp -d /tmp/exl-bench-floor.XXXXXX)
trap 'rm -rf "$inner" "$floor"' EXIT
# the floor plugin, built here against the installed Slurm headers
${CC:-cc} -shared -fPIC -O2 -Wall -o "$floor/floor_log.so" "$src/bench/floor_log.c" ||
	{ echo "plugin-overhead.sh: couldn't build bench/floor_log.c" >&2; exit 2; }
chmod 755 "$floor" "$floor/floor_log.so"
cat >"$inner" <<'I'
#!/bin/bash
# inside the test bed, as its unprivileged user (plugstack.conf is
# theirs for the run): alternate the five ways, print five medians
set -u
plugin=$1 runs=$2 floor=$3
ps=$EXP_LOG_TESTBED_DIR/plugstack.conf
work=$EXP_LOG_TESTBED_DIR/work/bench
cd "$work" || exit 1
# a submit directory in a git repository (one commit): git state is read
git -C "$work/repo" init -q . && git -C "$work/repo" -c user.name=b \
	-c user.email=b@example.org commit -q --allow-empty -m one || exit 1
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'; }
for i in 1 2 3; do srun -N1 true >/dev/null 2>&1; done	# warm up
: >"$work/a"; : >"$work/b"; : >"$work/c"; : >"$work/d"; : >"$work/e"
mkdir -p "$work/floor" || exit 1
for i in $(seq 1 "$runs"); do
	: >"$ps"
	ms srun -N1 true >>"$work/a"
	echo "optional $plugin" >"$ps"
	ms srun -N1 true >>"$work/b"
	ms srun -N1 --exp-log="$work/logs" true >>"$work/c"
	(cd "$work/repo" && ms srun -N1 --exp-log="$work/logs" true) >>"$work/d"
	echo "optional $floor root=$work/floor" >"$ps"
	ms srun -N1 --floor-log true >>"$work/e"
done
# the floor must have written a start for each of its runs
[ "$(find "$work/floor" -name '*.md' | wc -l)" -ge "$runs" ] || exit 1
echo "optional $plugin" >"$ps"
# where the --exp-log time goes: a few runs with EXP_LOG_TIMING=1, the
# phases the plugin wrote to the slurmd logs (medians, ms)
for i in 1 2 3 4 5; do
	EXP_LOG_TIMING=1 srun -N1 --exp-log="$work/logs" true >/dev/null 2>&1
done
echo "$(median <"$work/a") $(median <"$work/b") $(median <"$work/c") $(median <"$work/d") $(median <"$work/e")"
I
chmod 755 "$inner"	# the test bed's user runs it
# as root in the test bed: hand the bench's files to its user, run the
# inner loop as that user (as researchers run srun: the plugin then
# works as the user in forked children, which it skips for root), then
# read the phases from the slurmd logs
cat >"$inner.root" <<'R'
#!/bin/bash
set -u
inner=$1 plugin=$2 runs=$3 phases=$4 floor=$5
user=${EXP_LOG_TESTBED_USER:?}
work=$EXP_LOG_TESTBED_DIR/work/bench
mkdir -p "$work/repo" && chown -R "$user" "$work" &&
	chown "$user" "$EXP_LOG_TESTBED_DIR/plugstack.conf" || exit 1
su "$user" -s /bin/bash -c "\"$inner\" \"$plugin\" \"$runs\" \"$floor\"" </dev/null
cat "$EXP_LOG_TESTBED_DIR"/log/slurmd-*.log 2>/dev/null | grep -h 'exp-log: timing:' |
	sed 's/.*exp-log: timing: job [0-9]*\( step [0-9]*\)\?: //' | tr -d '\r' >"$phases"
R
chmod +x "$inner.root"
out=$(mktemp /tmp/exl-bench-out.XXXXXX)
trap 'rm -rf "$inner" "$inner.root" "$out" "$out.phases" "$floor"' EXIT
"$src/contrib/testbed/exp-log-testbed" run --plugin "$plugin" -- \
	"$inner.root" "$inner" "$plugin" "$runs" "$out.phases" "$floor/floor_log.so" \
	>"$out" 2>/dev/null || true
read -r without with withlog inrepo floorlog <"$out"
[ -n "${floorlog:-}" ] ||
	{ echo "plugin-overhead.sh: the test bed run failed" >&2; exit 3; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "srun -N1 true on the 3-node test bed, median of $runs interleaved runs (ms):"
echo "  without the plugin:              $without"
echo "  with exp_log.so loaded:          $with   ratio $(ratio "$with" "$without")x (goal <= 1.05x)"
echo "  with --exp-log (run log, epilog): $withlog   ratio $(ratio "$withlog" "$without")x (goal <= 1.25x)"
echo "  the same in a git repository:     $inrepo   ratio $(ratio "$inrepo" "$without")x (git state read)"
echo "  the floor (--floor-log, bench/floor_log.c): $floorlog   ratio $(ratio "$floorlog" "$without")x (no goal)"
if [ -s "$out.phases" ]; then
	echo "where the --exp-log step start goes (EXP_LOG_TIMING=1, slurmd log, medians of 5, ms):"
	# each line: "name 1.2, other 3.4" (milliseconds)
	tr ',' '\n' <"$out.phases" | sed -n 's/^ *\([a-z_]*\) \([0-9.]*\)$/\1\t\2/p' |
		sort -t"$(printf '\t')" -k1,1 -k2g |
		awk -F'\t' '{ v[$1, ++n[$1]] = $2 } END { for (k in n) printf "  %-28s %8.1f\n", k, v[k, int((n[k] + 1) / 2)] }' | sort
fi
rm -f "$out.phases"
r=$(ratio "$withlog" "$without")
[ -z "${BENCH_OUT:-}" ] || {
	echo "plugin.loaded_vs_none $(ratio "$with" "$without") <=1.05 $(awk -v r="$(ratio "$with" "$without")" 'BEGIN { print (r <= 1.05) ? "ok" : "FAIL" }')"
	echo "plugin.exp_log_vs_none $r <=1.25 $(awk -v r="$r" 'BEGIN { print (r <= 1.25) ? "ok" : "FAIL" }')"
	echo "plugin.floor_vs_none $(ratio "$floorlog" "$without") - -"
	echo "plugin.git_vs_none $(ratio "$inrepo" "$without") - -"
} >>"$BENCH_OUT"
if awk -v r="$r" 'BEGIN { exit !(r > 1.25) }'; then
	echo "FAIL: srun --exp-log true is ${r}x srun true (goal <= 1.25x)"
	exit 1
fi
