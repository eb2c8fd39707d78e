#!/bin/bash
# exp-wandb-sync's command line: help for every command, usage errors.
. "${WANDB_TESTS_SRC:-.}/lib.sh"

esync --help
check "--help: exit 0" eq "$rc" 0
check "--help: lists the commands" out_has "sync RUN...|--all-unsynced"
for cmd in list slim sync; do
	esync "$cmd" --help
	check "$cmd --help: exit 0" eq "$rc" 0
	check "$cmd --help: usage" out_has "Usage: exp-wandb-sync $cmd"
	check "$cmd --help: documents --json" out_has "--json"
	esync "$cmd" --no-such-option
	check "$cmd: unknown option: exit 2" eq "$rc" 2
	check "$cmd: unknown option: one line, a hint" \
		test "$(cat "$T/err")" = "exp-wandb-sync $cmd: unknown option '--no-such-option'; try 'exp-wandb-sync $cmd --help'"
done
esync
check "no command: exit 2" eq "$rc" 2
esync frobnicate
check "unknown command: exit 2" eq "$rc" 2
check "unknown command: named" err_has "unknown command 'frobnicate'"
esync --version
check "--version: exit 0" eq "$rc" 0
esync -V
check "-V: exit 0" eq "$rc" 0
check "-V: the one version format" out_has "exp-wandb-sync (exp-log) "
esync list -j 0
check "list -j 0: refused like sync -j 0 (exit 2)" eq "$rc" 2

esync slim
check "slim without a run: exit 2" eq "$rc" 2
esync sync
check "sync without runs: exit 2" eq "$rc" 2
check "sync without runs: says what to do" err_has "--all-unsynced"
check "sync without runs: the usage line, not the whole help" \
	test "$(wc -l <"$T/err")" -eq 2
esync sync --yes --dry-run "$T"
check "sync --yes --dry-run: exit 2" eq "$rc" 2
esync sync --entity 'bad name' --project p "$T"
check "sync: bad entity name: exit 2" eq "$rc" 2
esync sync --jobs 0 "$T"
check "sync --jobs 0: exit 2" eq "$rc" 2
esync sync --timeout -5 "$T"
check "sync --timeout -5: exit 2" eq "$rc" 2
check "sync --timeout -5: one line with a hint" \
	test "$(cat "$T/err")" = "exp-wandb-sync sync: --timeout: expected a number from 0 to 604800, not '-5'; try 'exp-wandb-sync sync --help'"
esync list --jobs x
check "list --jobs x: exit 2" eq "$rc" 2
esync list --json --paths
check "list --json --paths: exit 2" eq "$rc" 2
esync list "$T/nope"
check "list: missing root: exit 3" eq "$rc" 3
check "list: missing root: named" err_has "$T/nope: no such directory"
esync slim "$T"
check "slim: not a run directory: exit 3" eq "$rc" 3
check "slim: not a run directory: says so" err_has "not a W&B run directory"
check "slim: not a run directory: no dry-run line after the error" \
	test ! -s "$T/out"

(cd "$T" && $RUN "$EXP_WANDB_SYNC" list >"$T/out" 2>"$T/err")
check "list with no default roots: exit 0" test $? -eq 0
check "list with no default roots: zero runs" out_has "0 runs"

done_testing
