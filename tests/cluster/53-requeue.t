#!/bin/bash
# Requeue chains (issue 15): --exp-requeue with exp-run in the batch script
# carries a training stand-in that checkpoints on SIGTERM across three
# 1-minute allocations with no user action, each link resumed from the
# one before, one W&B offline run id across the links that exp-wandb-sync
# syncs as one run; a preempted link says "preempted"; a cancelled chain and a
# chain that makes no progress stop and say so.  Slurm 22.05 holds a
# requeued job until now + cred_expire + 1 s (job_mgr.c, _job_requeue_op):
# the bed sets cred_expire to its minimum, 5 s.
. "$(dirname "$0")/lib.sh"
export EXP_LOG_TESTBED_CRED_EXPIRE=5
export EXP_LOG_TESTBED_EXTRA_CONF="PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
PartitionName=urgent Nodes=n[1-3] PriorityTier=10 MaxTime=INFINITE State=UP OverSubscribe=NO"
testbed_up
R=$WORK/run_logs
EXPRUN=$top_builddir/sbatch-wrappers/exp-run
[ -x "$EXPRUN" ] || bail "exp-run not built"
SYNC=$top_builddir/wandb-sync/exp-wandb-sync
[ -x "$SYNC" ] || bail "exp-wandb-sync not built"
WBF=$top_srcdir/tests/wandb/wandbfile.py

# The stand-in: resumes from $EXP_LOG_RESUME_CHECKPOINT (its step inside),
# finishes once it has DONE steps, else waits; on SIGTERM it saves the
# next step (unless SAVE=no) and exits 143.  seen.log: what each link saw.
cat >"$WORK/train.sh" <<'SH'
#!/bin/bash
done_at=$1 save=${2:-yes}
step=0
ck=${EXP_LOG_RESUME_CHECKPOINT:-}
[ -n "$ck" ] && step=$(cat "$ck")
echo "link ${SLURM_RESTART_COUNT:-0} resume=${ck:-none} rstep=${EXP_LOG_RESUME_STEP:-none} step=$step" >>seen.log
# with --exp-wandb=offline: W&B's offline directory of this link (W&B's
# own format, by the tests' independent writer); the last link's has the
# exit record
if [ -n "${WANDB_RUN_ID:-}" ]; then
	echo "wandb ${SLURM_RESTART_COUNT:-0} $WANDB_RUN_ID" >>seen.log
	d=$WANDB_DIR/wandb/offline-run-$(date +%Y%m%d_%H%M%S)-$WANDB_RUN_ID
	mkdir -p "$d" && python3 @WBF@ write "$d/run-$WANDB_RUN_ID.wandb" \
		--run-id "$WANDB_RUN_ID" --start "$(date +%s)" --steps 1 \
		$([ "$step" -ge "$done_at" ] && echo --exit 0)
fi
if [ "$step" -ge "$done_at" ]; then
	echo "step $((step + 1)) loss 0.1"
	echo finished >>seen.log
	exit 0
fi
save() {
	if [ "$save" = yes ]; then
		step=$((step + 1))
		mkdir -p ckpt && echo "$step" >"ckpt/step_$step.pt.tmp" &&
			mv "ckpt/step_$step.pt.tmp" "ckpt/step_$step.pt"
		echo "saved $step" >>seen.log
	fi
	echo "step $step loss 0.$((9 - step))"
	exit 143
}
trap save TERM
echo "step $step loss 0.9"
while :; do sleep 1 & wait $!; done
SH
sed -i "s|@WBF@|$WBF|" "$WORK/train.sh"
chmod +x "$WORK/train.sh"
# A program with a worker in its process group (NCCL, torch.distributed):
# exp-run --send=TERM gives the B:USR1 warning to the main process alone.
cat >"$WORK/workers.sh" <<'SH'
#!/bin/bash
bash -c 'trap "echo worker-TERM >>w.log; exit 1" TERM USR1
	while :; do sleep 1 & wait $!; done' &
