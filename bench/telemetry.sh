#!/bin/sh
# telemetry.sh - the telemetry sampler's cost against runs without it
# (issue 5; DESIGN §8: <= 0.2% of one core at a 10 s interval).
#
#   bench/telemetry.sh [BUILD_DIR]        (default: ./ , a configured tree)
#
# Environment: DURATION (s per direct run, default 60), DIRECT_RUNS
# (default 1), SCALED_RUNS (default 3), CC (default cc).  Takes about
# 2 * DURATION * DIRECT_RUNS + 25 * SCALED_RUNS + 5 seconds.
#
# The sampler reads a synthetic job's /proc tree, this machine's hwloc
# topology and the test suite's fake NVML with 8 GPUs (so the GPU code
# path runs; a real NVML call costs more than the fake's).  See
# bench/telemetry_bench.c for what each figure means.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-.}" && pwd)
[ -f "$build/config.status" ] ||
	{ echo "telemetry.sh: $build is not a configured build tree" >&2; exit 2; }

make -s -C "$build/lib" >/dev/null
make -s -C "$build/tests/fake_nvml" check >/dev/null
fake="$build/tests/fake_nvml/.libs/fake_nvml.so"
[ -f "$fake" ] || { echo "telemetry.sh: no $fake" >&2; exit 2; }

tmp=$(mktemp -d /tmp/exl-telemetry-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# The driver links the library's convenience archive directly.
${CC:-cc} -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$build" -I"$src/lib" \
	$(pkg-config --cflags json-c hwloc) \
	-o "$tmp/telemetry_bench" "$src/bench/telemetry_bench.c" \
	"$build/lib/.libs/libexplog.a" \
	$(pkg-config --libs json-c hwloc) -lpthread -ldl

# 8 GPUs, each with a different scripted load.
{
	echo "gpus 8"
	for i in 0 1 2 3 4 5 6 7; do
		echo "name $i NVIDIA H100 80GB HBM3"
		echo "util $i $((50 + i)),$((60 + i)),$((90 + i)),$((70 + i))"
		echo "mem_used $i 40000000000,60000000000,70000000000"
		echo "power $i 350000,500000,650000"
		echo "temp $i 60,70"
		echo "sm $i 1980"
	done
} >"$tmp/nvml.script"
export FAKE_NVML_SCRIPT="$tmp/nvml.script"
mkdir "$tmp/state"

echo "telemetry bench on $(uname -n): $(nproc) CPUs, $(uname -r)"
"$tmp/telemetry_bench" "$tmp/state" "$fake" "" "${DURATION:-60}" \
	"${DIRECT_RUNS:-1}" "${SCALED_RUNS:-3}"
