#!/bin/bash
# Resumes: a requeued job and a new job with --exp-resume continue the same
# run log with a "## Job (resumed)" block; a changed config starts a new one.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs

printf 'lr: 0.001\n' >"$WORK/cfg.yaml"
mkdir -p "$WORK/ck" && echo w >"$WORK/ck/step_100.pt"
chown -R "$TUSER:" "$WORK"

# requeue of a running job: same file, same job id, a resumed block
id=$(submit --exp-log --exp-group=rq --exp-task=long --requeue \
	--wrap='if [ "${SLURM_RESTART_COUNT:-0}" = 0 ]; then sleep 300; else sleep 1; fi')
wait_state "$id" 60 RUNNING
wait_started "$R" "$id" 30 >/dev/null
scontrol requeue "$id"
ok $? "scontrol requeue"
# a requeued job waits before it is eligible again (BeginTime): keep
# asking slurmctld to start it now until it runs
for i in $(seq 1 400); do
	[ $((i % 10)) = 1 ] && [ "$(job_state "$id")" = PENDING ] &&
		scontrol update jobid="$id" starttime=now 2>/dev/null
	f=$(run_log_of "$R" "$id")
	grep -q '^## Job (resumed)$' "$f" 2>/dev/null &&
		grep -q '^- scheduler_state: COMPLETED$' "$f" && break
	sleep 0.5
done
is "$(ls "$R/rq" | grep -c '_long.*\.md$')" 1 "requeue: still one run log"
is "$(grep -c '^## Job (resumed)$' "$f")" 1 "one resumed block"
is "$(grep -c "^- execution_id: $id\$" "$f")" 2 "both blocks carry the job id"
grep -q '^- restart: 1$' "$f"
ok $? "restart count recorded"
grep -q "— requeued: job $id restarted (restart 1)" "$f"
ok $? "Status says requeued"
is "$(key "$f" scheduler_state)" COMPLETED "final state of the second run"
is "$(grep -c '`.*_long.md`' "$R/rq/timeline.md")" 1 "no second timeline entry"
# the requeued run on the group's time line: two bars, one per job block
as_user "$top_builddir/runlog/runlog" report rq --out "$WORK/rq.html"
ok $? "runlog report of the requeue group"
is "$(grep -c 'class="bar".*_long.md: job [12],' "$WORK/rq.html")" 2 \
	"the requeued run is two segments on the time line"
for i in $(seq 1 20); do [ -s "${f%.md}.html" ] && break; sleep 0.5; done
grep -q '<pre class="runlog">.*' "${f%.md}.html" && grep -q 'Job (resumed)' "${f%.md}.html"
ok $? "the plugin's page of the requeued run shows both job blocks"

# --exp-resume with a checkpoint: a new job id, the same file
id1=$(submit --exp-log --exp-group=rs --exp-task=train --exp-config=cfg.yaml --wrap="true")
f1=$(wait_final "$R" "$id1" 60)
ok $? "first job closed"
id2=$(submit --exp-log --exp-group=rs --exp-task=train --exp-config=cfg.yaml \
	--exp-resume --exp-checkpoint=ck/step_100.pt --wrap="exit 0")
for i in $(seq 1 120); do
	[ "$(run_log_of "$R" "$id2")" = "$f1" ] &&
		[ "$(grep -c '^- scheduler_state: COMPLETED$' "$f1")" -ge 1 ] &&
		section "$f1" "Job (resumed)" | grep -q '^- runtime: `' && break
	sleep 0.5
done
is "$(run_log_of "$R" "$id2")" "$f1" "--exp-resume: job $id2 continues $f1"
section "$f1" "Job (resumed)" | grep -q "^- execution_id: $id2\$"
ok $? "resumed block for the new job id"
section "$f1" "Job (resumed)" | grep -q "^- resumed from: \`$WORK/ck/step_100.pt\`"
ok $? "resumed from the given checkpoint"
section "$f1" "Job (resumed)" | grep -q '^- runtime: `00:00:'
ok $? "resumed block closed with its own runtime"
is "$(ls "$R/rs" | grep -c '_train.*\.md$')" 1 "no new file"

# same task, changed config: a different run
echo "lr: 0.1" >"$WORK/cfg.yaml"
id3=$(submit --exp-log --exp-group=rs --exp-task=train --exp-config=cfg.yaml \
	--exp-resume --wrap="true")
f3=$(wait_final "$R" "$id3" 60)
ok $? "third job closed"
ok $([ "$f3" != "$f1" ]; echo $?) "changed config: its own run log ($(basename "$f3"))"
grep -q "new run log, not resumed: $(basename "$f1"): config changed" "$f3"
ok $? "and it says why"
is "$(grep -c '^[0-9]*\. `' "$R/rs/timeline.md")" 2 "timeline: two runs"
done_testing
