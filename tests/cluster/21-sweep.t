#!/bin/bash
# sbatch-exp sweep (issue 16): a 3x4 grid from a spec as one job array
# throttled to 4: 12 run logs in the sweep's group, each with its own
# statepoints (recorded and in EXP_SP_*) and a task name made of them;
# a bad spec is refused before anything is submitted; two tasks made to
# fail are run again with --rerun failed, and only they run.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs
SX=$top_builddir/sbatch-wrappers/sbatch-exp
[ -x "$SX" ] || bail "sbatch-exp not built"

cat >"$WORK/train.sh" <<'S'
#!/bin/bash
echo "sp lr=$EXP_SP_LR seed=$EXP_SP_SEED"
vl=$(awk -v l="$EXP_SP_LR" -v s="$EXP_SP_SEED" 'BEGIN { printf "%.4f", l * 10 + s / 100 }')
echo "step 10 loss 1.0 val_loss $vl"
# two tasks fail until fixed/ exists
case $EXP_SP_LR:$EXP_SP_SEED in
0.001:1|0.001:2) [ -e fixed ] || { echo "not fixed" >&2; exit 3; } ;;
esac
sleep 2
S
cat >"$WORK/lrs.yaml" <<'S'
# a 3 x 4 grid, 4 tasks at a time
script: train.sh
name: lrs
throttle: 4
sbatch:
  output: out-%a.txt
exp:
  mode: experiment
grid:
  lr: [0.1, 0.01, 0.001]
  seed: {from: 1, to: 4}
S
printf 'script: train.sh\ngrid:\n  lr: [0.1]\nthrotle: 4\n' >"$WORK/bad.yaml"
printf 'script: train.sh\ngrid:\n  "learning rate": [0.1]\n' >"$WORK/badname.yaml"
chmod +x "$WORK/train.sh"
chown "$TUSER:" "$WORK"/*

# a bad spec: one line naming file, line and fix; nothing submitted
before=$(squeue -h -u "$TUSER" | wc -l)
out=$(as_user "$SX" sweep bad.yaml 2>&1)
is "$?" 3 "unknown key refused (exit 3)"
is "$out" "sbatch-exp: bad.yaml:4: unknown key 'throtle': use script, args, name, sbatch, exp, throttle, grid, zip, sample or exclude" \
	"one line: file, line, fix"
out=$(as_user "$SX" sweep badname.yaml 2>&1)
is "$?" 3 "invalid statepoint name refused"
case $out in "sbatch-exp: badname.yaml:3: grid: 'learning rate' is not a valid statepoint name"*) ok 0 "names the line" ;; *) ok 1 "names the line: $out" ;; esac
ok $([ ! -e "$R/.exp-log/sweeps" ]; echo $?) "no task map written for a bad spec"
is "$(squeue -h -u "$TUSER" | wc -l)" "$before" "nothing submitted"

# --dry-run: the table and the sbatch line, nothing submitted
out=$(as_user "$SX" sweep lrs.yaml --dry-run)
ok $? "dry run"
is "$(echo "$out" | grep -c '^ *[0-9]* *lr-')" 12 "dry run lists 12 tasks"
echo "$out" | grep -q '^sbatch --parsable --array=0-11%4 --job-name=lrs '
ok $? "dry run prints the sbatch line with the throttle"
is "$(squeue -h -u "$TUSER" | wc -l)" "$before" "dry run submits nothing"

out=$(as_user "$SX" sweep lrs.yaml --json)
ok $? "sweep submitted"
id=$(echo "$out" | sed -n 's/.*"job_id":"\([0-9]*\)".*/\1/p')
ok $([ -n "$id" ]; echo $?) "job array id $id"
is "$(scontrol show job "$id" 2>/dev/null | grep -o 'ArrayTaskThrottle=[0-9]*' | head -1)" \
	"ArrayTaskThrottle=4" "throttled to 4 at a time"
