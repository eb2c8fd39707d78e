#!/bin/sh
# TAP: lib/'s libraries, their one-way dependencies and the layout rule.
exec python3 "${top_srcdir:-$(dirname "$0")/../..}/tests/layout/layers.py" \
	"${top_srcdir:-$(dirname "$0")/../..}"
