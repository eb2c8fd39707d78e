#!/bin/bash
# TAP: one test-file naming scheme (NN-name.t, each listed in its folder's
# Makefile.am, no number twice) and one TAP library (every shell test
# folder's lib.sh sources tests/include/tap.sh, or the cluster tier's
# lib.sh that does, and defines none of its functions).  See tests/README.md.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/include/tap.sh"

TAP_FUNCS="plan ok is isnt like unlike check check_not skip skip_all diag bail done_testing"

for dir in runlog passport wandb cluster; do
	d=$top_srcdir/tests/$dir
	bad='' unlisted='' nums=''
	for f in "$d"/*.t; do
		name=$(basename "$f")
		[[ $name =~ ^[0-9][0-9]-[a-z0-9]+(-[a-z0-9]+)*\.t$ ]] ||
			bad="$bad $name"
		grep -qE "^[[:space:]]*$name( \\\\)?\$" "$d/Makefile.am" ||
			unlisted="$unlisted $name"
		nums="$nums ${name%%-*}"
	done
	is "$bad" "" "tests/$dir: every test is named NN-name.t"
	is "$unlisted" "" "tests/$dir: every test is listed in Makefile.am"
	is "$(echo "$nums" | tr ' ' '\n' | sed '/^$/d' | sort | uniq -d)" "" \
		"tests/$dir: no number used twice"

	lib=$d/lib.sh
	# (runlog's gets it with the run-log readers of the cluster tier's)
	check "tests/$dir/lib.sh sources tests/include/tap.sh" -- \
		grep -qE '^[^#]*\. .*((tests/include|\.\./include)/tap|tests/cluster/lib)\.sh"?$' "$lib"
	own=
	for fn in $TAP_FUNCS; do
		grep -qE "^[[:space:]]*${fn}[[:space:]]*\(\)" "$lib" && own="$own $fn"
	done
	is "$own" "" "tests/$dir/lib.sh defines none of tap.sh's functions"
done
done_testing
