#!/bin/bash
# runlog show, timeline and experiments.
. "$(dirname "$0")/lib.sh"
R=$T/run_logs
mklog "$R/arx5/2026-03-11_base.md" 211 COMPLETED
mklog "$R/arx5/2026-03-12_lr.md" 212 open
mklog "$R/arx5/2026-03-13_cams.md" 213 FAILED
sed -i 's/^- run_type: .*/- run_type: replication/' "$R/arx5/2026-03-13_cams.md"
printf '# Arx5 Multitask Timeline\n\n1. `2026-03-11_base.md` — Wednesday, Mar 11th\n' \
	>"$R/arx5/timeline.md"

# show
runlog show base >out 2>/dev/null
ok $? "show by task name"
is "$(head -1 out)" "run:       $R/arx5/2026-03-11_base.md" "status block first"
grep -q '^state:     COMPLETED (from log)$' out
ok $? "state line"
grep -q '^# 2026-03-11_base — test run$' out
ok $? "then the run log"
runlog show --raw arx5/2026-03-11_base >raw
cmp -s raw "$R/arx5/2026-03-11_base.md"
ok $? "--raw is the file byte for byte"
if have_python; then
	runlog show --json "$R/arx5/2026-03-12_lr.md" 2>/dev/null |
		python3 -c 'import json,sys; o=json.load(sys.stdin); assert o["state"]=="UNKNOWN" and o["markdown"].startswith("# 2026-03-12_lr"), o'
	ok $? "--json: status keys and markdown"
else
	ok 0 "# SKIP python3 not installed"
fi
is "$(rc runlog show --json --raw base)" 2 "--json and --raw exclude each other"
mklog "$R/other/2026-03-11_base.md" 299 COMPLETED
runlog show base 2>err >/dev/null
is $? 2 "an ambiguous name is refused"
grep -q '^  arx5/2026-03-11_base.md$' err && grep -q '^  other/2026-03-11_base.md$' err
ok $? "and the candidates listed"
rm -r "$R/other"

# timeline
runlog timeline arx5 >out
ok $? "timeline"
is "$(head -1 out)" "Arx5 Timeline" "title"
is "$(sed -n 2p out | tr -s ' ')" \
	" 1. 2026-03-11_base.md Wednesday, Mar 11th COMPLETED 2026-03-11_base — test run" \
	"first run, human date, state"
sed -n 3p out | grep -q '2026-03-12_lr.md .* open .*\[not in timeline.md\]$'
ok $? "open run, marked missing from timeline.md"
is "$(grep -c 'not in timeline.md' out)" 2 "two missing"
cp "$R/arx5/timeline.md" "$T/timeline.keep"
truncate -s 17M "$R/arx5/timeline.md"
runlog timeline arx5 >out 2>err
grep -q 'timeline.md: too large' err
ok $? "a timeline.md over the size limit is called too large"
grep -q 'no timeline.md' out
is $? 1 "not missing"
mv "$T/timeline.keep" "$R/arx5/timeline.md"
# array tasks that started in the same second: the order timeline.md
# lists them in (their starts' order), not their names'
mklog "$R/ties/2026-03-11_task1.md" 221 COMPLETED
mklog "$R/ties/2026-03-11_task2.md" 222 COMPLETED
mklog "$R/ties/2026-03-11_task3.md" 223 COMPLETED
printf '# Ties Timeline\n\n1. `2026-03-11_task2.md` — Wednesday, Mar 11th\n2. `2026-03-11_task1.md` — Wednesday, Mar 11th\n' \
	>"$R/ties/timeline.md"
runlog timeline ties >out
is "$(sed -n '2,4p' out | awk '{ print $2 }' | tr '\n' ' ')" \
	"2026-03-11_task2.md 2026-03-11_task1.md 2026-03-11_task3.md " \
	"same-second runs in timeline.md's order, an unlisted one after"
runlog lint --group ties --fix --yes >/dev/null 2>&1
grep '^[0-9]' "$R/ties/timeline.md" | cut -d'`' -f2 | tr '\n' ' ' >got
is "$(cat got)" "2026-03-11_task2.md 2026-03-11_task1.md 2026-03-11_task3.md " \
	"lint --fix keeps that order and adds the missing run after"
runlog timeline ties >out
is "$(sed -n '2,4p' out | awk '{ print $2 }' | tr '\n' ' ')" "$(cat got)" \
	"runlog timeline and the fixed timeline.md agree"
rm -r "$R/ties"

# experiments: two experiments, one replication
runlog experiments arx5 >out
ok $? "experiments"
grep -q '^| 2026-03-11_base | test run | val_loss 0.091 | completed |  |$' out
ok $? "row from the log: metric from Status, status from Results"
grep -q '^| 2026-03-12_lr | test run | val_loss 0.091 | open |  |$' out
ok $? "open run"
grep -q 2026-03-13_cams out
is $? 1 "a replication is not an experiment"
[ -e "$R/arx5/experiments.md" ]
is $? 1 "printing writes nothing"
runlog experiments arx5 --write >/dev/null 2>&1
ok $? "--write"
sed -i 's/^| 2026-03-11_base | test run | val_loss 0.091 | completed |  |$/| 2026-03-11_base | test run | val_loss 0.091 | keep | baseline |/' \
	"$R/arx5/experiments.md"
sed -i 's/^- scheduler_state: .*/- scheduler_state: COMPLETED/; s/^- end: .*/- end: `2026-03-12T18:00:00+00:00`/' \
	"$R/arx5/2026-03-12_lr.md"
runlog experiments --write >/dev/null 2>&1
grep -q '^| 2026-03-11_base | test run | val_loss 0.091 | keep | baseline |$' "$R/arx5/experiments.md"
ok $? "a person's verdict and note survive a rewrite"
grep -q '^| 2026-03-12_lr | test run | val_loss 0.091 | completed |  |$' "$R/arx5/experiments.md"
ok $? "the generated status follows the run"

# a status the plugin wrote (its sidecar says so) follows the run too; a
# person's stays, sidecar or not
for t in plug mine; do
	mklog "$R/arx5/2026-03-14_$t.md" 214 TIMEOUT
	mkdir -p "$R/.exp-log/runs/arx5/2026-03-14_$t"
	printf '{"experiments_status": "Timeout"}\n' \
		>"$R/.exp-log/runs/arx5/2026-03-14_$t/run.json"
done
printf '| [2026-03-14_plug](2026-03-14_plug.md) | x | y | Timeout | |\n| 2026-03-14_mine | x | y | discard | worse |\n' \
	>>"$R/arx5/experiments.md"
runlog experiments arx5 --write >/dev/null 2>&1
grep -q '^| \[2026-03-14_plug\](2026-03-14_plug.md) | test run | val_loss 0.091 | timeout |  |$' "$R/arx5/experiments.md"
ok $? "the plugin's status follows the run; its run cell stays"
grep -q '^| 2026-03-14_mine | test run | val_loss 0.091 | discard | worse |$' "$R/arx5/experiments.md"
ok $? "a person's verdict stays whatever the sidecar says"
grep -q '"experiments_status": *"timeout"' "$R/.exp-log/runs/arx5/2026-03-14_plug/run.json"
ok $? "the status runlog wrote is recorded in the sidecar, for the plugin"
grep -q '"experiments_status": *"Timeout"' "$R/.exp-log/runs/arx5/2026-03-14_mine/run.json"
ok $? "not where the person's verdict stays"
done_testing
