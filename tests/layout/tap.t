#!/bin/bash
# TAP: tests/include/tap.sh itself.  Small scripts use it; their output
# and exit status are compared with what a TAP harness must see.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
TAPSH=$top_srcdir/tests/include/tap.sh
# shellcheck source=tests/include/tap.sh
. "$TAPSH"

T=$(mktemp -d "${TMPDIR:-/tmp}/tap-t.XXXXXX") || bail "mktemp failed"
trap 'rm -rf "$T"' EXIT

# script BODY: run BODY after sourcing tap.sh; stdout in $T/out, status
# in $st.
script() {
	printf '. "%s"\n%s\n' "$TAPSH" "$1" >"$T/s.sh"
	bash "$T/s.sh" >"$T/out" 2>"$T/err"
	st=$?
}
# results: the result and plan lines of the last script, one per line.
results() {
	grep -E '^(ok|not ok|1\.\.|Bail out!)' "$T/out"
}

script 'ok 0 a; ok 1 b; is x x c; is x y d; done_testing'
is "$(results)" "$(printf 'ok 1 - a\nnot ok 2 - b\nok 3 - c\nnot ok 4 - d\n1..4')" \
	"ok/is: numbered results, plan at the end"
isnt "$st" 0 "a failed test: non-zero exit"
check "is: says what it got and wanted" grep -qF "#   got:  'x'" "$T/out"

script 'ok 0 a; isnt a b c; like "step 12" "^step [0-9]+$" d; unlike abc "^b" e; done_testing'
is "$(results)" "$(printf 'ok 1 - a\nok 2 - c\nok 3 - d\nok 4 - e\n1..4')" \
	"isnt/like/unlike pass"
is "$st" 0 "all passed: exit 0"

script 'isnt a a x; like abc "^b" y; unlike abc "^a" z; done_testing'
is "$(results)" "$(printf 'not ok 1 - x\nnot ok 2 - y\nnot ok 3 - z\n1..3')" \
	"isnt/like/unlike fail"

script 'v=0; setv() { v=1; echo ok 99 - stray; }; check "c1" -- setv
check "c2" false; check "c3" sh -c "echo why; exit 3"; check_not "c4" false
check_not "c5" true; echo "v=$v"; done_testing'
is "$(results)" "$(printf 'ok 1 - c1\nnot ok 2 - c2\nnot ok 3 - c3\nok 4 - c4\nnot ok 5 - c5\n1..5')" \
	"check/check_not: the command's output kept out of the stream"
check "check: runs in the test's shell (variables stick)" grep -qx 'v=1' "$T/out"
check "check: a failed command's output shown as diagnostics" \
	grep -qx '#   | why' "$T/out"

script 'plan 2; ok 0 a; skip b "no tool"; done_testing'
is "$(head -1 "$T/out")" "1..2" "plan: the plan first"
is "$(results | tail -1)" "ok 2 - b # SKIP no tool" "skip: a SKIP result"
is "$st" 0 "plan kept: exit 0"
script 'plan 3; ok 0 a; done_testing'
isnt "$st" 0 "plan not kept: non-zero exit"

script 'skip_all "no cluster"; ok 1 never'
is "$(cat "$T/out")" "1..0 # SKIP no cluster" "skip_all: plan 0 with SKIP"
is "$st" 0 "skip_all: exit 0"

script 'ok 0 a; bail "bed down"; ok 0 never'
is "$(results)" "$(printf 'ok 1 - a\nBail out! bed down')" "bail: stops the file"
isnt "$st" 0 "bail: non-zero exit"

script 'hook() { diag "context"; }; TAP_ON_FAIL=hook; ok 0 a; ok 1 b; done_testing'
is "$(grep -c '^# context$' "$T/out")" 1 "TAP_ON_FAIL: called after each failure only"

script 'ok "" a; ok 0 never'
check "ok without a status: bails out" grep -q "^Bail out! ok: status" "$T/out"
done_testing