worker=$!
trap 'echo main-TERM >>w.log; sleep 1; kill -KILL $worker; exit 0' TERM
trap 'echo main-USR1 >>w.log' USR1
echo started >>w.log
while :; do sleep 1 & wait $!; done
SH
chmod +x "$WORK/workers.sh"
for d in chain stall cancel preempt workers; do mkdir -p "$WORK/$d"; done
chown -R "$TUSER:" "$WORK"

# sub NAME NODE DONE [SAVE]: a chain job in $WORK/NAME pinned to NODE
# (plus $SUB_EXTRA's options).
sub() {
	submit --exp-log --exp-group=rq --exp-task="$1" --exp-requeue=10 $SUB_EXTRA \
		-D "$WORK/$1" -w "$2" -t 1 --signal=B:USR1@50 -o "$1.out" \
		--wrap="exec $EXPRUN -- $WORK/train.sh $3 ${4:-yes}"
}
t0=$(date +%s)
chain=$(SUB_EXTRA="--exp-wandb=offline --exp-wandb-project=team/proj" sub chain n1 2)
stall=$(sub stall n2 99 no)
cancel=$(sub cancel n2 99)
preempt=$(sub preempt n3 1)
workers=$(submit --exp-log --exp-group=rq --exp-task=workers -D "$WORK/workers" \
	-w n1 -t 1 --signal=B:USR1@50 -o workers.out \
	--wrap="exec $EXPRUN --send=TERM -- $WORK/workers.sh")

# a preemption: an urgent job takes n3 once the stand-in runs there
wait_started "$R" "$preempt" 60 >/dev/null
for i in $(seq 1 40); do
	grep -q "^link 0" "$WORK/preempt/seen.log" 2>/dev/null && break
	sleep 0.5
done
urgent=$(submit -p urgent --exclusive -w n3 --wrap="sleep 1")
# a cancellation: the user cancels a running link
wait_started "$R" "$cancel" 60 >/dev/null
as_user scancel "$cancel"

# wait_status ID SECS TEXT: until the job's run log has a Status line
# containing TEXT; prints the run log.
wait_status() {
	local f i
	for i in $(seq 1 $(($2 * 2))); do
		f=$(run_log_of "$R" "$1") && section "$f" Status | grep -qF -- "$3" &&
			{ echo "$f"; return 0; }
		sleep 0.5
	done
	diag "job $1: no Status line with '$3' after $2 s"
	[ -n "$f" ] && sed 's/^/#   /' "$f"
	return 1
}

# the chain: three links, no user action
f=$(wait_status "$chain" 240 "chain ended: the program finished (exit code 0) in link 3")
ok $? "chain: finished in its third link with no user action"
diag "chain: $(($(date +%s) - t0)) s"
for i in $(seq 1 40); do
	[ "$(key "$f" scheduler_state)" = COMPLETED ] && break
	sleep 0.5
done
is "$(ls "$R/rq" | grep -c '_chain.*\.md$')" 1 "chain: one run log"
is "$(grep -c '`.*_chain.md`' "$R/rq/timeline.md")" 1 "chain: one timeline entry"
is "$(grep -c "^- execution_id: $chain\$" "$f")" 3 "chain: three job blocks"
grep -qx '## Job (resumed 1/10)' "$f" && grep -qx '## Job (resumed 2/10)' "$f"
ok $? "chain: the links' headers say which requeue of how many"
is "$(section "$f" Status | grep -c ' — time limit: requeued by exp-run ([12]/10) at [0-9:]* (scheduler state REQUEUED), exit code 143$')" 2 \
	"chain: two links ended by the time limit and requeued by exp-run"
is "$(key "$f" scheduler_state)" COMPLETED "chain: the last link completed"
ck=$WORK/chain/ckpt
grep -qx "link 1 resume=$ck/step_1.pt rstep=[0-9none]* step=1" "$WORK/chain/seen.log" &&
	grep -qx "link 2 resume=$ck/step_2.pt rstep=[0-9none]* step=2" "$WORK/chain/seen.log"
