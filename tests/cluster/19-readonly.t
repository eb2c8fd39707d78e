#!/bin/bash
# The run-log root remounted read-only while a job runs (issue 19): the job
# runs on and ends as it would (exp-log kills nothing), the earlier run
# log and the job's last good version stay intact, no temp file is left,
# the failure is told (slurmd log, the note `runlog status` shows), and
# once the root is writable again `runlog close` closes the log with the
# true final state that slurmctld still knows.
. "$(dirname "$0")/lib.sh"
# our own test user: the epilog leaves its notes in the user's
# ~/.cache/exp-log/unlogged/, named by job id, and a bed beside this one
# numbers its jobs from 1 too
export EXP_LOG_TESTBED_USER=explogro
testbed_up
FS=$WORK/fs
small_fs "$FS" 8
R=$FS/run_logs
RUNLOG=$top_builddir/runlog/runlog

# an earlier job's run log in the same root
earlier_job "$R"

# progress on stdout (outside the root) until the test says stop; exit 3
# so the true final state is not the default one
cat >"$WORK/ro.sh" <<S
#!/bin/bash
s=0
while [ ! -e $WORK/stop ]; do s=\$((s + 1)); echo "step \$s loss 0.\$((900 - s))"; sleep 0.5; done
echo "ran \$s steps"
exit 3
S
chmod +x "$WORK/ro.sh"
chown "$TUSER:" "$WORK/ro.sh"
# Telemetry off: its sampler keeps its file in the root open for the
# whole step, and the kernel refuses "remount,ro" (EBUSY) while a file is
# open for writing, so with telemetry on this case cannot be made this way.
b=$(submit --exp-log="$R" --exp-task=ro --exp-status-interval=1 \
	--exp-telemetry=off -o ro.out ro.sh)
wait_state "$b" 60 RUNNING
fb=
for i in $(seq 1 60); do
	fb=$(run_log_of "$R" "$b") &&
		[ "$(grep -c '— running, step' "$fb")" -ge 2 ] && break
	sleep 0.5
done
ok $([ "$(grep -c '— running, step' "$fb" 2>/dev/null)" -ge 2 ]; echo $?) \
	"the job writes evidence into its run log"
remount ro "$FS"
ok $? "the root remounted read-only under the running job"
cp "$fb" "$WORK/ro.last.md"
sleep 4
is "$(job_state "$b")" RUNNING "the job runs on: exp-log does not stop it"
cmp -s "$fb" "$WORK/ro.last.md"
ok $? "its run log keeps the last version written"
touch "$WORK/stop"
wait_job_done "$b" 60
is "$(job_state "$b")" FAILED "the job ended as its script said (exit 3)"
grep -q '^ran [0-9]* steps$' "$WORK/ro.out"
ok $? "the script ran to its end"
# the step's close and the epilog both fail and say so
for i in $(seq 1 60); do
	slurmd_log_grep "exp-log: epilog: job $b: couldn't close run log" |
		grep -q . && break
	sleep 0.5
done
like "$(slurmd_log_grep "exp-log: epilog: job $b:")" \
	"couldn't close run log: .*Read-only file system" \
	"the epilog's failure is in the slurmd log"
like "$(slurmd_log_grep "exp-log: job $b: [0-9]* updates")" \
	"updates? of run log $fb could not be written .*Read-only file system; the run log does not say so" \
	"the monitor's lost updates are in the slurmd log"
ok $([ -s "$WORK/.cache/exp-log/unlogged/$b.json" ]; echo $?) \
	"a note for runlog status in the job's HOME"
cmp -s "$fb" "$WORK/ro.last.md"
ok $? "the run log is still its last good version"
earlier_log_same && earlier_json_same
ok $? "the earlier run log and its sidecar are untouched"
is "$(temp_files "$FS")" "" "no temp file in the root"

remount rw "$FS"
ok $? "the root writable again"
out=$(as_user "$RUNLOG" status "$R" 2>&1)
like "$out" "warning: job $b \\(.*\\): its run log in $R could not be written: .*Read-only file system" \
	"runlog status shows the failed close"
like "$out" "_ro.md .*FAILED" "and the scheduler's state of the open run"
like "$out" "hint: [0-9-]*_ro.md: the scheduler says FAILED; its log could not be closed \\(warning above\\): .runlog close $fb. records" \
	"with a hint that names the way out"
# job ids repeat on another cluster sharing this home: a note for the
# same id in another directory warns, but says nothing of this run
note=$WORK/.cache/exp-log/unlogged/$b.json
cp "$note" "$WORK/note.keep"
sed "s|\"root\": *\"[^\"]*\"|\"root\": \"$WORK/elsewhere\"|" "$WORK/note.keep" >"$note"
out=$(as_user "$RUNLOG" status "$R" 2>&1)
like "$out" "warning: job $b \\(.*\\): its run log in $WORK/elsewhere could not be written" \
	"a note for the same job id elsewhere still warns"
echo "$out" | grep -q "its log could not be closed"
ok $((! $?)) "but gives this run no hint of it"
cp "$WORK/note.keep" "$note"
out=$(as_user "$RUNLOG" close "$fb" 2>&1)
ok $? "runlog close closes it"
[ -n "$out" ] && diag "$out"
is "$(key "$fb" scheduler_state)" FAILED "with the scheduler's true final state"
is "$(key "$fb" exit)" "exit code 3" "and the job's exit code"
is "$(grep -c '— failed, exit code 3$' "$fb")" 1 "one final Status line"
ok $([ ! -e "$WORK/.cache/exp-log/unlogged/$b.json" ]; echo $?) \
	"the note is removed once the log is closed"
out=$(as_user "$RUNLOG" status "$R" 2>&1)
unlike "$out" "warning: job $b " "runlog status no longer warns"
is "$(as_user "$RUNLOG" close "$fb" 2>&1)" \
	"runlog: $fb: already closed (scheduler_state FAILED)" "closing twice is refused"
is "$(temp_files "$FS")" "" "still no temp file in the root"
earlier_log_same
ok $? "the earlier run log is still untouched"
# the epilog's note went to the passwd home: ours only, named by our root
h=$(getent passwd "$TUSER" | cut -d: -f6)/.cache/exp-log/unlogged/$b.json
grep -qF "$R" "$h" 2>/dev/null && rm -f "$h"
done_testing
