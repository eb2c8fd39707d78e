#!/bin/bash
# runlog new / note / close: a run outside Slurm, in the plugin's format,
# RUNNING while its process lives, LOST when it dies unclosed.
. "$(dirname "$0")/lib.sh"
R=$T/run_logs
today=$(date +%F)
printf 'lr: 0.1\n' >cfg.yaml

sleep 300 &
worker=$!
f=$(runlog new --task train_front --group cams --mode experiment \
	--objective "does the front camera suffice" --config cfg.yaml \
	--dataset /data/set.tar --script "python train.py" --pid $worker)
ok $? "new exits 0"
is "$f" "$R/cams/${today}_train_front.md" "prints the run log path, <date>_<task>.md"
is "$(head -1 "$f")" "# train_front — does the front camera suffice" "title"
is "$(key "$f" run_type)" experiment "run_type"
is "$(key "$f" execution_id)" "local:$(hostname):$worker" "execution_id local:<host>:<pid>"
is "$(key "$f" signal)" "n/a (not a Slurm job)" "no Slurm advice in a local run"
is "$(key "$f" script)" "python train.py" "script"
grep -q "^- config: \`$T/cfg.yaml\` (sha256 \`$(sha256sum cfg.yaml | cut -d' ' -f1)\`)" "$f"
ok $? "config hashed like the plugin does"
for s in Mode Config Job Status Results "W&B" Next; do
	grep -q "^## $s\$" "$f"
	ok $? "section $s"
done
grep -q "1. \`${today}_train_front.md\` — " "$R/cams/timeline.md"
ok $? "timeline entry"
[ -f "$R/.exp-log/jobs/local:$(hostname):$worker.json" ]
ok $? "job index"
[ -f "$R/.exp-log/runs/cams/${today}_train_front/run.json" ]
ok $? "sidecar"
snap=$(key "$f" config_snapshot)
cmp -s "$snap" cfg.yaml
ok $? "config snapshot"

is "$(runlog status --json | python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["state"], r["state_source"])')" \
	"RUNNING local" "status: RUNNING while the process lives"
runlog note train_front "looked at the curves, step 300 loss 0.41"
ok $? "note by task name"
grep -Eq "^- $today [0-9]{2}:[0-9]{2}:[0-9]{2} — note: looked at the curves, step 300 loss 0.41\$" "$f"
ok $? "note line appended to Status"
runlog note "$f" "-dash first"
grep -q "note: -dash first\$" "$f"
ok $? "note by path; text may start with a dash"
is "$(rc runlog note "$f" "$(printf 'two\nlines')")" 2 "multi-line note refused"

kill $worker
wait $worker 2>/dev/null
is "$(runlog status 2>/dev/null | awk 'NR == 2 { print $4 }')" LOST "LOST once the process is gone"
runlog status 2>/dev/null | grep -q "hint: cams/${today}_train_front.md: process $worker on $(hostname) is gone"
ok $? "hint names the process and runlog close"
runlog close train_front --exit 3
ok $? "close"
is "$(key "$f" scheduler_state)" FAILED "non-zero exit: FAILED"
is "$(key "$f" exit)" "exit code 3" "exit code recorded"
grep -Eq "— failed, exit code 3\$" "$f"
ok $? "final Status line"
is "$(rc runlog close train_front)" 3 "closing twice refused"
is "$(runlog status --all 2>/dev/null | awk 'NR == 2 { print $4 }')" FAILED "status: FAILED from the log"

is "$(rc runlog new --task "train front" --mode experiment)" 2 \
	"a task that would be renamed is refused, not silently changed"
runlog new --task "train front" --mode experiment 2>&1 | grep -q -- "--task: invalid name 'train front': .*(e.g. --task=train_front)"
ok $? "the message names --task and a name that works"
is "$(rc runlog new --task x --mode foo)" 2 "bad --mode: usage"
runlog new --task x --mode foo 2>&1 | grep -q -- "--mode: invalid value 'foo'"
ok $? "the message names --mode, not --exp-mode"
is "$(rc runlog new --task x --group ../up)" 2 "bad --group"
is "$(rc runlog new --task x --id 'a/b')" 2 "--id with a slash"
is "$(rc runlog new --group g)" 2 "--task required"
id=$(runlog new --task vm --id gcp-vm-7)
ok $? "new with --id"
is "$(rc runlog new --task vm --id gcp-vm-7)" 3 "the same id twice refused"
is "$(runlog status --json 2>/dev/null | python3 -c 'import json,sys; print([r["state"] for r in json.load(sys.stdin) if r["job_id"] == "gcp-vm-7"][0])')" \
	UNKNOWN "a cloud id: UNKNOWN"

# all or nothing: a close whose sidecar cannot be written leaves the log
# (an immutable state dir: the sidecar reads, its new copy cannot be made)
g=$(runlog new --task sidecar --id side-1)
cp "$g" "$T/sidecar.before"
sd=$R/.exp-log/runs/+flat/$(basename "$g" .md)
if chattr +i "$sd" 2>/dev/null; then
	r=$(rc runlog close "$g" --exit 0)
	chattr -i "$sd"
	is "$r" 3 "close fails when run.json cannot be written"
	cmp -s "$g" "$T/sidecar.before"
	ok $? "and the run log is as it was, not half closed"
else
	ok 0 "# SKIP close with an unwritable sidecar: no chattr +i here"
	ok 0 "# SKIP the run log as it was: no chattr +i here"
fi
runlog close "$g" --exit 0 >/dev/null
ok $? "closes once the sidecar can be written"

# all or nothing: a new run whose timeline.md is refused leaves no trace
mkdir -p "$R/trap"
printf '# Trap Timeline\n' >"$T/elsewhere.md"
ln -s "$T/elsewhere.md" "$R/trap/timeline.md"
is "$(rc runlog new --task half --group trap --id half-1)" 3 "a symlinked timeline.md fails new"
ls "$R/trap" | grep -q half
is $? 1 "no run log left behind"
grep -rqs half-1 "$R/.exp-log/index"
is $? 1 "no open index entry left behind"
[ -e "$R/.exp-log/jobs/half-1.json" ]
is $? 1 "no job index left behind"
rm "$R/trap/timeline.md"
runlog new --task half --group trap --id half-1 >/dev/null
ok $? "the same id works once the cause is gone"

# a dataset directory: its files and bytes added up, links not followed
mkdir -p ds/shard ds_out
printf '12345' >ds/a.bin
printf '123' >ds/shard/b.bin
printf '0123456789' >ds_out/c.bin
ln -s "$T/ds_out" ds/link
f=$(runlog new --task dsdir --group cams --id ds-1 --dataset "$T/ds")
ok $? "new with a dataset directory"
key "$f" dataset | grep -q "^$T/ds (directory, 2 files, 8 B, newest "
ok $? "dataset directory summed: $(key "$f" dataset)"
done_testing
