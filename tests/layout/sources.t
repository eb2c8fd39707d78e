#!/bin/bash
# TAP: every C source and header in the tree is named in the Makefile.am of
# its folder (or of a folder above it, by relative path), so `make dist`,
# distcheck and the Debian and RPM packages, which build from the tarball,
# get every file a build needs.  A header missed here builds in a checkout
# and fails only in the package step.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/include/tap.sh"

# listed FILE: FILE's name (relative to the Makefile.am's folder) appears in
# a Makefile.am at or above FILE's folder; or FILE is NAME.c beside a
# Makefile.am that builds a program NAME with no NAME_SOURCES, automake's
# default source, which make dist takes too.
listed() {
	local f=$1 dir rel prog
	dir=$(dirname "$f")
	rel=$(basename "$f")
	prog=${rel%.c}
	if [ "$prog" != "$rel" ] && [ -f "$top_srcdir/$dir/Makefile.am" ] &&
		grep -qE "^[[:space:]]*${prog}([[:space:]]*\\\\)?\$" \
			"$top_srcdir/$dir/Makefile.am" &&
		! grep -q "^${prog//-/_}_SOURCES" "$top_srcdir/$dir/Makefile.am"; then
		return 0
	fi
	while [ "$dir" != . ] && [ "$dir" != / ]; do
		if [ -f "$top_srcdir/$dir/Makefile.am" ] &&
			grep -qE "(^|[[:space:]=/])${rel//./\\.}([[:space:]\\\\]|$)" \
				"$top_srcdir/$dir/Makefile.am"; then
			return 0
		fi
		rel=$(basename "$dir")/$rel
		dir=$(dirname "$dir")
	done
	return 1
}

cd "$top_srcdir" || bail "cannot enter $top_srcdir"
missing=
n=0
while IFS= read -r f; do
	f=${f#./}
	n=$((n + 1))
	listed "$f" || missing="$missing $f"
done < <(find lib spank runlog passport wandb-sync sbatch-wrappers tests \
	bench -type f \( -name '*.c' -o -name '*.h' \) \
	! -name '*.pb-c.[ch]' ! -path '*/.libs/*' 2>/dev/null | sort)
ok "$([ "$n" -gt 100 ] && echo 0 || echo 1)" \
	"the tree has its C sources ($n found)"
is "$missing" "" "every .c and .h is named in a Makefile.am (else make dist drops it)"

# every EXTRA_DIST entry exists (else make dist, and so the packages, stop
# with "No rule to make target")
gone=$(find . -name Makefile.am -not -path './build*' | sort | while read -r am; do
	dir=$(dirname "$am")
	awk '/^EXTRA_DIST[[:space:]]*\+?=/ { on = 1; sub(/^[^=]*=/, "") }
	     on { line = $0; more = sub(/\\[[:space:]]*$/, "", line)
		  n = split(line, w, /[[:space:]]+/)
		  for (i = 1; i <= n; i++) if (w[i] != "") print w[i]
		  if (!more) on = 0 }' "$am" |
	while read -r f; do
		case $f in *'$'*|*'*'*) continue ;; esac
		# configure makes FILE from FILE.in in the build tree
		[ -e "$dir/$f" ] || [ -e "$dir/$f.in" ] || echo "${am#./}: $f"
	done
done)
is "$gone" "" "every EXTRA_DIST entry exists (else make dist stops)"
done_testing
