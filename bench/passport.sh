#!/bin/bash
# bench/passport.sh - passport generate and verify against openssl dgst
# and sha256sum on four checkpoint shapes, in one run: medians of N rounds
# and ratios, then the goals of issue 20 (DESIGN.md §8), each "ok" or a
# "FAIL" line; exits 1 when one is missed.
#
# Shapes: 8 shards (BENCH_GB GiB), one big file (BENCH_BIG_GB GiB), 10,000
# small files (BENCH_SMALL files of 16 KiB), and a mix (2 shards, 2,000
# small files, a tokenizer).  Every contender hashes the same files with
# the page cache warm (each round reads all files first), so the figures
# compare hashing, not the disk; contenders take turns within a round, so
# other work on a shared machine weighs on all of them alike.  With
# BENCH_COLD=1 (root: it drops the page cache before each run; bench/all
# sets it) the cold case compares passport generate and verify of the
# shards with `cat` of the same files from disk, each right after its own
# drop, in an order that turns from round to round; `dd iflag=direct` of
# the same files (one stream per core, no page cache) is shown beside
# them, the disk's rate without the guest's page cache.
#
# Environment:
#   PASSPORT        the passport binary (default: ../build/passport/passport
#                   or ../passport/passport next to this script, else PATH)
#   BENCH_GB        size of the sharded checkpoint in GiB (default 4)
#   BENCH_SHARDS    number of weight shards (default 8)
#   BENCH_BIG_GB    size of the one-big-file case in GiB (default 2)
#   BENCH_SMALL     files of the small-files case (default 10000)
#   BENCH_RUNS      rounds, the median is kept (default 5)
#   BENCH_DIR       where to build the data (default $TMPDIR or /tmp)
#   BENCH_COLD      1: also the cold case (drops caches; root)
#   BENCH_WRITE_BS  the size of each write() that builds the files
#                   (default 4M, as safetensors and torch.save write a
#                   tensor at a time; 8K gives files written in small
#                   pieces, see "How the files are written" below)
#   BENCH_OUT       append "name value goal verdict" lines here (bench/all)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PASSPORT=${PASSPORT:-}
for p in "$here/../build/passport/passport" "$here/../passport/passport"; do
	[ -n "$PASSPORT" ] || { [ -x "$p" ] && PASSPORT=$p; } || true
done
[ -n "$PASSPORT" ] || PASSPORT=$(command -v passport || true)
[ -n "$PASSPORT" ] || { echo "bench: set PASSPORT=/path/to/passport" >&2; exit 2; }
GB=${BENCH_GB:-4}
SHARDS=${BENCH_SHARDS:-8}
BIG_GB=${BENCH_BIG_GB:-2}
SMALL=${BENCH_SMALL:-10000}
RUNS=${BENCH_RUNS:-5}
PARENT=${BENCH_DIR:-${TMPDIR:-/tmp}}
COLD=${BENCH_COLD:-0}
WRITE_BS=${BENCH_WRITE_BS:-4M}

gib=$((1024 * 1024 * 1024))
shard_bytes=$((GB * gib / SHARDS))
big_bytes=$((BIG_GB * gib))
need_kib=$(((GB * gib + big_bytes + gib / 2) / 1024 + SMALL * 24 + 1024 * 1024))
avail_kib=$(df -Pk "$PARENT" | awk 'NR == 2 { print $4 }')
if [ "$avail_kib" -lt "$need_kib" ]; then
	echo "bench: $PARENT has $((avail_kib / 1024)) MiB free, needs $((need_kib / 1024)) MiB: lower BENCH_GB/BENCH_BIG_GB or set BENCH_DIR" >&2
	exit 3
fi
mem_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ $((need_kib - 1024 * 1024)) -gt $((mem_kib * 8 / 10)) ]; then
	echo "bench: warning: the data does not fit in the page cache ($((mem_kib / 1024)) MiB available); figures will include disk reads" >&2
fi

