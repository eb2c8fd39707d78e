#!/bin/bash
# plugin-overhead.sh - what exp_log.so costs a job step (DESIGN §8: "srun
# true" with the plugin <= 1.05x without, on the same test bed).
#
#   bench/plugin-overhead.sh [BUILD_DIR]     (as root; default: ./build)
#
# Starts the throwaway cluster twice (contrib/testbed/exp-log-testbed):
# once with an empty plugstack.conf, once with exp_log.so.  In each it
# times RUNS (default 21) runs of "srun -N1 true", and with the plugin
# also "srun -N1 --exp-log true" (a run log written and closed by the
# epilog), and prints medians and ratios against the plugin-less bed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
plugin=$build/spank/.libs/exp_log.so
runs=${RUNS:-21}
[ -r "$plugin" ] || { echo "plugin-overhead.sh: build first ($plugin)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "plugin-overhead.sh: run as root (it starts a cluster)" >&2; exit 2; }

# median_of CMD...: median wall time in ms of RUNS runs (after 2 warm-ups)
cat >/tmp/exl-bench-median.sh <<'M'
#!/bin/bash
runs=$1; shift
for i in 1 2; do "$@" >/dev/null 2>&1; done
for i in $(seq 1 "$runs"); do
	s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
	echo $(( (e - s) / 1000 ))
done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f\n", a[int((NR + 1) / 2)] / 1000 }'
M
chmod +x /tmp/exl-bench-median.sh
work=$(mktemp -d /tmp/exl-bench-overhead.XXXXXX)
chmod 1777 "$work"
trap 'rm -rf "$work" /tmp/exl-bench-median.sh' EXIT

without=$("$src/contrib/testbed/exp-log-testbed" run -- bash -c \
	"cd $work && /tmp/exl-bench-median.sh $runs srun -N1 true")
read -r with withlog < <("$src/contrib/testbed/exp-log-testbed" run --plugin "$plugin" -- bash -c \
	"cd $work && echo \$(/tmp/exl-bench-median.sh $runs srun -N1 true) \$(/tmp/exl-bench-median.sh $runs srun -N1 --exp-log=$work/logs true)")
echo "srun -N1 true, median of $runs (ms):"
echo "  without the plugin:            $without"
echo "  with the plugin loaded:        $with   ratio $(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.3f", a / b }')x (goal <= 1.05x)"
echo "  with --exp-log (run log made): $withlog   ratio $(awk -v a="$withlog" -v b="$without" 'BEGIN { printf "%.3f", a / b }')x"
