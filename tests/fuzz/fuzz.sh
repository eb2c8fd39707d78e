#!/bin/bash
# fuzz.sh - build the libFuzzer targets of fuzz_targets.c with clang
# (ASan + UBSan) and run each for FUZZ_TIME seconds on its corpus.
#
#   tests/fuzz/fuzz.sh [TARGET...]       (default: every target)
#
# FUZZ_TIME      seconds per target (default 15: the CI tier; `make fuzz`
#                passes 300)
# FUZZ_BUILD     where objects and binaries go (default: build-fuzz)
# FUZZ_CONFIG_H  directory holding the configured exl_build.h (default:
#                build); FUZZ_PROTO_C the generated wandb_record.pb-c.c
#                (default: build/lib/wandb/wandb_record.pb-c.c)
# FUZZ_JOBS      targets fuzzed at a time, and parallel compiles
#                (default 2)
#
# Each target's corpus is seeded from the test fixtures (see seeds below)
# plus regressions/<target> (every input that ever crashed, hung or blew up:
# they run first, each must pass).  New corpus entries go to
# FUZZ_BUILD/corpus/<target>, never into the source tree.  Exits 77 (skip)
# when clang cannot build libFuzzer targets, 1 on a finding.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
time_s=${FUZZ_TIME:-15}
out=${FUZZ_BUILD:-$src/build-fuzz}
cfg=${FUZZ_CONFIG_H:-$src/build}
proto=${FUZZ_PROTO_C:-$src/build/lib/wandb/wandb_record.pb-c.c}
jobs=${FUZZ_JOBS:-2}
all="runlog_doc runlog_summary timeline experiments json yaml_config yaml
wandb passport hostlist sigspec evidence regex config_flat begin_out"
targets=${*:-$all}
CC=${FUZZ_CC:-clang}

mkdir -p "$out/obj" "$out/bin"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$out/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$out/probe.c" -o "$out/probe" 2>/dev/null; then
	echo "fuzz: $CC cannot build libFuzzer targets (-fsanitize=fuzzer): skipped"
	exit 77
fi
[ -f "$cfg/exl_build.h" ] || { echo "fuzz: no exl_build.h in $cfg: run contrib/dev/build first" >&2; exit 1; }
[ -f "$proto" ] || { echo "fuzz: no $proto: run contrib/dev/build first" >&2; exit 1; }

pkgs="json-c libgit2 yaml-0.1 hwloc libprotobuf-c libcrypto zlib libpcre2-8"
# shellcheck disable=SC2086
cflags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
-fno-sanitize-recover=undefined -D_GNU_SOURCE -I$src/lib -I$(dirname "$proto") -I$cfg \
$(pkg-config --cflags $pkgs)"
# shellcheck disable=SC2086
libs="$(pkg-config --libs $pkgs) -lpthread -ldl -lm"

# the library, instrumented for coverage; only what changed is rebuilt
objs=()
for c in "$src"/lib/*/*.c "$proto"; do
	objs+=("$out/obj/$(basename "$c" .c).o")
done
for c in "$src"/lib/*/*.c "$proto"; do
	o=$out/obj/$(basename "$c" .c).o
	if [ ! "$o" -nt "$c" ] || [ "${c%.c}.h" -nt "$o" ]; then
		echo "$c $o"
	fi
done | xargs -r -P "$jobs" -n 2 sh -c \
	"$CC $cflags -fsanitize=fuzzer-no-link -c \"\$0\" -o \"\$1\""
rm -f "$out/libfuzz.a"
ar rcs "$out/libfuzz.a" "${objs[@]}"

