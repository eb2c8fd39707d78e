#!/bin/bash
# slurmctld restarted while jobs run (issue 19): jobs that end while it is
# down, and a job that runs across a crash of it, still get run logs that
# close with the scheduler's true final state, told once.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs

# each job ends when the test says so
for n in ok fail; do
	code=0
	[ $n = fail ] && code=3
	cat >"$WORK/$n.sh" <<S
#!/bin/bash
s=0
while [ ! -e $WORK/go ]; do s=\$((s + 1)); echo "step \$s loss 0.5"; sleep 0.2; done
exit $code
S
done
chmod +x "$WORK"/*.sh
chown "$TUSER:" "$WORK"/*.sh
ok=$(submit --exp-log --exp-task=ok --exp-status-interval=1 -o ok.out ok.sh)
fail=$(submit --exp-log --exp-task=fail -o fail.out fail.sh)
long=$(submit --exp-log --exp-task=long -o long.out --wrap="sleep 300")
for id in $ok $fail $long; do
	wait_state "$id" 60 RUNNING || bail "job $id did not start"
	wait_started "$R" "$id" 30 >/dev/null
done
ok 0 "three jobs running with run logs"

# slurmctld stops (saving its state); two jobs end while it is down
ctld_pid=$(cat "$TB/run/slurmctld.pid")
"$TESTBED" restart-ctld "$TB" --down 6 &
restarter=$!
for i in $(seq 1 50); do
	kill -0 "$ctld_pid" 2>/dev/null || break
	sleep 0.2
done
ok $(! kill -0 "$ctld_pid" 2>/dev/null; echo $?) "slurmctld stopped"
touch "$WORK/go"
wait "$restarter"
ok $? "slurmctld restarted on the same state dir"
isnt "$(cat "$TB/run/slurmctld.pid")" "$ctld_pid" "a new slurmctld"

f=$(wait_final "$R" "$ok" 90)
ok $? "the job that ended while slurmctld was down closed"
is "$(key "$f" scheduler_state)" COMPLETED "COMPLETED"
is "$(key "$f" exit)" "exit code 0" "exit code 0"
is "$(grep -c '— completed, exit code 0$' "$f")" 1 "one final Status line"
f=$(wait_final "$R" "$fail" 90)
ok $? "the failing job closed too"
is "$(key "$f" scheduler_state)" FAILED "FAILED"
is "$(key "$f" exit)" "exit code 3" "exit code 3"
is "$(grep -c '— failed, exit code 3$' "$f")" 1 "one final Status line"

# a crash (SIGKILL) of slurmctld under a running job, then scancel
"$TESTBED" restart-ctld "$TB" --kill
ok $? "slurmctld crashed and came back"
is "$(job_state "$long")" RUNNING "the long job survived it"
as_user scancel "$long"
f=$(wait_final "$R" "$long" 90)
ok $? "the job cancelled after the crash closed"
is "$(key "$f" scheduler_state)" CANCELLED "CANCELLED"
is "$(grep -c '— cancelled (scheduler state CANCELLED)' "$f")" 1 \
	"one final Status line"
sleep 2
for id in $ok $fail $long; do
	f=$(run_log_of "$R" "$id")
	n=$(section "$f" Status | grep -cE '— (completed|failed|cancelled)')
	is "$n" 1 "job $id: still one final line after every epilog"
done
is "$(temp_files "$R")" "" "no temp file in the root"
done_testing