for i in $(seq 1 240); do
	n=$(grep -l '^- scheduler_state: [A-Z_]*$' "$R"/lrs/*.md 2>/dev/null | wc -l)
	[ "$n" -ge 12 ] && break
	sleep 0.5
done
is "$n" 12 "12 run logs closed"
is "$(ls "$R"/lrs/*_lr-*_seed-*.md 2>/dev/null | wc -l)" 12 "12 run logs named by their statepoints"
is "$(grep -h '^- statepoints:' "$R"/lrs/*.md | sort -u | wc -l)" 12 "12 distinct statepoints"
f=$(ls "$R"/lrs/*_lr-0.01_seed-3.md)
is "$(key "$f" statepoints)" "lr=0.01,seed=3" "a task records its own statepoints"
is "$(key "$f" array_task)" "${id}_6" "and its array task"
is "$(head -1 "$WORK/out-6.txt")" "sp lr=0.01 seed=3" "EXP_SP_LR and EXP_SP_SEED in the task's environment"
is "$(grep -l '^- scheduler_state: COMPLETED$' "$R"/lrs/*.md | wc -l)" 10 "10 tasks completed"
is "$(grep -l '^- scheduler_state: FAILED$' "$R"/lrs/*_lr-0.001_seed-[12].md | wc -l)" 2 "the 2 made to fail failed"

# the comparison table: a column per swept statepoint, the final metric
RL=$top_builddir/runlog/runlog
ex=$R/lrs/experiments.md
grep -q '^| run | description | metric | status | notes | lr | seed |$' "$ex"
ok $? "experiments.md has the swept columns lr and seed"
is "$(grep -c '^| \[' "$ex")" 12 "experiments.md: one row per task"
grep -q '_lr-0.01_seed-3\.md) | .* | val_loss 0.13 | completed | | 0.01 | 3 |$' "$ex"
ok $? "a row carries its statepoints and final val_loss" ||
	diag "$(grep _lr-0.01_seed-3 "$ex")"
j=$("$RL" -C "$R" experiments lrs --json --sort val_loss)
ok $? "runlog experiments --json --sort val_loss"
first=$(echo "$j" | python3 -c 'import json,sys; r=json.load(sys.stdin)["groups"][0]["runs"]; print(r[0]["run"].split("_",1)[1], r[0]["statepoints"]["lr"], r[0]["val_loss"], len(r))')
is "$first" "lr-0.001_seed-1 0.001 0.02 12" "sorted by val_loss, statepoints and val_loss as numbers"
out=$("$RL" -C "$R" sweep lrs)
ok $? "runlog sweep"
is "$(echo "$out" | head -1)" "sweep lrs: 12 runs: 10 done, 0 running, 2 failed" "runlog sweep counts them"
case $(echo "$out" | sed -n 2p) in
"best so far: "*"_lr-0.001_seed-3 val_loss 0.04 (lr=0.001,seed=3)") ok 0 "best so far (failed runs not ranked)" ;;
*) ok 1 "best so far: $(echo "$out" | sed -n 2p)" ;;
esac

# --rerun failed: only the two failed tasks, resumed in their own logs
touch "$WORK/fixed"
# a person marks one failed variation discard: the rerun warns first
as_user sed -i '/_lr-0.001_seed-1\.md)/s/| failed[^|]*|/| discard |/' "$ex"
grep -q '_lr-0.001_seed-1\.md) |.*| discard |' "$ex"
ok $? "a row marked discard by hand"
err=$(as_user "$SX" sweep lrs.yaml --rerun failed --dry-run 2>&1 >/dev/null)
case $err in
"sbatch-exp: warning: task lr-0.001_seed-1: "*"_lr-0.001_seed-1 (same statepoints) is marked discard in lrs/experiments.md; rerunning it anyway") ok 0 "the rerun warns about the discarded variation" ;;
*) ok 1 "the rerun warns about the discarded variation: $err" ;;
esac
out=$(as_user "$SX" sweep lrs.yaml --rerun failed --dry-run)
echo "$out" | grep -q -- '--array=8-9%4 .*--exp-resume train.sh$'
ok $? "rerun selects tasks 8 and 9 only, resumed"
out=$(as_user "$SX" sweep lrs.yaml --rerun failed)
ok $? "rerun submitted: $out"
id2=$(echo "$out" | sed -n 's/.*job array \([0-9]*\),.*/\1/p')
for i in $(seq 1 120); do
	c=$(grep -c '^- scheduler_state: COMPLETED$' "$R"/lrs/*_lr-0.001_seed-[12].md | grep -c ':[1-9]')
	[ "$c" -ge 2 ] && break
	sleep 0.5
done
is "$(ls "$R"/lrs/*.md | grep -vc -e timeline.md -e experiments.md)" 12 "still 12 run logs: reruns resume their own"
is "$(grep -l '^## Job (resumed)' "$R"/lrs/*.md | wc -l)" 2 "only the two failed tasks ran again"
is "$c" 2 "both completed on the rerun"
out=$(as_user "$SX" sweep lrs.yaml --rerun failed 2>&1)
is "$?" 1 "nothing left to rerun (exit 1): $out"
is "$("$RL" -C "$R" sweep lrs | head -1)" "sweep lrs: 12 runs: 12 done, 0 running, 0 failed" "runlog sweep after the rerun"

# a task whose job vanished without closing its run log (LOST) is rerun
# too: its log made open again, naming a job this cluster never ran
f=$(ls "$R"/lrs/*_lr-0.1_seed-1.md)
cp "$f" "$WORK/keep.md"
sed -i -e "s/^- execution_id: .*/- execution_id: 999999/" \
	-e 's/^- end: .*/- end: _(filled when the job ends)_/' \
	-e 's/^- scheduler_state: .*/- scheduler_state: _(filled when the job ends)_/' "$f"
out=$(as_user "$SX" sweep lrs.yaml --rerun failed --dry-run 2>"$WORK/lost.err")
ok $? "--rerun failed with a LOST task"
echo "$out" | grep -q -- '--array=0%4 .*--exp-resume train.sh$'
ok $? "only the LOST task (index 0) is selected" || diag "$out"
is "$(cat "$WORK/lost.err")" "sbatch-exp: task lr-0.1_seed-1: job 999999 is gone but its run log never closed (LOST): rerunning it" \
	"and says why"
# an open log whose job slurmctld still knows is running, not lost
sed -i "s/^- execution_id: .*/- execution_id: $id2/" "$f"
out=$(as_user "$SX" sweep lrs.yaml --rerun failed --dry-run 2>&1)
is "$?" 1 "an open log of a job slurmctld knows is not rerun: $out"
# put the log back as the job left it
cat "$WORK/keep.md" >"$f"
lint_run_logs
done_testing
