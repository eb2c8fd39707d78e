#!/bin/bash
# TAP: the man pages make generated from man/*.in carry this version and
# NEWS's release date, and no @NAME@ is left in them.
: "${top_srcdir:?run through make check}"
# shellcheck source=tests/include/tap.sh
. "$top_srcdir/tests/include/tap.sh"

: "${MAN_PAGES:?run through make check}"
: "${PACKAGE_VERSION:?run through make check}"
head=$(sed -n 1p "$top_srcdir/NEWS")
want_date=$(echo "$head" |
	sed -n 's/^[^(]*(\([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\)).*/\1/p')
[ -n "$want_date" ] || want_date=unreleased
like "$head" "^exp-log $PACKAGE_VERSION \(" "NEWS starts with the entry of $PACKAGE_VERSION"

for page in $MAN_PAGES; do
	check "$page: generated" -- test -s "$page"
	check_not "$page: no @NAME@ left" -- grep -n '@[A-Z_]*@' "$page"
	# the title line: the first line, after a preprocessor hint
	# ('\" t for tbl) when the page has one
	th=$(sed -n '/^\.TH /{p;q}' "$page")
	date=$(echo "$th" | awk -F'"' '{ print $2 }')
	source=$(echo "$th" | awk -F'"' '{ print $4 }')
	is "$date" "$want_date" "$page: .TH date is NEWS's release date"
	is "$source" "exp-log $PACKAGE_VERSION" "$page: .TH names exp-log $PACKAGE_VERSION"
	check "$page: the rest is the template's" -- \
		diff <(sed '/^\.TH /d' "$page") \
		<(sed '/^\.TH /d' "$top_srcdir/man/$page.in" |
		  sed "s/@VERSION@/$PACKAGE_VERSION/g")
done
done_testing
