#!/bin/bash
# bench/passport.sh - passport generate against sha256sum and openssl,
# on one synthetic checkpoint, in one run: medians of N runs and ratios.
#
# Every contender hashes the same files with the page cache warm (each
# round reads all files once before timing, and the machine must have the
# memory to keep them), so the figures compare hashing and reading from
# memory, not the disk.  Contenders take turns within a round, so other
# work on a shared machine weighs on all of them alike; the "cpu s" column
# (user + system time) and the CPU-cost lines do not depend on it.
#
# Environment:
#   PASSPORT        the passport binary (default: ../passport/passport
#                   next to this script, else passport on PATH)
#   BENCH_GB        size of the sharded checkpoint in GiB (default 4)
#   BENCH_SHARDS    number of weight shards (default 8)
#   BENCH_BIG_GB    size of the one-big-file case in GiB (default 2)
#   BENCH_RUNS      runs per contender, the median is kept (default 5)
#   BENCH_DIR       where to build the data (default $TMPDIR or /tmp)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PASSPORT=${PASSPORT:-$here/../passport/passport}
[ -x "$PASSPORT" ] || PASSPORT=$(command -v passport || true)
[ -n "$PASSPORT" ] || { echo "bench: set PASSPORT=/path/to/passport" >&2; exit 2; }
GB=${BENCH_GB:-4}
SHARDS=${BENCH_SHARDS:-8}
BIG_GB=${BENCH_BIG_GB:-2}
RUNS=${BENCH_RUNS:-5}
PARENT=${BENCH_DIR:-${TMPDIR:-/tmp}}

gib=$((1024 * 1024 * 1024))
shard_bytes=$((GB * gib / SHARDS))
total_bytes=$((shard_bytes * SHARDS))
big_bytes=$((BIG_GB * gib))
need_kib=$(((total_bytes + big_bytes) / 1024 + 1024 * 1024))
avail_kib=$(df -Pk "$PARENT" | awk 'NR == 2 { print $4 }')
if [ "$avail_kib" -lt "$need_kib" ]; then
	echo "bench: $PARENT has $((avail_kib / 1024)) MiB free, needs $((need_kib / 1024)) MiB: lower BENCH_GB/BENCH_BIG_GB or set BENCH_DIR" >&2
	exit 3
fi
mem_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ $(((total_bytes + big_bytes) / 1024)) -gt $((mem_kib * 8 / 10)) ]; then
	echo "bench: warning: the data does not fit in the page cache ($((mem_kib / 1024)) MiB available); figures will include disk reads" >&2
fi

