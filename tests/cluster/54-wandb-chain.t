#!/bin/bash
# One W&B run across a requeue: both allocations of a job run with
# --exp-wandb=offline see the same WANDB_RUN_ID (with WANDB_RESUME=allow)
# and W&B's dirs inside the run's state dir; exp-wandb-sync turns their
# two offline directories into one synced run (a fake wandb records what
# it was asked) and writes its URL into both job blocks.  A job that
# continues the run with --exp-resume gets the same id; a job that sets
# WANDB_RUN_ID itself keeps it.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs
SYNC=$top_builddir/wandb-sync/exp-wandb-sync
[ -x "$SYNC" ] || bail "exp-wandb-sync not built"
WBF=$top_srcdir/tests/wandb/wandbfile.py

# a trainer that starts W&B offline (W&B's own format, by the test's
# independent writer) in every allocation; the first one runs until it
# is requeued, the second finishes
cat >"$WORK/chain.sh" <<S
#!/bin/bash
n=\${SLURM_RESTART_COUNT:-0}
env | grep '^WANDB_' | sort >"$WORK/env.\$n"
d=\$WANDB_DIR/wandb/offline-run-\$(date +%Y%m%d_%H%M%S)-\$WANDB_RUN_ID
mkdir -p "\$d" && python3 $WBF write "\$d/run-\$WANDB_RUN_ID.wandb" \\
	--run-id "\$WANDB_RUN_ID" --start "\$(date +%s)" --steps 3 \\
	\$([ "\$n" != 0 ] && echo --exit 0)
if [ "\$n" = 0 ]; then sleep 300; fi
exit 0
S
chmod +x "$WORK/chain.sh"
chown "$TUSER:" "$WORK/chain.sh"

id=$(submit --exp-log --exp-group=wb --exp-task=chain --exp-wandb=offline \
	--exp-wandb-project=team/proj --requeue -o chain.out chain.sh)
wait_state "$id" 60 RUNNING
f=$(wait_started "$R" "$id" 30)
sd=$(state_dir_of "$R" "$id")
for i in $(seq 1 40); do
	ls "$sd"/wandb/wandb/offline-run-*/run-*.wandb >/dev/null 2>&1 && break
	sleep 0.5
done
scontrol requeue "$id"
ok $? "scontrol requeue"
# a requeued job waits before it is eligible again: start it now
for i in $(seq 1 400); do
	[ $((i % 10)) = 1 ] && [ "$(job_state "$id")" = PENDING ] &&
		scontrol update jobid="$id" starttime=now 2>/dev/null
	grep -q '^## Job (resumed)' "$f" 2>/dev/null &&
		grep -q '^- scheduler_state: COMPLETED$' "$f" && break
	sleep 0.5
done
ok $([ -s "$WORK/env.0" ] && [ -s "$WORK/env.1" ]; echo $?) \
	"both allocations ran"

# the same run id in both allocations, the one run.json keeps
rid=$(sed -n 's/^WANDB_RUN_ID=//p' "$WORK/env.0")
like "$rid" '^[a-z0-9]{8}$' "first allocation: WANDB_RUN_ID is 8 of [a-z0-9] ($rid)"
is "$(sed -n 's/^WANDB_RUN_ID=//p' "$WORK/env.1")" "$rid" \
	"the requeued allocation: the same WANDB_RUN_ID"
grep -qx 'WANDB_RESUME=allow' "$WORK/env.0" && grep -qx 'WANDB_RESUME=allow' "$WORK/env.1"
ok $? "WANDB_RESUME=allow in both"
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wandb_run_id"])' \
	"$sd/run.json")" "$rid" "run.json keeps the id"
section "$f" "W&B" | grep -q "^- run id: \`$rid\` (WANDB_RUN_ID"
ok $? "the run log's W&B section names the id"
for v in DATA_DIR:data CACHE_DIR:cache ARTIFACT_DIR:artifacts; do
	is "$(sed -n "s/^WANDB_${v%%:*}=//p" "$WORK/env.1")" "$sd/wandb-cache/${v#*:}" \
		"WANDB_${v%%:*} inside the state dir"
