#!/bin/bash
# Jobs that do not end on their own: scancel and the time limit.  The run
# log still ends with the scheduler's true state, written by the epilog.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs

id=$(submit --exp-log --exp-task=cancelled --wrap="sleep 300")
wait_state "$id" 60 RUNNING
ok $? "job running"
wait_started "$R" "$id" 30 >/dev/null
as_user scancel "$id"
f=$(wait_final "$R" "$id" 60)
ok $? "cancelled job closed"
is "$(key "$f" scheduler_state)" "CANCELLED" "CANCELLED"
grep -q "— cancelled (scheduler state CANCELLED)" "$f"
ok $? "Status says cancelled"
grep -q "^- end: \`20" "$f" && grep -q "^- runtime: \`00:0" "$f"
ok $? "end and runtime filled"

id=$(submit --exp-log --exp-task=timeout -t 1 --wrap="sleep 600")
wait_state "$id" 60 RUNNING
ok $? "time-limited job running"
f=$(wait_final "$R" "$id" 240)
ok $? "time-limited job closed"
is "$(key "$f" scheduler_state)" "TIMEOUT" "TIMEOUT"
grep -q "— time limit reached (scheduler state TIMEOUT)" "$f"
ok $? "Status says time limit reached"
is "$(key "$f" time_limit)" "00:01:00" "time limit recorded"
rt=$(key "$f" runtime)
case $rt in
00:01:*|00:02:*|00:03:*) ok 0 "runtime past the limit ($rt)" ;;
*) ok 1 "runtime past the limit ($rt)" ;;
esac
done_testing