work=$(mktemp -d "$PARENT/passport-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/times"

# How the files are written: a checkpoint writer (safetensors, torch.save)
# hands the kernel a tensor per write(), and on kernels whose filesystem
# caches files in large folios (ext4 and XFS on 6.x) the page cache then
# holds the file in large folios, as it does for a file read in by
# readahead.  Files written 8 KiB at a time stay in 4 KiB pages until
# evicted, and every reader pays the kernel's cost per page: on a 2-core
# VM with kernel 6.18 that was 7-8% of the sharded case's CPU time
# (BENCH_WRITE_BS=8K shows it).
# fill FILE SEED BYTES: random-looking data, fast (an AES-CTR keystream),
# written in WRITE_BS pieces.
fill() {
	(openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:$2" -in /dev/zero \
		2>/dev/null || true) | head -c "$3" |
		dd of="$1" bs="$WRITE_BS" iflag=fullblock status=none
	[ "$(stat -c %s "$1")" -eq "$3" ] || { echo "bench: couldn't write $1" >&2; exit 3; }
}
# smalls DIR N: N files of 16 KiB cut from one stream (fast).
smalls() {
	mkdir -p "$1/small"
	fill "$work/stream" "small$2" $(($2 * 16384))
	(cd "$1/small" && split -a 5 -d -b 16384 "$work/stream" f)
	rm -f "$work/stream"
}
echo "bench: building the shapes in $work"
mkdir -p "$work/shards/assets" "$work/big" "$work/small" "$work/mix"
for i in $(seq 1 "$SHARDS"); do
	fill "$(printf '%s/model-%05d-of-%05d.safetensors' "$work/shards" "$i" "$SHARDS")" "s$i" "$shard_bytes"
done
printf '{"hidden_size": 4096}\n' >"$work/shards/config.json"
fill "$work/shards/tokenizer.json" tok 2000000
fill "$work/shards/assets/norm_stats.json" norm 4096
fill "$work/big/model.safetensors" big "$big_bytes"
smalls "$work/small" "$SMALL"
fill "$work/mix/model-1.safetensors" m1 $((gib / 4))
fill "$work/mix/model-2.safetensors" m2 $((gib / 4))
fill "$work/mix/tokenizer.json" mtok 2000000
smalls "$work/mix" $((SMALL / 5))
shapes="shards big small mix"
for s in $shapes; do
	"$PASSPORT" generate "$work/$s" -q || { echo "bench: passport generate $work/$s failed" >&2; exit 3; }
done
# the files on disk before the rounds, as a finished checkpoint's are:
# without this the kernel wrote the 7 GiB back during the first rounds
# (vmstat: 350 MB/s out, and up to 30% steal on the VM), on the cores the
# contenders were timed on
sync

# files SHAPE: the shape's files (not its passport), NUL-separated.
files() { (cd "$work/$1" && find . -type f ! -name MODEL_PASSPORT.json -print0 | sort -z); }
bytes_of() { files "$1" | (cd "$work/$1" && xargs -0 du -cb | awk '$2 == "total" { s += $1 } END { print s }'); }
count_of() { files "$1" | tr -cd '\0' | wc -c; }

# warm DIR: read the files once, so every contender starts with them in
# the page cache (machines that reclaim idle page cache, such as VMs with
# DAMON, would otherwise hand the later contenders cold files).
warm() { find "$1" -type f -exec cat {} + >/dev/null; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

# timed NAME CMD...: run CMD once, append "wall cpu maxrss_kib" to
# $work/times/NAME (CPU = user + system, of all its processes).
timed() {
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$@" >/dev/null 2>&1 ||
		{ echo "bench: $name failed: $*" >&2; exit 3; }
	awk '{ print $1, $2 + $3, $4 }' "$work/time.out" >>"$work/times/$name"
}
median() {
	awk -v c="$2" '{ print $c }' "$work/times/$1" | sort -g |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (GNU time)" >&2; exit 2; }

cores=$(nproc)
if [ -n "${SLURM_CPUS_ON_NODE:-}" ] && [ "$SLURM_CPUS_ON_NODE" -lt "$cores" ]; then
	cores=$SLURM_CPUS_ON_NODE
fi
ossl() { (cd "$work/$1" && files "$1" | xargs -0 openssl dgst -sha256); }
sum() { (cd "$work/$1" && files "$1" | xargs -0 sha256sum); }
# direct SHAPE: the disk's own rate without the page cache: every file
# read with O_DIRECT in 8 MiB pieces, one stream per core
direct() { (cd "$work/$1" && files "$1" | xargs -0 -P "$cores" -I{} \
	dd if={} of=/dev/null bs=8M iflag=direct status=none); }
export -f files ossl sum direct
export work cores

speed_k=$(openssl speed -evp sha256 -seconds 3 2>/dev/null | awk '$1 == "sha256" { print $NF }')
one_core=$(calc "${speed_k%k} * 1000")

# O_DIRECT reads need a file system that has them (not tmpfs)
have_direct=0
if [ "$COLD" = 1 ] && files shards | head -zn1 | (cd "$work/shards" &&
	xargs -0 -I{} dd if={} of=/dev/null bs=8M count=1 iflag=direct \
		status=none) 2>/dev/null; then
	have_direct=1
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $RUNS rounds; each round warms the page cache, then runs every contender once"
for ((r = 0; r < RUNS; r++)); do
	for s in $shapes; do
		warm "$work/$s"
		timed "gen_$s" "$PASSPORT" generate "$work/$s" -q -f
		timed "ver_$s" "$PASSPORT" verify "$work/$s" -q
		timed "ossl_$s" bash -c "ossl $s"
		timed "sum_$s" bash -c "sum $s"
	done
	# the hardware limit under the load of this moment: openssl speed
	# counting wall time (by default it divides by its CPU time)
	openssl speed -elapsed -seconds 1 -bytes 16384 -evp sha256 2>/dev/null |
		awk '$1 == "sha256" { sub(/k$/, "", $NF); print $NF * 1000 }' >>"$work/times/speed1"
	openssl speed -multi "$cores" -elapsed -seconds 1 -bytes 16384 -evp sha256 2>/dev/null |
		awk '$1 == "sha256" { sub(/k$/, "", $NF); print $NF * 1000 }' >>"$work/times/speedn"
	if [ "$COLD" = 1 ]; then
		# each contender right after its own drop, in an order that
		# turns every round: which one comes first after the warm
		# contenders (or after another's drop) is not always the same
		for k in 0 1 2 3; do
			sync
			echo 3 >/proc/sys/vm/drop_caches
			case $(((k + r) % 4)) in
			0) timed cold_cat bash -c "cd $work/shards && files shards | xargs -0 cat" ;;
			1) timed cold_gen "$PASSPORT" generate "$work/shards" -q -f ;;
			2) timed cold_ver "$PASSPORT" verify "$work/shards" -q ;;
			3) [ "$have_direct" = 0 ] ||
				timed cold_direct bash -c "direct shards" ;;
			esac
		done
	fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