done
is "$(sed -n 's/^WANDB_DIR=//p' "$WORK/env.1")" "$sd/wandb" "WANDB_DIR in the state dir"
is "$(ls -d "$sd"/wandb/wandb/offline-run-*-"$rid" | wc -l)" 2 \
	"two offline directories with the one id"

# list: one W&B run in two links
as_user "$SYNC" list --json "$sd" >"$WORK/list.json"
ok $? "exp-wandb-sync list"
is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["totals"]["runs"], d["totals"]["directories"], [r["chain"]["link"] for r in d["runs"]])' \
	"$WORK/list.json")" "1 2 [1, 2]" "list: one run, two links in order"
is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(all(r["exit_code"] is not None for r in d["runs"]))' \
	"$WORK/list.json")" True "each link has its exit record (the first from the epilog)"

# sync: the first link plainly, the second appended, one run on the server
fake_wandb
last=$(ls -d "$sd"/wandb/wandb/offline-run-*-"$rid" | tail -n 1)
as_user env FAKE_WANDB_LOG="$WORK/calls" FAKE_WANDB_SERVER="$WORK/server" \
	"$SYNC" sync --yes --wandb "$WORK/bin/wandb" \
	--wandb-token-file "$WORK/key" "$last" >"$WORK/sync.out" 2>&1
ok $? "exp-wandb-sync sync of the chain" || diag "$(cat "$WORK/sync.out")"
is "$(grep -c '^call' "$WORK/calls")" 2 "two wandb calls"
grep '^call' "$WORK/calls" | sed -n 1p | grep -qv -- '--append' &&
	grep '^call' "$WORK/calls" | sed -n 2p | grep -q -- '\[--append\]'
ok $? "the first without --append, the second with it"
is "$(ls "$WORK/server/team/proj")" "$rid" "one run on the (fake) server"
is "$(wc -l <"$WORK/server/team/proj/$rid/links")" 2 "both links went into it"
url="https://wandb.ai/team/proj/runs/$rid"
is "$(grep -c -x -- "- wandb: $url" "$f")" 2 "the URL in both job blocks"
section "$f" "W&B" | grep -qx -- "- synced: $url"
ok $? "and in ## W&B"

# a new job that continues the run with --exp-resume: the same id
id3=$(submit --exp-log --exp-group=wb --exp-task=chain --exp-wandb=offline \
	--exp-wandb-project=team/proj --exp-resume \
	--wrap="env | grep '^WANDB_RUN_ID=' >$WORK/resume.env")
# the resumed log already holds the first jobs' final state, so
# wait_final can return before this job ran: wait for the job itself
wait_job_done "$id3" 60
f3=$(wait_final "$R" "$id3" 60)
ok $? "--exp-resume job closed"
is "$f3" "$f" "--exp-resume continues the run log"
is "$(cat "$WORK/resume.env")" "WANDB_RUN_ID=$rid" "--exp-resume: the same WANDB_RUN_ID"
is "$(grep -c -x -- "- wandb: $url" "$f")" 3 \
	"a job that joins the synced run: the run's URL in its block too"

# a job that sets WANDB_RUN_ID itself keeps it, and the log says so
id2=$(submit --exp-log --exp-group=wb --exp-task=own --exp-wandb=offline \
	--export=ALL,WANDB_RUN_ID=mine0001 \
	--wrap="env | grep '^WANDB_RUN_ID=' >$WORK/own.env")
f2=$(wait_final "$R" "$id2" 60)
ok $? "own-id job closed"
is "$(cat "$WORK/own.env")" "WANDB_RUN_ID=mine0001" "the job's own WANDB_RUN_ID is kept"
grep -q "W&B: the job sets WANDB_RUN_ID=mine0001 itself: kept (this run's id is " "$f2"
ok $? "a Status line names both ids"
done_testing
