#!/bin/bash
# A run log from submission to the end: success, failure, several nodes,
# srun- and salloc-made jobs, config snapshot, git state, signal spec.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs

cat >"$WORK/ok.sh" <<'S'
#!/bin/bash
#SBATCH --signal=B:USR1@120
echo "run=$EXP_LOG_RUN"
echo "state=$EXP_LOG_STATE"
echo "wandb=$WANDB_MODE $WANDB_DIR $WANDB_ENTITY/$WANDB_PROJECT"
sleep 2
S
printf '#!/bin/bash\nexit 3\n' >"$WORK/fail.sh"
printf 'lr: 0.001\nbatch: 64\n' >"$WORK/cfg.yaml"
chown "$TUSER:" "$WORK"/*
as_user git init -q .
as_user git add ok.sh cfg.yaml
as_user git -c user.email=t@example.org -c user.name=t commit -qm init
commit=$(as_user git rev-parse HEAD)
as_user sh -c 'echo "# edit" >> cfg.yaml'

# success
id=$(submit --exp-log --exp-group=baseline --exp-mode=experiment \
	--exp-objective="baseline trains" --exp-config=cfg.yaml \
	--exp-dataset=/data/set.tar --exp-wandb=offline \
	--exp-wandb-project=team/vision -t 5 -o ok.out ok.sh)
f=$(wait_final "$R" "$id" 60)
ok $? "success: run log closed by the scheduler's state"
today=$(date +%F)
is "$f" "$R/baseline/${today}_ok.md" "named <date>_<task>.md in the group dir"
is "$(head -1 "$f")" "# ok — baseline trains" "title"
is "$(key "$f" run_type)" "experiment" "run_type"
is "$(key "$f" execution_id)" "$id" "execution_id is the job id"
is "$(key "$f" scheduler_state)" "COMPLETED" "scheduler state"
is "$(key "$f" exit)" "exit code 0" "exit code"
is "$(key "$f" signal)" "B:USR1@120" "signal spec from #SBATCH"
is "$(key "$f" time_limit)" "00:05:00" "time limit"
is "$(key "$f" partition)" "debug" "partition"
is "$(key "$f" nodes)" "n1 (1)" "nodes"
is "$(key "$f" start_human)" "$(date +'%A, %b ')$(date +%-d)$(case $(date +%-d) in 1|21|31) echo st;; 2|22) echo nd;; 3|23) echo rd;; *) echo th;; esac), $(date +%Y)" "start_human"
sum=$(sha256sum "$WORK/cfg.yaml" | cut -d' ' -f1)
grep -q "^- config: \`$WORK/cfg.yaml\` (sha256 \`$sum\`)" "$f"
ok $? "config path and sha256"
snap=$(key "$f" config_snapshot)
cmp -s "$snap" "$WORK/cfg.yaml"
ok $? "config snapshot is a copy"
is "$(key "$f" commit)" "$commit" "git commit of the submit dir"
is "$(key "$f" dirty)" "yes" "dirty work tree noticed"
is "$(key "$f" dataset)" "/data/set.tar (not found on the compute node: No such file or directory)" "dataset, checked on the node"
grep -q "^- runtime: \`00:00:0[2-9]\` (start \`" "$f"
ok $? "Results runtime HH:MM:SS with start and end"
grep -Eq '^- [0-9-]{10} [0-9:]{8} — completed, exit code 0$' "$f"
ok $? "final Status line"
is "$(grep -c '— completed, exit code 0' "$f")" 1 "exactly one final line"
for s in Mode Config Job Status Results "W&B" Next; do
	grep -q "^## $s\$" "$f"
	ok $? "section $s"
done
grep -q "^run=$f\$" "$WORK/ok.out"
ok $? "EXP_LOG_RUN exported to the job"
grep -q "^state=$R/.exp-log/runs/baseline/${today}_ok\$" "$WORK/ok.out"
ok $? "EXP_LOG_STATE exported to the job"
sd=$R/.exp-log/runs/baseline/${today}_ok
grep -q "^wandb=offline $sd/wandb team/vision\$" "$WORK/ok.out"
ok $? "--exp-wandb=offline: WANDB_MODE, WANDB_DIR in the state dir, entity/project exported"
ok $([ -d "$sd/wandb" ]; echo $?) "WANDB_DIR exists"
section "$f" "W&B" | grep -q "^- local: none created (the job never started W&B; WANDB_DIR was \`$sd/wandb\`)\$"
ok $? "W&B: the job never started W&B, and the log says so"
section "$f" "W&B" | grep -q "^- synced: n/a (nothing to sync)\$"
ok $? "W&B: no sync suggested when there is nothing to sync"
is "$(section "$f" "W&B" | sed -n 's/^- project: //p')" vision "W&B project recorded"
is "$(section "$f" "W&B" | sed -n 's/^- entity: //p')" team "W&B entity recorded"
grep -q "1. \`${today}_ok.md\` — $(date +'%A, %b ')" "$R/baseline/timeline.md"
ok $? "timeline entry"
is "$(stat -c %U "$f")" "$TUSER" "run log owned by the submitting user"
is "$(stat -c %U "$R/baseline/timeline.md")" "$TUSER" "timeline owned by the user"
ok $(find "$R" -user root | grep -q . && echo 1 || echo 0) "no file under run_logs owned by root"

# failure
id=$(submit --exp-log --exp-task=fails fail.sh)
f=$(wait_final "$R" "$id" 60)
ok $? "failure closed"
is "$(key "$f" scheduler_state)" "FAILED" "FAILED"
is "$(key "$f" exit)" "exit code 3" "exit code 3"
grep -q "— failed, exit code 3$" "$f"
ok $? "Status: failed, exit code 3"
is "$(dirname "$f")" "$R" "no group: flat run_logs"

# the slow facts (git, the dataset) are the monitor's, once the program
# runs: the start does not read them (EXP_LOG_TIMING's slow_facts 0.0),
# and the job itself, two seconds in, already sees them in its run log
as_user sh -c 'head -c 100000 /dev/zero >data.bin'
id=$(EXP_LOG_TIMING=1 submit --exp-log --exp-task=late --exp-dataset=data.bin \
	--exp-hash-data -o late.out --wrap='sleep 2; cat "$EXP_LOG_RUN"')
f=$(wait_final "$R" "$id" 60)
ok $? "late facts: closed"
slurmd_log_grep "exp-log: timing: job $id: .*slow_facts 0.0," >/dev/null
ok $? "the batch step's start read no slow fact"
grep -q "^- commit: \`$commit\`$" "$WORK/late.out"
ok $? "two seconds in, the run log has the commit"
is "$(key "$f" commit)" "$commit" "and keeps it"
key "$f" dataset | grep -q "^$WORK/data.bin (97.7 KiB, modified .*, sha256 $(sha256sum "$WORK/data.bin" | cut -d' ' -f1))$"
ok $? "the dataset hashed: $(key "$f" dataset)"
ok $(grep -q "read once the program has started" "$f" && echo 1 || echo 0) "no pending line left"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(not (r["git"]["commit"] == sys.argv[2] and r["dataset"]["sha256"]))' \
	"$(state_dir_of "$R" "$id")/run.json" "$commit"
ok $? "run.json: the commit and the dataset's sha256"

# three nodes: one run log, one final line although three epilogs ran
id=$(submit --exp-log --exp-task=three -N3 --wrap="srun hostname >/dev/null; sleep 1")
f=$(wait_final "$R" "$id" 60)
ok $? "3-node job closed"
is "$(key "$f" nodes)" "n[1-3] (3)" "3 nodes recorded"
is "$(ls "$R" | grep -c 'three.*\.md$')" 1 "one run log for the 3-node job"
sleep 3
is "$(grep -c '— completed, exit code 0' "$f")" 1 "one final line after three epilogs"

# srun and salloc make their own allocations
as_user srun --exp-log --exp-task=bysrun -N2 true
ok $? "srun --exp-log runs"
f=$(ls "$R"/*_bysrun.md 2>/dev/null)
ok $([ -n "$f" ]; echo $?) "srun job has a run log"
id=$(key "$f" execution_id)
f=$(wait_final "$R" "$id" 60)
is "$(key "$f" scheduler_state)" "COMPLETED" "srun job closed"
is "$(key "$f" commit)" "$commit" "srun job: the git state, read in its start"
as_user salloc --exp-log --exp-task=bysalloc -N1 srun true >/dev/null 2>&1
ok $? "salloc --exp-log runs"
f=$(ls "$R"/*_bysalloc.md 2>/dev/null)
id=$(key "$f" execution_id)
f=$(wait_final "$R" "$id" 60)
is "$(key "$f" scheduler_state)" "COMPLETED" "salloc job closed"

# --exp-log=DIR relative to the submit dir, --signal on the command line
id=$(submit --exp-log=elsewhere --exp-task=dir --signal=TERM@30 --wrap=true)
f=$(wait_final "$WORK/elsewhere" "$id" 60)
ok $? "--exp-log=DIR honoured"
is "$(key "$f" signal)" "TERM@30" "--signal from the command line"
done_testing
