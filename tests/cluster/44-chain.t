#!/bin/bash
# sbatch-exp chain (issue 16): a 2-stage chain where stage 2 starts only
# after stage 1 succeeded, both run logs and timeline.md naming the link;
# a chain whose stage 1 fails leaves stage 2 never run, and `runlog
# chain` says why; a bad chain spec is refused before anything is
# submitted; --dry-run and after: any.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs
SX=$top_builddir/sbatch-wrappers/sbatch-exp
RL=$top_builddir/runlog/runlog
[ -x "$SX" ] || bail "sbatch-exp not built"

cat >"$WORK/prep.sh" <<'S'
#!/bin/bash
echo "prep $1"
# held until the test has looked at the waiting stage 2
for i in $(seq 1 240); do [ -e go ] && break; sleep 0.5; done
sleep 1
[ "$1" = fail ] && { echo "prep failed" >&2; exit 3; }
date +%s.%N >prep.end
S
cat >"$WORK/train.sh" <<'S'
#!/bin/bash
date +%s.%N >"train-$EXP_SP_LR.start"
echo "step 10 loss 0.5 val_loss 0.25"
S
cat >"$WORK/pipe.yaml" <<'S'
# prep, then train once prep succeeded
name: pipe
stages:
  - name: prep
    script: prep.sh
    args: [ok]
  - name: train
    script: train.sh
    grid: {lr: [0.1, 0.01]}
    exp:
      mode: experiment
S
cat >"$WORK/broken.yaml" <<'S'
name: broken
stages:
  - name: prep
    script: prep.sh
    args: [fail]
  - name: train
    script: train.sh
S
cat >"$WORK/any.yaml" <<'S'
name: tidy
stages:
  - {name: prep, script: prep.sh}
  - {name: clean, script: train.sh, after: any}