grep -qw sha_ni /proc/cpuinfo && shani=yes || shani=no
printf '\nmachine: %s, %s cores used (nproc %s), SHA-NI %s, %s MiB RAM, %s, %s, kernel %s\n' \
	"$cpu" "$cores" "$(nproc)" "$shani" "$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024))" \
	"$(openssl version | cut -d' ' -f1-2)" "$(sha256sum --version | head -1)" "$(uname -r)"
speed1=$(median speed1 1)
speedn=$(median speedn 1)
printf 'openssl speed -evp sha256 (16 KiB blocks, one core): %.0f MiB/s per CPU-second;\n' "$(calc "$one_core / 1048576")"
printf '  in the rounds, wall clock (-elapsed, median): one core %.0f MiB/s, %s cores %.0f MiB/s\n' \
	"$(calc "$speed1 / 1048576")" "$cores" "$(calc "$speedn / 1048576")"
printf 'files written %s at a time (BENCH_WRITE_BS)\n' "$WRITE_BS"
printf 'load average before %s, after %s (other work on the machine skews wall times)\n\n' \
	"$load_before" "$load_after"
printf '%-7s %6s %9s  %-22s %8s %8s %9s %8s\n' shape files MiB contender "wall s" "cpu s" "MiB/s" "maxrss"
fails=0
goal() {	# NAME VALUE OP LIMIT TEXT
	local v
	if awk "BEGIN { exit !($2 $3 $4) }"; then v=ok; else v=FAIL; fails=$((fails + 1)); fi
	printf '  %-4s %-46s %8.3f  (goal %s %s)\n' "$v" "$5" "$2" "$3" "$4"
	[ -z "${BENCH_OUT:-}" ] || echo "passport.$1 $2 $3$4 $v" >>"$BENCH_OUT"
}
for s in $shapes; do
	b=$(bytes_of "$s")
	n=$(count_of "$s")
	eval "bytes_$s=$b"
	for c in gen ver ossl sum; do
		t=$(median "${c}_$s" 1)
		case $c in
		gen) label="passport generate" ;;
		ver) label="passport verify" ;;
		ossl) label="openssl dgst" ;;
		sum) label="sha256sum" ;;
		esac
		printf '%-7s %6d %9.0f  %-22s %8.3f %8.3f %9.0f %6.0fM\n' "$s" "$n" \
			"$(calc "$b / 1048576")" "$label" "$t" "$(median "${c}_$s" 2)" \
			"$(calc "$b / $t / 1048576")" "$(calc "$(median "${c}_$s" 3) / 1024")"
	done
