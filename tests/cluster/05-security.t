#!/bin/bash
# uid rules: files belong to the job's user; the root epilog never follows a
# symlink the user planted; an unwritable run-log dir never fails the job.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs
# the test replaces a run log by a symlink: lint rightly refuses it
LINT_SKIP="$R"

# the user swaps its run log for a symlink to a root-owned file mid-job
echo "root secret" >/root/exp-log-target.$$
chmod 600 /root/exp-log-target.$$
cp /root/exp-log-target.$$ "$TB/target.expected"
id=$(submit --exp-log --exp-task=evil --wrap="sleep 4")
wait_state "$id" 60 RUNNING
f=$(wait_started "$R" "$id" 30)
as_user ln -sf /root/exp-log-target.$$ "$f.tmp-link"
as_user mv -f "$f.tmp-link" "$f"
ok $([ -L "$f" ]; echo $?) "run log replaced by a symlink to a root file"
wait_job_done "$id" 60
sleep 4
cmp -s /root/exp-log-target.$$ "$TB/target.expected"
ok $? "root file untouched by the root epilog"
is "$(stat -c %U /root/exp-log-target.$$)" root "still owned by root"
grep -q "exp-log: epilog: job $id: couldn't close run log: .*symlink" "$TB"/log/slurmd-*.log
ok $? "epilog logged the refusal"
rm -f /root/exp-log-target.$$

# issue 19, finding 7: the process of user_init that parses the user's
# files (git, run logs, timeline, datasets) has no way back to root: its
# real, effective, saved and fs uids are all the user's
uids=$WORK/uids.txt
id=$(EXP_LOG_TEST_UIDS_FILE=$uids submit --exp-log --exp-task=uids \
	-o groups.out --wrap='grep ^Groups: /proc/self/status')
wait_final "$R" "$id" 60 >/dev/null
tuid=$(id -u "$TUSER")
is "$(grep '^begin ' "$uids" 2>/dev/null)" "$(printf 'begin Uid:\t%s\t%s\t%s\t%s' "$tuid" "$tuid" "$tuid" "$tuid")" \
	"user_init parses as the user alone (no saved uid 0)"
# with the groups Slurm gave the job (S_JOB_SUPPLEMENTARY_GIDS), the ones
# its task has: a team's group-writable root works for the run log too
is "$(sed -n 's/^begin-groups //p' "$uids" 2>/dev/null)" "$(cat "$WORK/groups.out")" \
	"and with the job's supplementary groups"
is "$(stat -c %U "$(run_log_of "$R" "$id")")" "$TUSER" "and the run log is still the user's"

# run-log dir made read-only after submission (a read-only one is refused
# at submission: 14-rundir.t): the job runs and keeps its own exit code
as_user mkdir -p ro
id=$(submit --hold --exp-log=ro --wrap="echo ran; exit 7" -o ro.out)
chmod 555 "$WORK/ro"
scontrol release "$id"
wait_job_done "$id" 60
is "$(job_state "$id")" FAILED "job ran and failed with its own code"
is "$(scontrol show job "$id" | sed -n 's/.*ExitCode=\([0-9:]*\).*/\1/p')" "7:0" "exit code 7 kept"
grep -q "^ran$" "$WORK/ro.out"
ok $? "job script ran"
grep -q "exp-log: job $id: couldn't write run log" "$TB"/log/slurmd-*.log
ok $? "plugin logged the error"
done_testing
