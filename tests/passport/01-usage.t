#!/bin/bash
# passport command line: help, version, usage errors (exit 2), and
# errors that are not about usage (exit 3).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

run "$PASSPORT" --help
exits 0 "--help exits 0"
check "--help prints the usage on stdout" -- grep -q "^Usage: passport COMMAND" "$out"
run "$PASSPORT" verify --help
exits 0 "COMMAND --help exits 0"
run "$PASSPORT" help
exits 0 "help exits 0"
run "$PASSPORT" --version
exits 0 "--version exits 0"
check "--version names the package" -- grep -q "^passport (exp-log) " "$out"
run "$PASSPORT" -V
exits 0 "-V exits 0"
check "-V is --version" -- grep -q "^passport (exp-log) " "$out"

run "$PASSPORT"
exits 2 "no command: exit 2"
run "$PASSPORT" frobnicate x
exits 2 "unknown command: exit 2"
check "says which command" -- grep -q "unknown command 'frobnicate'" "$err"
run "$PASSPORT" generate
exits 2 "missing CKPT_DIR: exit 2"
check "missing CKPT_DIR: the command's usage line" -- grep -q "^Usage: passport generate CKPT_DIR" "$err"
run "$PASSPORT" generate a b
exits 2 "two directories: exit 2"
run "$PASSPORT" verify --bogus x
exits 2 "unknown option: exit 2"
check "unknown option: one line, a hint" -- test "$(cat "$err")" = "passport verify: unknown option '--bogus'; try 'passport verify --help'"
run "$PASSPORT" sign x
exits 2 "sign without --verdict: exit 2"
check "says --verdict is needed" -- grep -q "^passport sign: missing --verdict pass|soft_signal$" "$err"
run "$PASSPORT" sign x --verdict maybe
exits 2 "unknown verdict: exit 2"
run "$PASSPORT" sign x --verdict soft_signal
exits 2 "soft_signal without --reason: exit 2"
check "says a reason is needed" -- grep -q "needs a reason" "$err"
run "$PASSPORT" generate x --jobs 0
exits 2 "--jobs 0: exit 2"
run "$PASSPORT" generate x -j abc
exits 2 "--jobs abc: exit 2"
run "$PASSPORT" generate x --contract
exits 2 "option without its argument: exit 2"

run "$PASSPORT" generate "$WORK/nonexistent"
exits 3 "missing directory: exit 3"
check "names the problem" -- grep -q "couldn't open the checkpoint directory" "$err"
run "$PASSPORT" verify "$WORK/nonexistent"
exits 3 "verify of a missing directory: exit 3"
mkdir "$WORK/empty"
run "$PASSPORT" verify "$WORK/empty"
exits 1 "verify without a passport: exit 1"
check "says what to run" -- grep -q "no MODEL_PASSPORT.json: run 'passport generate'" "$out"
run "$PASSPORT" sign "$WORK/empty" --verdict pass
exits 3 "sign without a passport: exit 3"
done_testing
