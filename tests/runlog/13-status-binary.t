#!/bin/bash
# The status binary stays small: `runlog` loads json-c, libslurm and libc
# only (each library more is a slower start of the command run most
# often); what it leaves out runs in runlog-full, whose --settle entry
# (the run-log writes status hands over) refuses bad arguments in one line.
. "$(dirname "$0")/lib.sh"
FULL=$top_builddir/runlog/runlog-full

needed() {	# needed ELF: its DT_NEEDED names, one a line
	if command -v readelf >/dev/null; then
		readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
	else
		objdump -p "$1" | awk '$1 == "NEEDED" { print $2 }'
	fi
}
command -v readelf >/dev/null || command -v objdump >/dev/null ||
	skip_all "neither readelf nor objdump"

libs=$(needed "$RUNLOG_BIN")
ok $? "runlog's libraries listed"
echo "$libs" | grep -q '^libslurm' && echo "$libs" | grep -q '^libjson-c'
ok $? "runlog links libslurm and json-c"
# only a sanitizer build (it calls __asan_init) adds runtimes: gcc's as
# libasan and libubsan, clang's linked in, with the unwinder and threads
# they need
san=
grep -aq __asan_init "$RUNLOG_BIN" &&
	san='|libasan|libubsan|liblsan|libgcc_s|libpthread|libdl|librt'
extra=$(echo "$libs" | grep -Ev "^(libslurm|libjson-c|libc|libm|ld-linux$san)[.-]")
is "$extra" "" "runlog links nothing else (hwloc, libyaml ... are runlog-full's)"
full=$(needed "$FULL")
echo "$full" | grep -q '^libhwloc' && echo "$full" | grep -q '^libyaml'
ok $? "runlog-full holds the rest (hwloc, libyaml)"
# libgit2 and OpenSSL are loaded on first use (lib/watch/git2_lazy.h,
# lib/util/crypto_load.h), by neither
echo "$libs$full" | grep -q '^libgit2'
is $? 1 "neither links libgit2 (dlopened where a repository is read)"
echo "$libs$full" | grep -q '^libcrypto'
is $? 1 "neither links OpenSSL (dlopened at the first hash)"

out=$("$FULL" --settle bogus 2>&1)
is $? 2 "--settle with bad arguments: usage exit"
is "$(echo "$out" | wc -l)" 1 "in one line"
echo "$out" | grep -q 'internal use by runlog status'
ok $? "that says what --settle is for"

done_testing
