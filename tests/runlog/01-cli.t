#!/bin/bash
# The command line: help on every command, usage errors, exit codes.
. "$(dirname "$0")/lib.sh"

for c in status show timeline experiments new note close lint publish; do
	out=$(runlog "$c" --help 2>&1)
	ok $? "$c --help exits 0"
	case $out in
	"Usage: runlog $c"*) ok 0 "$c --help prints its usage" ;;
	*) ok 1 "$c --help prints its usage"; diag "$out" ;;
	esac
done
runlog --help | grep -q '^  lint '
ok $? "runlog --help lists the commands"
runlog --version | grep -q '^runlog (exp-log) '
ok $? "--version"
is "$(rc runlog)" 2 "no command: usage (2)"
is "$(rc runlog frobnicate)" 2 "unknown command: usage (2)"
is "$(rc runlog status --frob)" 2 "unknown option: usage (2)"
is "$(rc runlog --color=sometimes status)" 2 "bad --color: usage (2)"
is "$(rc runlog show)" 2 "show without RUN: usage (2)"
is "$(rc runlog show a b)" 2 "show with two RUNs: usage (2)"
is "$(rc runlog note x)" 2 "note without TEXT: usage (2)"
is "$(rc runlog lint --yes)" 2 "--yes without --fix: usage (2)"
is "$(rc runlog publish x)" 2 "publish without --out: usage (2)"
is "$(rc runlog status --threads 0)" 2 "--threads 0: usage (2)"
is "$(rc runlog close x --state RUNNING)" 2 "close --state must be final"
is "$(rc runlog close x --exit 300)" 2 "close --exit 0-255"
err=$(runlog status a b 2>&1)
case $err in
"runlog status: one DIR at most; try 'runlog status --help'") ok 0 "usage message names the command and the help" ;;
*) ok 1 "usage message"; diag "$err" ;;
esac
is "$(rc runlog status "$T/none")" 3 "missing root: error (3)"
is "$(rc runlog show nothing-like-this)" 2 "RUN that names no run log: 2"
done_testing