done
if [ "$COLD" = 1 ]; then
	printf '%-7s %6s %9.0f  %-22s %8.3f\n' cold "" "$(calc "$bytes_shards / 1048576")" "cat (disk)" "$(median cold_cat 1)"
	printf '%-7s %6s %9.0f  %-22s %8.3f %8.3f %9s %6.0fM\n' cold "" "$(calc "$bytes_shards / 1048576")" \
		"passport generate" "$(median cold_gen 1)" "$(median cold_gen 2)" "" "$(calc "$(median cold_gen 3) / 1024")"
	printf '%-7s %6s %9.0f  %-22s %8.3f %8.3f %9s %6.0fM\n' cold "" "$(calc "$bytes_shards / 1048576")" \
		"passport verify" "$(median cold_ver 1)" "$(median cold_ver 2)" "" "$(calc "$(median cold_ver 3) / 1024")"
	[ "$have_direct" = 0 ] ||
		printf '%-7s %6s %9.0f  %-22s %8.3f %8.3f %9.0f\n' cold "" "$(calc "$bytes_shards / 1048576")" \
			"dd iflag=direct (disk)" "$(median cold_direct 1)" "$(median cold_direct 2)" \
			"$(calc "$bytes_shards / $(median cold_direct 1) / 1048576")"
	# the disk's own spread from run to run, next to the goal's 5%
	runs() { awk '{ print $1 }' "$work/times/$1" | paste -sd' '; }
	cat_spread=$(sort -g "$work/times/cold_cat" | awk -v m="$(median cold_cat 1)" \
		'{ v[NR] = $1 } END { printf "%.3f", (v[NR] - v[1]) / m }')
	printf '  cold runs (s, in order): cat %s; generate %s; verify %s\n' \
		"$(runs cold_cat)" "$(runs cold_gen)" "$(runs cold_ver)"
	[ "$have_direct" = 0 ] ||
		printf '  dd iflag=direct runs (s, in order): %s\n' "$(runs cold_direct)"
	printf '  cat alone: (slowest - fastest) / median = %s\n' "$cat_spread"
fi

printf '\ngoals (ratios of medians, same run):\n'
for s in $shapes; do
	goal "$s.gen_vs_openssl" "$(calc "$(median "gen_$s" 1) / $(median "ossl_$s" 1)")" '<=' 1.0 "$s: generate / openssl dgst (wall)"
	goal "$s.verify_vs_openssl" "$(calc "$(median "ver_$s" 1) / $(median "ossl_$s" 1)")" '<=' 1.0 "$s: verify / openssl dgst (wall)"
done
goal big.gen_of_speed "$(calc "$bytes_big / $(median gen_big 1) / $speed1")" '>=' 0.95 "big: generate / 1 core's openssl speed (wall)"
goal big.verify_of_speed "$(calc "$bytes_big / $(median ver_big 1) / $speed1")" '>=' 0.95 "big: verify / 1 core's openssl speed (wall)"
goal shards.gen_of_speed "$(calc "$bytes_shards / $(median gen_shards 1) / $speedn")" '>=' 0.92 "shards: generate / $cores cores' openssl speed"
goal shards.verify_of_speed "$(calc "$bytes_shards / $(median ver_shards 1) / $speedn")" '>=' 0.92 "shards: verify / $cores cores' openssl speed"
goal big.gen_maxrss_mib "$(calc "$(median gen_big 3) / 1024")" '<=' 32 "big: generate, max resident MiB"
if [ "$COLD" = 1 ]; then
	goal cold.gen_vs_cat "$(calc "$(median cold_gen 1) / $(median cold_cat 1)")" '<=' 1.05 "cold shards: generate / cat from disk (wall)"
	goal cold.verify_vs_cat "$(calc "$(median cold_ver 1) / $(median cold_cat 1)")" '<=' 1.05 "cold shards: verify / cat from disk (wall)"
	[ -z "${BENCH_OUT:-}" ] || {
		echo "passport.cold.cat_mib_s $(calc "$bytes_shards / $(median cold_cat 1) / 1048576") - -"
		echo "passport.cold.verify_cpu_s $(median cold_ver 2) - -"
		echo "passport.cold.verify_maxrss_mib $(calc "$(median cold_ver 3) / 1024") - -"
		echo "passport.cold.cat_spread $cat_spread - -"
		[ "$have_direct" = 0 ] ||
			echo "passport.cold.direct_mib_s $(calc "$bytes_shards / $(median cold_direct 1) / 1048576") - -"
	} >>"$BENCH_OUT"
fi
printf '\nCPU cost, independent of load (bytes per CPU-second vs 1 core of openssl speed):\n'
for s in $shapes; do
	eval "b=\$bytes_$s"
	printf '  %-7s generate %5.1f%%  verify %5.1f%%  openssl dgst %5.1f%%\n' "$s" \
		"$(calc "100 * $b / $(median "gen_$s" 2) / $one_core")" \
		"$(calc "100 * $b / $(median "ver_$s" 2) / $one_core")" \
		"$(calc "100 * $b / $(median "ossl_$s" 2) / $one_core")"
done
if [ "$fails" -gt 0 ]; then
	echo "FAIL: $fails passport goal(s) missed on this machine (load average $load_after)"
	exit 1
fi
echo "bench: every passport goal met"
