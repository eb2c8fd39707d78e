#!/bin/bash
# passport command line: help, version, usage errors (exit 2), and
# errors that are not about usage (exit 3).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

run "$PASSPORT" --help
is 0 "--help exits 0"
ok grep -q "^Usage: passport COMMAND" "$out" -- "--help prints the usage on stdout"
run "$PASSPORT" verify --help
is 0 "COMMAND --help exits 0"
run "$PASSPORT" help
is 0 "help exits 0"
run "$PASSPORT" --version
is 0 "--version exits 0"
ok grep -q "^passport (exp-log) " "$out" -- "--version names the package"

run "$PASSPORT"
is 2 "no command: exit 2"
run "$PASSPORT" frobnicate x
is 2 "unknown command: exit 2"
ok grep -q "unknown command 'frobnicate'" "$err" -- "says which command"
run "$PASSPORT" generate
is 2 "missing CKPT_DIR: exit 2"
run "$PASSPORT" generate a b
is 2 "two directories: exit 2"
run "$PASSPORT" verify --bogus x
is 2 "unknown option: exit 2"
run "$PASSPORT" sign x
is 2 "sign without --verdict: exit 2"
ok grep -q "verdict pass|soft_signal is required" "$err" -- "says --verdict is needed"
run "$PASSPORT" sign x --verdict maybe
is 2 "unknown verdict: exit 2"
run "$PASSPORT" sign x --verdict soft_signal
is 2 "soft_signal without --reason: exit 2"
ok grep -q "needs a reason" "$err" -- "says a reason is needed"
run "$PASSPORT" generate x --jobs 0
is 2 "--jobs 0: exit 2"
run "$PASSPORT" generate x -j abc
is 2 "--jobs abc: exit 2"
run "$PASSPORT" generate x --contract
is 2 "option without its argument: exit 2"

run "$PASSPORT" generate "$WORK/nonexistent"
is 3 "missing directory: exit 3"
ok grep -q "couldn't open the checkpoint directory" "$err" -- "names the problem"
run "$PASSPORT" verify "$WORK/nonexistent"
is 3 "verify of a missing directory: exit 3"
mkdir "$WORK/empty"
run "$PASSPORT" verify "$WORK/empty"
is 1 "verify without a passport: exit 1"
ok grep -q "no MODEL_PASSPORT.json: run 'passport generate'" "$out" -- "says what to run"
run "$PASSPORT" sign "$WORK/empty" --verdict pass
is 3 "sign without a passport: exit 3"
done_testing