ok $? "chain: each link got the previous link's checkpoint in EXP_LOG_RESUME_CHECKPOINT"
sed 's/^/#   seen: /' "$WORK/chain/seen.log"
section "$f" "Job (resumed 2/10)" | grep -q "^- resumed from: \`$ck/step_2.pt\` (the earlier links' newest checkpoint"
ok $? "chain: the resumed block names the checkpoint"
is "$(key "$f" checkpoint)" "$ck/step_2.pt" \
	"chain: Results name the run's newest checkpoint (the last link wrote none)"
# lib.sh lints every run log here at the end: "## Job (resumed K/M)" too

# one W&B run across the chain: the same id in every link, three offline
# directories that exp-wandb-sync syncs as one run, in order
rid=$(sed -n 's/^wandb 0 //p' "$WORK/chain/seen.log")
like "$rid" '^[a-z0-9]{8}$' "chain: the first link's WANDB_RUN_ID ($rid)"
is "$(sed -n 's/^wandb [12] //p' "$WORK/chain/seen.log" | sort -u)" "$rid" \
	"chain: the same WANDB_RUN_ID in the requeued links"
sd=$(state_dir_of "$R" "$chain")
is "$(ls -d "$sd"/wandb/wandb/offline-run-*-"$rid" | wc -l)" 3 \
	"chain: three offline directories with the one id"
fake_wandb
as_user env FAKE_WANDB_LOG="$WORK/calls" FAKE_WANDB_SERVER="$WORK/server" \
	"$SYNC" sync --yes --wandb "$WORK/bin/wandb" \
	--wandb-token-file "$WORK/key" --all-unsynced "$sd" >"$WORK/sync.out" 2>&1
ok $? "chain: exp-wandb-sync sync" || diag "$(cat "$WORK/sync.out")"
is "$(grep '^call' "$WORK/calls" | grep -c -- '\[--append\]')" 2 \
	"chain: the first link synced plainly, the two later ones appended"
is "$(ls "$WORK/server/team/proj")" "$rid" "chain: one run on the (fake) server"
is "$(wc -l <"$WORK/server/team/proj/$rid/links")" 3 "chain: all three links in it"
is "$(grep -c -x -- "- wandb: https://wandb.ai/team/proj/runs/$rid" "$f")" 3 \
	"chain: the one URL in every job block"

# the cancelled chain
f=$(wait_status "$cancel" 60 "chain stopped: the job was cancelled (scancel): not requeued")
ok $? "cancel: the chain stopped and says so"
is "$(job_state "$cancel")" CANCELLED "cancel: not requeued"

# the chain without progress: two links, then it stops
f=$(wait_status "$stall" 200 "no progress in 2 links")
ok $? "stall: stopped after 2 links without a new checkpoint"
is "$(grep -c "^- execution_id: $stall\$" "$f")" 2 "stall: two job blocks"
wait_job_done "$stall" 30
st=$(job_state "$stall")
case $st in FAILED|TIMEOUT) ok 0 "stall: not requeued again ($st)" ;;
*) ok 1 "stall: not requeued again (state $st)" ;; esac

# the preempted link
f=$(wait_status "$preempt" 120 "preempted: the scheduler requeued the job (PreemptMode=REQUEUE)")
ok $? "preempt: the link says preempted"
section "$f" Status | grep -q 'time limit: requeued'
ok $((! $?)) "preempt: not told as a time limit"
f=$(wait_status "$preempt" 120 "chain ended: the program finished (exit code 0) in link 2")
ok $? "preempt: the next link resumed and finished"
grep -qx "link 1 resume=$WORK/preempt/ckpt/step_1.pt rstep=[0-9none]* step=1" "$WORK/preempt/seen.log"
ok $? "preempt: resumed from the checkpoint saved on the preemption's SIGTERM"
wait_job_done "$urgent" 30

# the warning signal translated for the main process only
wait_job_done "$workers" 60
is "$(tr '\n' ' ' <"$WORK/workers/w.log")" "started main-TERM " \
	"--send=TERM: the warning reached the main process alone, as SIGTERM"
grep -q '"action":"the job'"'"'s warning signal: SIGTERM sent to the program only' \
	"$(state_dir_of "$R" "$workers")/signals.jsonl"
ok $? "--send=TERM: signals.jsonl says so"
diag "all: $(($(date +%s) - t0)) s"
done_testing
