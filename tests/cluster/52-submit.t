#!/bin/bash
# A run exists from its submission: sbatch writes the run log of the job
# it submitted (Mode, Config with the hash and snapshot taken then, the
# Job block's submission facts, a "submitted" Status line, the timeline
# entry, named by the submit date); the start fills in the same file;
# a job that leaves the queue without starting is closed with that story.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs
RUNLOG=$top_builddir/runlog/runlog

printf '#!/bin/bash\necho hi\n' >"$WORK/held.sh"
printf '#!/bin/bash\nexit 3\n' >"$WORK/fails.sh"
printf '#!/bin/bash\nsleep 1\n' >"$WORK/quick.sh"
printf 'lr: 0.1\n' >"$WORK/cfg.yaml"
chown "$TUSER:" "$WORK"/*
today=$(date +%F)

# held in the queue for an hour
id=$(submit --exp-log --exp-mode=experiment --exp-config=cfg.yaml \
	--begin=now+1hour -t 5 held.sh)
f=$(run_log_of "$R" "$id")
ok $? "a held job has a run log at once (job map $id)"
is "$f" "$R/${today}_held.md" "named by the submit date"
is "$(job_state "$id")" PENDING "the job is still pending"
is "$(key "$f" execution_id)" "$id" "execution_id is the job id"
is "$(key "$f" run_type)" experiment "Mode written at submission"
like "$(key "$f" start)" "filled when the job starts" "start: not yet"
isnt "$(key "$f" submitted)" "" "submitted time"
sum=$(sha256sum "$WORK/cfg.yaml" | cut -d' ' -f1)
grep -q "^- config: \`$WORK/cfg.yaml\` (sha256 \`$sum\`)" "$f"
ok $? "config hash taken at submission"
cmp -s "$(key "$f" config_snapshot)" "$WORK/cfg.yaml"
ok $? "config snapshot taken at submission"
grep -Eq "^- [0-9-]{10} [0-9:]{8} — submitted: job $id \(partition debug\)\$" "$f"
ok $? "a submitted Status line"
grep -q "${today}_held.md" "$R/timeline.md"
ok $? "timeline entry"
st=$(as_user "$RUNLOG" status "$R" --json)
like "$st" "\"job_id\": \"$id\"" "runlog status lists the pending run"
like "$st" '"state": "PENDING"' "as PENDING"
like "$st" '"reason": "BeginTime"' "with the scheduler's reason"
like "$st" '"expected_start": [0-9]' "and its expected start"
row=$(as_user "$RUNLOG" status "$R" | grep held)
like "$row" "PENDING" "table row: PENDING"
like "$row" "BeginTime" "table row: the reason"

# scancel while pending closes the log
scancel "$id"
wait_job_done "$id" 30
as_user "$RUNLOG" status "$R" >/dev/null
is "$(key "$f" scheduler_state)" CANCELLED "closed as CANCELLED"
grep -Eq "— cancelled while pending after [0-9]+ s in the queue( \\(BeginTime\\))?\$" "$f"
ok $? "Status: cancelled while pending after ... in the queue"
like "$(key "$f" runtime)" "never started" "runtime: never started"
as_user "$RUNLOG" status "$R" --json | grep -q '"open": true'
ok $((! $?)) "no open run left"

# a job whose dependency fails never starts, and its log says so
a=$(submit -t 5 fails.sh)
b=$(submit --exp-log -t 5 --dependency=afterok:"$a" quick.sh)
fb=$(run_log_of "$R" "$b")
ok $? "dependent job has a run log at submission"
wait_job_done "$a" 60
for i in $(seq 1 60); do
	squeue -h -j "$b" -o %r | grep -q DependencyNeverSatisfied && break
	sleep 0.5
done
as_user "$RUNLOG" status "$R" | grep quick | grep -q DependencyNeverSatisfied
ok $? "status: PENDING (DependencyNeverSatisfied)"
grep -q "— pending: dependency never satisfied, the job will not start" "$fb"
ok $? "its log says the dependency can never be satisfied"
scancel "$b"
wait_job_done "$b" 30
as_user "$RUNLOG" status "$R" >/dev/null
grep -Eq "— cancelled while pending after [0-9]+ (s|min) in the queue \(DependencyNeverSatisfied\)" "$fb"
ok $? "closed with the story: cancelled while pending (DependencyNeverSatisfied)"

# what the submission costs sbatch (issue 20 measures srun): figures only
t0=$(date +%s%N)
for i in 1 2 3 4 5; do submit -t 5 --hold held.sh >/dev/null; done
t1=$(date +%s%N)
sleep 1	# a job of the same script in the same second is not told apart
t1b=$(date +%s%N)
for i in 1 2 3 4 5; do submit --exp-log=lat -t 5 --hold held.sh >/dev/null; done
t2=$(date +%s%N)
# --exp-resume leaves the run log to the job's start: what --exp-log cost
# before the submission wrote it
for i in 1 2 3 4 5; do submit --exp-log=lat2 --exp-resume -t 5 --hold held.sh >/dev/null; done
t3=$(date +%s%N)
diag "sbatch: $(( (t1 - t0) / 5000000 )) ms plain, $(( (t3 - t2) / 5000000 )) ms with --exp-log (nothing written), $(( (t2 - t1b) / 5000000 )) ms with --exp-log (run log written), mean of 5"
is "$(ls "$WORK"/lat2/*.md 2>/dev/null | wc -l)" 0 "--exp-resume: nothing written at submission"
is "$(ls "$WORK"/lat/*_held*.md | wc -l)" 5 "five held jobs, five run logs"
scancel -u "$TUSER" --state=PENDING
sleep 1
as_user "$RUNLOG" status "$WORK/lat" >/dev/null

# a job that starts fills in the same file
q=$(submit --exp-log --exp-task=quick2 -t 5 quick.sh)
fq=$(wait_final "$R" "$q" 60)
ok $? "started job closes"
is "$fq" "$R/${today}_quick2.md" "same file, named at submission"
is "$(ls "$R"/*quick2*.md | wc -l)" 1 "one run log for the job"
like "$(key "$fq" start)" "^[0-9-]{10}T" "start filled in"
is "$(key "$fq" nodes)" "n1 (1)" "nodes filled in"
grep -Eq "— started: job $q on n1 \(1 node\)" "$fq"
ok $? "started Status line"
grep -q "filled when the job starts" "$fq"
ok $((! $?)) "no placeholder of the submission left"
is "$(key "$fq" scheduler_state)" COMPLETED "completed"
as_user "$RUNLOG" lint "$R" >"$WORK/lint.out" 2>&1
ok $? "runlog lint accepts the logs" || sed 's/^/#   /' "$WORK/lint.out"
done_testing
