#!/bin/bash
# runlog chain NAME|FILE without a cluster: a hand-made chain file and run
# logs; a failed stage leaves the next "never ran" with the reason, and
# the one after it too; a finished chain is done; the newest chain file
# of a name is read; --json; a missing chain is refused.
. "$(dirname "$0")/lib.sh"

R=$T/run_logs
C=$R/.exp-log/chains
mkdir -p "$R/p" "$R/q" "$C"

# mklog FILE JOB STATE
mklog() {
	cat >"$1" <<L
# $(basename "$1" .md) — a stage

## Job
- execution_id: $2
- start: \`2026-03-11T15:00:00+00:00\`
- end: \`2026-03-11T16:00:00+00:00\`

## Results
- exit: exit code $([ "$3" = COMPLETED ] && echo 0 || echo 3)
- scheduler_state: $3
L
}
mklog "$R/p/2026-03-11_prep.md" 501 FAILED
printf '# chain p\n1\t501\t-\tp\tprep\n2\t502\tafterok\tp\ttrain\n3\t503\tafterany\tp\teval\n' \
	>"$C/p-20260311T150000Z-1.chain"
# an older chain of the same name: not the one read
printf '# chain p\n1\t401\t-\tp\tprep\n2\t402\tafterok\tp\ttrain\n' \
	>"$C/p-20260310T150000Z-1.chain"

out=$(runlog -C "$R" chain p 2>"$T/err")
is "$?" 1 "a chain with a failed stage: exit 1"
diag "$out"
is "$(echo "$out" | head -1)" "chain p: 3 stages ($C/p-20260311T150000Z-1.chain)" "the newest chain file of the name"
echo "$out" | grep -q "^stage 1 prep  *job 501  *first  *failed$"
ok $? "stage 1 failed"
echo "$out" | grep -qx "  p/2026-03-11_prep.md"
ok $? "with its run log"
echo "$out" | grep -q "^stage 2 train  *job 502  *afterok  *never ran: stage 1 prep (job 501) ended failed and this stage runs only after it succeeds (afterok)$"
ok $? "stage 2 never ran, and why"
echo "$out" | grep -q "^stage 3 eval  *job 503  *afterany  *never ran: stage 2 train (job 502), which it waits for, never ran$"
ok $? "stage 3 never ran either: what it waits for never ran"
grep -q "scheduler not reachable" "$T/err"
ok $? "no scheduler: said on stderr, states from the run logs"

j=$(runlog -C "$R" chain "$C/p-20260311T150000Z-1.chain" --json 2>/dev/null)
is "$(echo "$j" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["chain"], [(s["stage"], s["state"], s["after"], len(s["run_logs"])) for s in d["stages"]])')" \
	"p [(1, 'failed', None, 1), (2, 'never ran', 'afterok', 0), (3, 'never ran', 'afterany', 0)]" \
	"a chain file by path, --json"

# a chain that finished; one still waiting
mklog "$R/q/2026-03-11_a.md" 601 COMPLETED
mklog "$R/q/2026-03-11_b.md" 602 COMPLETED
printf '# chain q\n1\t601\t-\tq\ta\n2\t602\tafterok\tq\tb\n' >"$C/q-20260311T150000Z-2.chain"
out=$(runlog -C "$R" chain q 2>/dev/null)
is "$?" 0 "a finished chain: exit 0"
is "$(echo "$out" | grep -c ' done$')" 2 "both stages done"
printf '# chain w\n1\t601\t-\tq\ta\n2\t702\tafterok\tq\tc\n' >"$C/w-20260311T150000Z-3.chain"
out=$(runlog -C "$R" chain w 2>/dev/null)
is "$?" 0 "a chain on its way: exit 0"
echo "$out" | grep -q "^stage 2 c  *job 702  *afterok  *waiting: for stage 1 a (afterok:601)$"
ok $? "a stage without a log after a stage that succeeded is waiting"

is "$(rc runlog -C "$R" chain nope)" 3 "no such chain: exit 3"
err=$(runlog -C "$R" chain nope 2>&1)
case $err in "runlog: chain: no chain 'nope' under $R/.exp-log/chains: "*) ok 0 "says so, and the fix" ;; *) ok 1 "says so: $err" ;; esac
printf '# chain x\n1\t1\n' >"$C/x-20260311T150000Z-4.chain"
is "$(rc runlog -C "$R" chain x)" 3 "a malformed chain file: exit 3"
is "$(rc runlog -C "$R" chain)" 2 "no NAME: usage error"
runlog chain --help | grep -q "^Usage: runlog chain NAME|FILE"
ok $? "--help"
done_testing