work=$(mktemp -d "$PARENT/passport-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
ck=$work/ckpt
big=$work/big
mkdir -p "$ck/assets" "$big" "$work/times"

# fill FILE SEED BYTES: random-looking data, fast (an AES-CTR keystream).
fill() {
	(openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:$2" -in /dev/zero \
		2>/dev/null || true) | head -c "$3" >"$1"
	[ "$(stat -c %s "$1")" -eq "$3" ] || { echo "bench: couldn't write $1" >&2; exit 3; }
}
echo "bench: building $SHARDS shards of $((shard_bytes / 1024 / 1024)) MiB and one $BIG_GB GiB file in $work"
for i in $(seq 1 "$SHARDS"); do
	fill "$(printf '%s/model-%05d-of-%05d.safetensors' "$ck" "$i" "$SHARDS")" "s$i" "$shard_bytes"
done
printf '{"hidden_size": 4096}\n' >"$ck/config.json"
fill "$ck/tokenizer.json" tok 2000000
fill "$ck/assets/norm_stats.json" norm 4096
fill "$big/model.safetensors" big "$big_bytes"
mapfile -t files < <(cd "$ck" && find . -type f | sort)
ck_bytes=$(cd "$ck" && du -cb "${files[@]}" | tail -1 | cut -f1)

# warm DIR...: read the files once, so every contender starts with them in
# the page cache (machines that reclaim idle page cache, such as VMs with
# DAMON, would otherwise hand the later contenders cold files).
warm() { find "$@" -type f -exec cat {} + >/dev/null; }

# resident DIR: percent of DIR's bytes in the page cache right now.
resident() {
	command -v fincore >/dev/null || { echo "?"; return; }
	find "$1" -type f -print0 | xargs -0 fincore -b -n -o RES,SIZE |
		awk '{ r += $1; s += $2 } END { printf "%.0f", s ? 100 * r / s : 100 }'
}

# calc EXPR: floating-point arithmetic (awk, no bc needed).
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

# timed NAME CMD...: run CMD once, append "wall cpu" (seconds, CPU =
# user + system) to $work/times/NAME.
timed() {
	local name=$1 TIMEFORMAT='%R %U %S'
	shift
	{ time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ print $1, $2 + $3 }' >>"$work/times/$name"
}

# median NAME COLUMN: the median of a column of $work/times/NAME.
median() {
	awk -v c="$2" '{ print $c }' "$work/times/$1" | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

run_sha256sum() { (cd "$ck" && sha256sum "${files[@]}"); }
run_openssl_each() { (cd "$ck" && for f in "${files[@]}"; do openssl dgst -sha256 "$f"; done); }
run_passport() { "$PASSPORT" generate "$1" -q; }

cores=$(nproc)
if [ -n "${SLURM_CPUS_ON_NODE:-}" ] && [ "$SLURM_CPUS_ON_NODE" -lt "$cores" ]; then
	cores=$SLURM_CPUS_ON_NODE
fi
speed_k=$(openssl speed -evp sha256 -seconds 3 2>/dev/null | awk '$1 == "sha256" { print $NF }')
one_core=$(calc "${speed_k%k} * 1000")

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $RUNS rounds; each round warms the page cache, then runs every contender once"
cached_ck=100 cached_big=100
for ((r = 0; r < RUNS; r++)); do
	warm "$ck" "$big"
	c=$(resident "$ck"); [ "$c" = "?" ] || [ "$c" -ge "$cached_ck" ] || cached_ck=$c
	c=$(resident "$big"); [ "$c" = "?" ] || [ "$c" -ge "$cached_big" ] || cached_big=$c
	timed pp run_passport "$ck"
	timed sum run_sha256sum
	timed ossl run_openssl_each
	timed big run_passport "$big"
	timed big_ossl openssl dgst -sha256 "$big/model.safetensors"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
for k in pp sum ossl big big_ossl; do
	eval "t_$k=\$(median $k 1) c_$k=\$(median $k 2)"
done

mibs() { calc "$1 / $2 / 1048576"; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
grep -qw sha_ni /proc/cpuinfo && shani=yes || shani=no

printf '\nmachine: %s, %s cores used (nproc %s), SHA-NI %s, %s, %s, kernel %s\n' \
	"$cpu" "$cores" "$(nproc)" "$shani" "$(openssl version | cut -d' ' -f1-2)" \
	"$(sha256sum --version | head -1)" "$(uname -r)"
printf 'data: %d files, %.0f MiB in %d shards; one big file of %d GiB\n' \
	"${#files[@]}" "$(calc "$ck_bytes / 1048576")" "$SHARDS" "$BIG_GB"
printf 'openssl speed -evp sha256 (16 KiB blocks, one core): %.0f MiB/s\n' \
	"$(calc "$one_core / 1048576")"
printf 'load average before %s, after %s (other work on the machine skews wall times)\n\n' \
	"$load_before" "$load_after"
row() {	# NAME WALL CPU BYTES CACHED
	printf '%-38s %8.3f %8.3f %9.0f %9.0f %6s%%\n' "$1" "$2" "$3" \
		"$(mibs "$4" "$2")" "$(mibs "$4" "$3")" "$5"
}
printf '%-38s %8s %8s %9s %9s %7s\n' "contender (median of $RUNS rounds)" "wall s" "cpu s" \
	"MiB/s" "MiB/cpu-s" "cached"
row "passport generate (sharded)" "$t_pp" "$c_pp" "$ck_bytes" "$cached_ck"
row "sha256sum, same files" "$t_sum" "$c_sum" "$ck_bytes" "$cached_ck"
row "openssl dgst -sha256, file by file" "$t_ossl" "$c_ossl" "$ck_bytes" "$cached_ck"
row "passport generate (one big file)" "$t_big" "$c_big" "$big_bytes" "$cached_big"
row "openssl dgst -sha256 (one big file)" "$t_big_ossl" "$c_big_ossl" "$big_bytes" "$cached_big"

r_sum=$(calc "$t_sum / $t_pp")
r_ossl=$(calc "$t_ossl / $t_pp")
r_cores=$(calc "$ck_bytes / $t_pp / ($cores * $one_core)")
r_big=$(calc "$big_bytes / $t_big / $one_core")
verdict() { awk "BEGIN { exit !($1 >= $2) }" && echo met || echo MISSED; }
printf '\nratios (same run):\n'
printf '  passport vs sha256sum:                 %6.2fx   (goal >= 8x: %s)\n' "$r_sum" "$(verdict "$r_sum" 8)"
printf '  passport vs openssl dgst file by file: %6.2fx\n' "$r_ossl"
printf '  passport vs %s x openssl speed:         %6.1f%%   (goal >= 85%%: %s)\n' "$cores" "$(calc "$r_cores * 100")" "$(verdict "$r_cores" 0.85)"
printf '  one big file vs 1 x openssl speed:     %6.1f%%   (goal >= 90%%: %s)\n' "$(calc "$r_big * 100")" "$(verdict "$r_big" 0.90)"
printf '\nCPU cost, independent of load (bytes per CPU-second vs openssl speed):\n'
printf '  passport (sharded):                    %6.1f%%\n' "$(calc "100 * $ck_bytes / $c_pp / $one_core")"
printf '  passport (one big file):               %6.1f%%   (the mapper thread'"'"'s work included)\n' "$(calc "100 * $big_bytes / $c_big / $one_core")"
printf '  sha256sum:                             %6.1f%%\n' "$(calc "100 * $ck_bytes / $c_sum / $one_core")"
