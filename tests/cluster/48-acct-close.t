#!/bin/bash
# runlog status closes from accounting what slurmctld forgot (issue 17,
# part 3).  Job A ends (exit 3) while its run-log root is read-only, so
# neither the step nor the epilog can close its log; slurmdbd recorded
# how it ended.  Job B starts while slurmdbd is down, so only slurmctld's
# queue of accounting records knows it.  Then slurmctld's state is wiped:
# it forgets both jobs and the queued records.  With slurmdbd still down,
# `runlog status` answers at once and says accounting was unreachable;
# once slurmdbd is back, A's log is closed with accounting's state, end
# time and exit code (marked as filled in from accounting), and B, which
# accounting does not know either, stays LOST.
. "$(dirname "$0")/lib.sh"
# our own test user: the epilog leaves notes for the read-only root in
# the user's ~/.cache/exp-log/unlogged/, which `runlog status` in the
# tests running beside this one would show
export EXP_LOG_TESTBED_USER=explogacct

TESTBED_ARGS=--accounting
testbed_up
FS=$WORK/fs
small_fs "$FS" 8
R=$FS/run_logs
RUNLOG=$top_builddir/runlog/runlog
[ -x "$RUNLOG" ] || bail "$RUNLOG not built (run make)"
rl() { as_user "$RUNLOG" "$@"; }

# a job that runs until the test says stop (stdout outside the root;
# telemetry off: its open file would keep "remount,ro" busy)
cat >"$WORK/a.sh" <<S
#!/bin/bash
while [ ! -e $WORK/stop-\$1 ]; do echo "step 1 loss 0.5"; sleep 0.3; done
exit \$2
S
chmod +x "$WORK/a.sh"
chown "$TUSER:" "$WORK/a.sh"
a=$(submit --exp-log="$R" --exp-task=a --exp-telemetry=off -o a.out \
	a.sh a 3)
wait_state "$a" 60 RUNNING || bail "job $a did not start"
for i in $(seq 1 40); do
	fa=$(run_log_of "$R" "$a") && break
	sleep 0.5
done
ok "$([ -n "$fa" ] && [ -f "$fa" ]; echo $?)" "job A has a run log"
remount ro "$FS" || bail "couldn't make the root read-only"
touch "$WORK/stop-a"
wait_state "$a" 60 FAILED
ok $? "job A ended (exit 3) while its root was read-only"
for i in $(seq 1 60); do
	acct=$(timeout 20 sacct -X -n -P -j "$a" -o State,End,ExitCode)
	case $acct in FAILED\|*) break ;; esac
	sleep 1
done
is "${acct%%|*}" FAILED "accounting has how job A ended"
remount rw "$FS" || bail "couldn't make the root writable again"
grep -q '^- scheduler_state: [A-Z]' "$fa"
ok $(( ! $? )) "job A's log is still open (nothing could write it)"

# slurmdbd stops; job B starts (slurmctld queues its records)
dbd_pid=$(cat "$TB/run/slurmdbd.pid")
kill -TERM "$dbd_pid"
for i in $(seq 1 50); do kill -0 "$dbd_pid" 2>/dev/null || break; sleep 0.2; done
ok "$(kill -0 "$dbd_pid" 2>/dev/null; echo $(( ! $? )))" "slurmdbd stopped"
b=$(submit --exp-log="$R" --exp-task=b --exp-telemetry=off -o b.out \
	a.sh b 0)
wait_state "$b" 60 RUNNING || bail "job $b did not start"
for i in $(seq 1 40); do
	fb=$(run_log_of "$R" "$b") && break
	sleep 0.5
done
ok "$([ -n "$fb" ] && [ -f "$fb" ]; echo $?)" "job B has a run log"

# slurmctld loses its state (B is killed on the nodes' next registration:
# its root is read-only then, so its log stays open too)
remount ro "$FS" || bail "couldn't make the root read-only"
"$TESTBED" restart-ctld "$TB" --wipe
ok $? "slurmctld restarted with its state wiped"
for i in $(seq 1 60); do
	[ -z "$(pgrep -f "$TB/spool/.*/slurm_script b 0")" ] && break
	sleep 0.5
