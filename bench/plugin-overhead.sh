#!/bin/bash
# plugin-overhead.sh - what exp_log.so costs a job step (DESIGN §8: "srun
# true" with the plugin <= 1.05x without, on the same test bed).
#
#   bench/plugin-overhead.sh [BUILD_DIR]     (as root; default: ./build)
#
# Starts the throwaway cluster (contrib/testbed/exp-log-testbed) once and
# alternates, RUNS times (default 31), three ways of running
# "srun -N1 true": with an empty plugstack.conf, with exp_log.so in it,
# and with exp_log.so and --exp-log (a run log written and closed by the
# epilog).  plugstack.conf is read by every srun and step, so switching
# it between runs compares them on the same daemons, interleaved so that
# drift in the machine's load hits all three alike.  Prints medians (ms)
# and ratios against the plugin-less runs.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
plugin=$build/spank/.libs/exp_log.so
runs=${RUNS:-31}
[ -r "$plugin" ] || { echo "plugin-overhead.sh: build first ($plugin)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "plugin-overhead.sh: run as root (it starts a cluster)" >&2; exit 2; }

inner=$(mktemp /tmp/exl-bench-inner.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'I'
#!/bin/bash
# inside the test bed: alternate the three ways, print three medians
set -u
plugin=$1 runs=$2
ps=$EXP_LOG_TESTBED_DIR/plugstack.conf
work=$EXP_LOG_TESTBED_DIR/work/bench
mkdir -p "$work" && cd "$work"
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'; }
for i in 1 2 3; do srun -N1 true >/dev/null 2>&1; done	# warm up
: >"$work/a"; : >"$work/b"; : >"$work/c"
for i in $(seq 1 "$runs"); do
	: >"$ps"
	ms srun -N1 true >>"$work/a"
	echo "optional $plugin" >"$ps"
	ms srun -N1 true >>"$work/b"
	ms srun -N1 --exp-log="$work/logs" true >>"$work/c"
done
echo "$(median <"$work/a") $(median <"$work/b") $(median <"$work/c")"
I
chmod +x "$inner"
read -r without with withlog < <("$src/contrib/testbed/exp-log-testbed" run \
	--plugin "$plugin" -- "$inner" "$plugin" "$runs")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "srun -N1 true on the 3-node test bed, median of $runs interleaved runs (ms):"
echo "  without the plugin:              $without"
echo "  with exp_log.so loaded:          $with   ratio $(ratio "$with" "$without")x (goal <= 1.05x)"
echo "  with --exp-log (run log, epilog): $withlog   ratio $(ratio "$withlog" "$without")x"
