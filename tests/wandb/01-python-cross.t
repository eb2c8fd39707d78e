#!/bin/bash
# Our C reader against files built by the independent Python producer
# (wandbfile.py), and our C writer/appender against its reader.
. "${WANDB_TESTS_SRC:-.}/lib.sh"

command -v "$PY" >/dev/null 2>&1 || skip_all "python3 not found"

pywrite() {
	"$PY" "$WANDBFILE" write "$@"
}
# pyread FILE / cdump FILE: each reader's key=value summary into FILE.py
# and FILE.c
pyread() {
	"$PY" "$WANDBFILE" read --kv "$1" >"$1.py"
}
cdump() {
	$RUN "$TOOL" dump "$1" >"$1.c"
}
# same KEY FILE: the C and Python readers agree on KEY
same() {
	a=$(grep "^$1=" "$2.c")
	b=$(grep "^$1=" "$2.py")
	if [ "$a" != "$b" ]; then
		diag "$2: $1: C '$a' Python '$b'"
		return 1
	fi
}
# has KEY=VALUE FILE.{c,py}
has() {
	grep -qx "$1" "$2" || { diag "$2: no '$1'"; return 1; }
}

# --- Python writes, C reads
for case in "finished:--exit 0" "failed:--exit 3" "unfinished:" \
	    "multiblock:--big 100000 --exit 0" "seven:--seven-left --exit 0" \
	    "three:--three-left" "legacy:--legacy-steps --steps 9"; do
	name=${case%%:*}
	opts=${case#*:}
	f="$T/$name.wandb"
	# shellcheck disable=SC2086
	check "python $name: written" pywrite "$f" $opts
	check "python $name: C reader runs" cdump "$f"
	check "python $name: Python reader runs" pyread "$f"
	for k in end size valid_until records run_id entity project \
		 start_time exit_code runtime last_step kind.history \
		 kind.output kind.exit kind.final kind.header kind.run; do
		check "python $name: readers agree on $k" same "$k" "$f"
	done
	check "python $name: clean" has end=clean "$f.c"
done
check "multiblock: the big output record counted" has kind.output=1 "$T/multiblock.wandb.c"
check "legacy: last step from the _step item" has last_step=8 "$T/legacy.wandb.c"
check "unfinished: state" has state=unfinished "$T/unfinished.wandb.c"
check "failed: state" has state=failed "$T/failed.wandb.c"
check "seven: zero-length FIRST at 32761" \
	sh -c "'$PY' '$WANDBFILE' offsets '$T/seven.wandb' | grep -qx '32761 2 0'"

# damage: torn, corrupt, bad header, empty
pywrite "$T/trunc.wandb" --exit 0 --truncate 9
cdump "$T/trunc.wandb"
check "truncated: torn" has end=torn "$T/trunc.wandb.c"
check "truncated: reported with its offset" grep -q "^problem=incomplete tail at offset" "$T/trunc.wandb.c"
pyread "$T/trunc.wandb"
check "truncated: both agree where the valid part ends" same valid_until "$T/trunc.wandb"

pywrite "$T/ref.wandb" --steps 5
off=$("$PY" "$WANDBFILE" offsets "$T/ref.wandb" | sed -n 4p | cut -d' ' -f1)
pywrite "$T/corrupt.wandb" --steps 5 --corrupt-offset "$off"
cdump "$T/corrupt.wandb"
check "corrupt crc: corrupt" has end=corrupt "$T/corrupt.wandb.c"
check "corrupt crc: names offset $off" grep -q "^problem=corrupt data at offset $off " "$T/corrupt.wandb.c"
check "corrupt crc: records after it still read" has last_step=4 "$T/corrupt.wandb.c"
pyread "$T/corrupt.wandb"
check "corrupt crc: the Python reader also refuses it" has end=corrupt "$T/corrupt.wandb.py"

pywrite "$T/hdr.wandb" --bad-header
cdump "$T/hdr.wandb"
check "wrong header: bad-header" has end=bad-header "$T/hdr.wandb.c"
pywrite "$T/empty.wandb" --empty
cdump "$T/empty.wandb"
check "empty: empty" has end=empty "$T/empty.wandb.c"

# --- C appends, Python reads
for left in 3 6 7 8 0; do
	f="$T/left$left.wandb"
	pywrite "$f" --end-left "$left"
	check "end with $left left: appended" sh -c "$RUN '$TOOL' append '$f' 137 99 | grep -qx appended"
	pyread "$f"
	check "end with $left left: Python reads it clean" has end=clean "$f.py"
	check "end with $left left: exit code 137" has exit_code=137 "$f.py"
	check "end with $left left: runtime 99" has runtime=99 "$f.py"
	check "end with $left left: final record" has kind.final=1 "$f.py"
done
f="$T/trunc2.wandb"
pywrite "$f" --truncate 4
check "torn, no repair: refused" sh -c "$RUN '$TOOL' append '$f' 1 1 | grep -qx refused-torn"
check "torn, repair: appended" sh -c "$RUN '$TOOL' append '$f' 1 1 --repair | grep -qx appended"
pyread "$f"
check "torn, repair: Python reads it clean" has end=clean "$f.py"
check "torn, repair: cut bytes saved" sh -c "ls '$T' | grep -q '^trunc2.wandb.torn-'"

# --- C writes whole runs, Python reads
check "C writer: run dir" $RUN "$TOOL" mkrun "$T/offline-run-20260101_000000-cw1" cw1 --steps 40 --exit 2 --big 70000
f="$T/offline-run-20260101_000000-cw1/run-cw1.wandb"
pyread "$f"
cdump "$f"
check "C writer: Python reads it clean" has end=clean "$f.py"
for k in records run_id exit_code last_step kind.history valid_until; do
	check "C writer: readers agree on $k" same "$k" "$f"
done

done_testing