S
printf 'name: bad\nstages:\n  - name: prep\n    script: prep.sh\n  - name: train\n    script: train.sh\n    afer: ok\n' >"$WORK/bad.yaml"
printf 'name: one\nstages:\n  - name: prep\n    script: prep.sh\n' >"$WORK/one.yaml"
chmod +x "$WORK"/*.sh
chown "$TUSER:" "$WORK"/*

# a bad spec: one line naming file, line and fix; nothing submitted
before=$(squeue -h -u "$TUSER" | wc -l)
out=$(as_user "$SX" chain bad.yaml 2>&1)
is "$?" 3 "a stage's unknown key refused (exit 3)"
is "$out" "sbatch-exp: bad.yaml:7: unknown key 'afer': use after, script, args, name, sbatch, exp, throttle, grid, zip, sample or exclude" \
	"one line: file, line, fix"
out=$(as_user "$SX" chain one.yaml 2>&1)
is "$?" 3 "a one-stage chain refused"
case $out in "sbatch-exp: one.yaml:3: stages: a chain needs at least 2 stages"*) ok 0 "names the line and the fix" ;; *) ok 1 "names the line: $out" ;; esac
is "$(squeue -h -u "$TUSER" | wc -l)" "$before" "nothing submitted"
ok "$([ ! -e "$R/.exp-log/chains" ]; echo $?)" "no chain file written for a bad spec"

# --dry-run: each stage's sbatch line, the next waiting for the one before
out=$(as_user "$SX" chain any.yaml --dry-run)
ok $? "dry run"
echo "$out" | grep -q "^  sbatch --parsable --hold --job-name=prep --export=ALL,EXP_LOG_CHAIN=$R/.exp-log/chains/tidy-[0-9TZ]*-[0-9]*.chain,EXP_LOG_CHAIN_STAGE=1 --exp-log --exp-group=tidy prep.sh$"
ok $? "stage 1 is submitted held" || diag "$out"
echo "$out" | grep -q "^  sbatch --parsable '--dependency=afterany:<job of prep>' --job-name=clean .*EXP_LOG_CHAIN_STAGE=2 "
ok $? "stage 2 waits with afterany (after: any)" || diag "$out"
is "$(squeue -h -u "$TUSER" | wc -l)" "$before" "dry run submits nothing"
j=$(as_user "$SX" chain any.yaml --dry-run --json)
is "$(echo "$j" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["name"], [(s["stage"], s["name"], s["after"], s["job_id"]) for s in d["stages"]])')" \
	"tidy [(1, 'prep', None, None), (2, 'clean', 'afterany', None)]" "dry run --json"

# a 2-stage chain: train (a 2-task sweep) starts only after prep succeeded
j=$(as_user "$SX" chain pipe.yaml --json)
ok $? "chain submitted"
read -r j1 j2 cf < <(echo "$j" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["stages"][0]["job_id"], d["stages"][1]["job_id"], d["chain_file"])')
ok "$([ -n "$j1" ] && [ -n "$j2" ]; echo $?)" "jobs $j1 and $j2"
dep=$(squeue -h -r -j "$j2" -o '%E' 2>/dev/null | sort -u)
sc=$(scontrol show job "$j2" 2>/dev/null | grep -o 'Dependency=[^ ]*' | sort -u)
case "$dep $sc" in
*"afterok:${j1}"*) ok 0 "stage 2 depends on stage 1 (afterok:$j1)" ;;
*) ok 1 "stage 2 depends on stage 1 (afterok:$j1): squeue '$dep', scontrol '$sc', $(job_state "$j1")" ;;
esac
# slurmctld gives the reason at its next scheduling pass ("None" until then)
for i in $(seq 1 40); do
	r=$(squeue -h -j "$j2" -o '%T %r' | sort -u)
	[ "$r" = "PENDING None" ] || break
	sleep 0.5
done
is "$r" "PENDING Dependency" "stage 2 waits while stage 1 runs"
touch "$WORK/go"
is "$(cat "$cf" 2>/dev/null)" "# chain pipe
1	$j1	-	pipe	prep
2	$j2	afterok	pipe	train" "the chain file names both jobs"
f1=$(wait_final "$R" "$j1" 60)
ok $? "stage 1 ended"
for i in $(seq 1 120); do
	n=$(grep -l '^- scheduler_state: [A-Z_]*$' "$R"/pipe/*_lr-*.md 2>/dev/null | wc -l)
	[ "$n" -ge 2 ] && break
	sleep 0.5
done
is "$n" 2 "stage 2's two tasks ended"
f2=$(ls "$R"/pipe/*_lr-0.01.md)
is "$(key "$f1" scheduler_state) $(grep -l '^- scheduler_state: COMPLETED$' "$R"/pipe/*_lr-*.md | wc -l)" "COMPLETED 2" "all completed"
for lr in 0.1 0.01; do
	ok $(awk -v a="$(cat "$WORK/prep.end")" -v b="$(cat "$WORK/train-$lr.start")" 'BEGIN { exit !(a != "" && b != "" && b + 0 >= a + 0) }'; echo $?) \
		"stage 2 task lr=$lr started after stage 1 ended"
done
is "$(key "$f1" needed_by)" "job $j2 (stage 2 train of chain pipe, afterok, group pipe)" \
	"stage 1's log names the job that depends on it"
is "$(key "$f1" depends_on)" "" "stage 1 depends on nothing"
is "$(grep -h '^- depends_on:' "$R"/pipe/*_lr-*.md | sort -u)" "- depends_on: afterok:$j1 (stage 1 prep of chain pipe, group pipe)" \
	"every task of stage 2 names the job it depends on"
is "$(key "$f2" statepoints)" "lr=0.01" "a stage's task keeps its statepoints"
grep -q "^[23]\. \`$(basename "$f2")\` — .* — depends on afterok:$j1 (stage 1 prep of chain pipe, group pipe)$" "$R/pipe/timeline.md"
ok $? "timeline.md shows the chain on stage 2's entries" || diag "$(cat "$R/pipe/timeline.md")"
grep -q "^1\. \`$(basename "$f1")\` — .* — needed by job $j2 " "$R/pipe/timeline.md"
ok $? "and on stage 1's"
out=$("$RL" -C "$R" chain pipe)
ok $? "runlog chain pipe exits 0"
echo "$out" | grep -q "^stage 2 train  *job $j2  *afterok  *done$"
ok $? "runlog chain: stage 2 done" || diag "$out"
is "$(echo "$out" | grep -c "^  pipe/.*_lr-.*\.md$")" 2 "runlog chain names stage 2's two run logs"

# stage 1 fails: stage 2 never runs, and the chain view says why
j=$(as_user "$SX" chain broken.yaml --json)
ok $? "failing chain submitted"
read -r b1 b2 < <(echo "$j" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["stages"][0]["job_id"], d["stages"][1]["job_id"])')
g1=$(wait_final "$R" "$b1" 60)
is "$(key "$g1" scheduler_state)" "FAILED" "stage 1 failed"
for i in $(seq 1 60); do
	r=$(squeue -h -j "$b2" -o '%T %r' 2>/dev/null)
	[ "$r" = "PENDING DependencyNeverSatisfied" ] || [ -z "$r" ] && break
	sleep 0.5
done
case $r in
"PENDING DependencyNeverSatisfied"|"") ok 0 "Slurm will never start stage 2 (${r:-cancelled})" ;;
*) ok 1 "Slurm will never start stage 2: $r" ;;
esac
# stage 2 is one job: its run log exists from its submission (issue 23),
# and runlog status tells it will not start
g2=$(ls "$R"/broken/*_train*.md 2>/dev/null)
is "$(echo "$g2" | grep -c .)" 1 "stage 2 has the run log written at its submission"
"$RL" -C "$R" status >/dev/null 2>&1
grep -q "submitted: job $b2 " "$g2" && grep -q "dependency never satisfied" "$g2"
ok $? "stage 2's log says it was submitted and will never start" || diag "$(cat "$g2")"
is "$(key "$g1" needed_by)" "job $b2 (stage 2 train of chain broken, afterok, group broken)" \
	"the failed stage's log names the stage that waited for it"
out=$("$RL" -C "$R" chain broken)
is "$?" 1 "runlog chain exits 1 for a chain that will not finish"
line=$(echo "$out" | grep "^stage 2 ")
case $line in
"stage 2 train"*"job $b2"*"never ran: stage 1 prep (job $b1) ended failed and this stage runs only after it succeeds (afterok); Slurm: PENDING (DependencyNeverSatisfied)") ok 0 "runlog chain says why stage 2 never ran" ;;
"stage 2 train"*"job $b2"*"never ran: stage 1 prep (job $b1) ended failed and this stage runs only after it succeeds (afterok)"*) ok 0 "runlog chain says why stage 2 never ran (slurmctld cancelled it)" ;;
*) ok 1 "runlog chain says why: $out" ;;
esac
j=$("$RL" -C "$R" chain broken --json)
is "$(echo "$j" | python3 -c 'import json,sys; s=json.load(sys.stdin)["stages"]; print(s[0]["state"], s[1]["state"], s[1]["run_logs"])')" \
	"failed never ran ['broken/$(basename "$g2")']" "runlog chain --json"
scancel "$b2" 2>/dev/null
lint_run_logs
done_testing