done
is "$(pgrep -f "$TB/spool/.*/slurm_script b 0")" "" "job B was ended by the controller that forgot it"
sleep 5	# the epilog of the killed job fails on the read-only root too
remount rw "$FS" || bail "couldn't make the root writable again"
is "$(job_state "$a")$(job_state "$b")" "" "slurmctld knows neither job"

# slurmdbd down: status answers from slurmctld and the logs, and says so
t0=$(date +%s%N)
out=$(rl status "$R" 2>"$WORK/err")
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
ok $rc "runlog status answers with slurmdbd down"
diag "runlog status with slurmdbd down: ${ms} ms"
ok "$([ "$ms" -lt 12000 ]; echo $?)" "within its time budget (${ms} ms)"
is "$(grep -c 'accounting unreachable' "$WORK/err")" 1 \
	"one line says accounting was unreachable"
grep 'accounting' "$WORK/err" | sed 's/^/#   /'
is "$(printf '%s\n' "$out" | grep -c ' LOST ')" 2 "both runs LOST meanwhile"
grep -q '^- scheduler_state: [A-Z]' "$fa"
ok $(( ! $? )) "nothing closed without an answer"

# slurmdbd back
slurmdbd >>"$TB/log/slurmdbd.out" 2>&1
ok $? "slurmdbd started again"
for i in $(seq 1 60); do
	timeout 10 sacctmgr -n -P show cluster format=cluster >/dev/null 2>&1 && break
	sleep 0.5
done
is "$(timeout 20 sacct -X -n -P -j "$b" -o JobID 2>/dev/null)" "" \
	"accounting never heard of job B (its queued records were wiped)"
IFS='|' read -r st end ex <<<"$(timeout 20 sacct -X -n -P -j "$a" \
	-o State,End,ExitCode)"
end_epoch=$(date -d "$end" +%s)

json=$(rl status --json "$R" 2>"$WORK/err")
ok $? "runlog status with slurmdbd back"
is "$(grep -c 'accounting unreachable' "$WORK/err")" 0 "no accounting complaint"
row() {	# row JOB KEY: a key of the job's row in the JSON
	python3 -c 'import json, sys
rows = json.load(sys.stdin)
r = [x for x in rows if x["job_id"] == sys.argv[1]][0]
print(r[sys.argv[2]])' "$1" "$2" <<<"$json"
}
is "$(row "$a" state)" FAILED "job A: accounting's state"
is "$(row "$a" state_source)" accounting "job A: filled in from accounting"
is "$(row "$a" open)" False "job A: its log is closed"
is "$(row "$b" state)" LOST "job B: LOST (accounting does not know it either)"
case $(row "$b" hint) in
*"accounting does not know"*) ok 0 "job B's hint says accounting does not know it" ;;
*) ok 1 "job B's hint says accounting does not know it: $(row "$b" hint)" ;;
esac

is "$(key "$fa" scheduler_state)" FAILED "A's run log: scheduler_state FAILED"
is "$ex" 3:0 "accounting's ExitCode 3:0"
is "$(key "$fa" exit)" "exit code 3" "A's run log: exit code 3"
got_end=$(date -d "$(sed -n '/^## Job/,/^## /s/^- end: `\(.*\)`$/\1/p' "$fa" | head -1)" +%s)
is "$got_end" "$end_epoch" "A's run log: accounting's end time ($end)"
is "$(grep -c '— failed, exit code 3 (filled in from accounting: slurmctld no longer knew the job)$' "$fa")" 1 \
	"one final Status line, marked as filled in from accounting"
grep -q '"ended_by": *"accounting"' "$(state_dir_of "$R" "$a")/run.json"
ok $? "run.json: ended_by accounting"
grep -q '^- scheduler_state: [A-Z]' "$fb"
ok $(( ! $? )) "job B's log stays open"

rl status "$R" >/dev/null 2>"$WORK/err"
is "$(grep -c 'filled in from accounting' "$fa")" 1 "a second status adds nothing"
[ -s "$R/.exp-log/cache/acct-unknown" ]
ok $? "the job accounting did not know is remembered"
is "$(cut -d' ' -f1 "$R/.exp-log/cache/acct-unknown")" "$b" "job B, by id"
is "$(temp_files "$R")" "" "no temp file in the root"
done_testing