# seeds TARGET DIR: the target's seed corpus, from the test fixtures
seeds() {
	local t=$1 d=$2 fx=$src/tests/runlog/corpus i=0 f
	rm -rf "$d"
	mkdir -p "$d"
	case $t in
	runlog_doc|runlog_summary)
		for f in "$fx"/docs/*.md "$fx"/dirs/*/*.md; do
			case $f in */timeline.md|*/experiments.md) continue ;; esac
			i=$((i + 1)); cp "$f" "$d/$i"
		done ;;
	timeline)
		for f in "$fx"/dirs/*/timeline.md; do i=$((i + 1)); cp "$f" "$d/$i"; done ;;
	experiments)
		for f in "$fx"/dirs/*/experiments.md; do i=$((i + 1)); cp "$f" "$d/$i"; done ;;
	yaml_config|yaml)
		for f in "$src"/contrib/examples/*.yaml; do i=$((i + 1)); cp "$f" "$d/$i"; done ;;
	json)
		printf '{"job_id":"4713","run_log":"g1/2026-03-12_a.md","end":1767225600}' >"$d/1"
		printf '{"run_log":"a.md","state_dir":".exp-log/runs/+flat/a","group":null,"jobs":[{"job_id":"1","start":1,"end":2}]}' >"$d/2" ;;
	passport)
		printf '{"schema":"exp-log/passport","schema_version":1,"files":[{"path":"a.bin","size":3,"sha256":"%064d","kind":"file"}]}' 0 >"$d/1" ;;
	hostlist)
		printf 'gpu-a[01-03,7],login1' >"$d/1"; printf 'r[1-2]n[1-3]' >"$d/2" ;;
	sigspec)
		printf 'B:TERM@90' >"$d/1"; printf 'R:USR1@300' >"$d/2" ;;
	evidence)
		printf 'step 1200, loss 0.53, val_loss 0.61, GPU util 97%%' >"$d/1"
		printf '2026-03-11 14:00 — started on n1' >"$d/2" ;;
	config_flat)
		# EXL_CFG_FLAT_MAGIC (little-endian) and zeros: the checks go on
		# from there (the struct is larger than -max_len; the rest is 0)
		printf '1lxe' >"$d/1"
		head -c 65532 /dev/zero >>"$d/1" ;;
	begin_out)
		head -c 65536 /dev/zero >"$d/1" ;;
	regex)
		printf 'step[ =:]+([0-9]+)' >"$d/1"; printf '(CUDA out of memory|NCCL error)' >"$d/2"
		printf '[[:alpha:]_]+=(e{1,3})+' >"$d/3" ;;
	esac
}

# run_target T: build T, replay its regressions, fuzz it for time_s; its
# lines go to $out/T.summary, the status says whether it found anything
run_target() {
	local t=$1 bin=$out/bin/fuzz_$1 dirs
	# shellcheck disable=SC2086
	"$CC" $cflags -fsanitize=fuzzer "-DFUZZ_$t" "$here/fuzz_targets.c" \
		"$out/libfuzz.a" $libs -o "$bin" || return 1
	mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
	seeds "$t" "$out/seeds/$t"
	dirs=("$out/corpus/$t" "$out/seeds/$t")
	[ -d "$here/regressions/$t" ] && dirs+=("$here/regressions/$t")
	if [ -d "$here/regressions/$t" ] && ls "$here/regressions/$t"/* >/dev/null 2>&1; then
		if ! "$bin" -timeout=5 -rss_limit_mb=1024 "$here/regressions/$t"/* \
			>"$out/$t.regress.log" 2>&1; then
			echo "fuzz: $t: a regression input fails again:"
			tail -n 30 "$out/$t.regress.log"
			return 1
		fi
	fi
	if "$bin" -max_total_time="$time_s" -timeout=5 -rss_limit_mb=1024 \
		-max_len=65536 -artifact_prefix="$out/artifacts/$t/" \
		-print_final_stats=1 "${dirs[@]}" >"$out/$t.log" 2>&1; then
		echo "fuzz: $t: $(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log") executions in ${time_s} s, no finding"
	else
		echo "fuzz: $t: FINDING (input in $out/artifacts/$t/; add it to tests/fuzz/regressions/$t once fixed):"
		grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$out/$t.log" | head -10
		return 1
	fi
}

# FUZZ_JOBS targets at a time (each fuzzes on one core), reported in order
running=0
for t in $targets; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	{
		rc=0
		run_target "$t" >"$out/$t.summary" 2>&1 || rc=$?
		echo "$rc" >"$out/$t.rc"
	} &
	running=$((running + 1))
done
wait
fail=0
for t in $targets; do
	cat "$out/$t.summary"
	[ "$(cat "$out/$t.rc" 2>/dev/null)" = 0 ] || fail=1
done
exit $fail
