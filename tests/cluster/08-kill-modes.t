#!/bin/bash
# Every way a job can end, with the program under exp-run: the run log
# ends with the right final state, in one final Status line that agrees
# with Results and the scheduler, and the built-in tracker (events.jsonl)
# is finalized with the right exit code.  Prints the modes x outcomes table.
. "$(dirname "$0")/lib.sh"
export EXP_LOG_TESTBED_SLURMD_TIMEOUT=10
export EXP_LOG_TESTBED_KILLWAIT=5
testbed_up
R=$WORK/run_logs
EXPRUN=$top_builddir/sbatch-wrappers/exp-run
[ -x "$EXPRUN" ] || bail "exp-run not built"

WBF=$top_srcdir/tests/wandb/wandbfile.py
# A trainer with an offline W&B run (written by W&B's published format,
# no exit record yet) that saves on SIGTERM (trap), ignores it (stubborn),
# exits at once (ok, fail) or runs out of memory (oom).
cat >"$WORK/trainer.sh" <<S
#!/bin/bash
mode=\$1
d=\$WANDB_DIR/wandb/offline-run-\$(date +%Y%m%d_%H%M%S)-r\$SLURM_JOB_ID
mkdir -p "\$d" && python3 $WBF write "\$d/run-r\$SLURM_JOB_ID.wandb" --run-id "r\$SLURM_JOB_ID" --steps 3
case \$mode in
ok)       exit 0 ;;
fail)     exit 1 ;;
oom)      ulimit -v 300000; exec python3 -c 'x = bytearray(1 << 30)' ;;
trap)     trap 'echo "saving on TERM"; sleep 2; exit 143' TERM ;;
stubborn) trap '' TERM ;;
esac
for i in \$(seq 1 600); do echo "step \$i loss 0.5"; sleep 1 & wait \$!; done
S
chmod +x "$WORK/trainer.sh"
chown "$TUSER:" "$WORK/trainer.sh"

declare -A ID WANT_STATE WANT_EXIT ROW WANDB_EXIT
sub() {	# sub NAME STATE EXIT SBATCH-ARGS... -- job command
	local name=$1 state=$2 code=$3
	shift 3
	ID[$name]=$(submit --exp-log --exp-group=kill --exp-task="$name" \
		--exp-wandb=offline "$@")
	WANT_STATE[$name]=$state
	WANT_EXIT[$name]=$code
	WANDB_EXIT[$name]=$code
}

sub exit0 COMPLETED 0 --wrap="$EXPRUN -- ./trainer.sh ok"
sub exit1 FAILED 1 --wrap="$EXPRUN -- ./trainer.sh fail"
sub cancel CANCELLED 143 --wrap="$EXPRUN -- ./trainer.sh plain"
# scancel -s KILL is a cancellation to Slurm: SIGTERM first, then SIGKILL
sub cancelkill CANCELLED 143 --wrap="$EXPRUN -- ./trainer.sh plain"
# exp-run itself SIGKILLed: nobody in the job can finalize; the epilog does
sub exprunkilled FAILED 137 --wrap="$EXPRUN -- ./trainer.sh plain"
# the program stops on the warning, before the limit: Slurm says FAILED
sub limit_trapped FAILED 143 -t 1 --signal=B:TERM@20 \
	--wrap="exec $EXPRUN -- ./trainer.sh trap"
sub limit_untrapped FAILED 143 -t 1 --signal=B:TERM@20 \
	--wrap="exec $EXPRUN -- ./trainer.sh plain"
sub limit_nospec TIMEOUT 137 -t 1 --wrap="exec $EXPRUN -- ./trainer.sh stubborn"
sub oom FAILED 1 --wrap="$EXPRUN -- ./trainer.sh oom"
# n3 dies; the batch host n2 gets SIGTERM and exp-run there finishes
sub nodefail NODE_FAIL 143 -N2 -w n2,n3 --no-requeue \
	--wrap="srun -N2 $EXPRUN -- ./trainer.sh plain"

for n in cancel cancelkill exprunkilled nodefail; do
	wait_state "${ID[$n]}" 60 RUNNING || diag "$n did not start"
done
sleep 3
as_user scancel "${ID[cancel]}"
as_user scancel --full -s KILL "${ID[cancelkill]}"
wait_state "${ID[exprunkilled]}" 60 RUNNING
for p in $(pgrep -u "$TUSER" -x exp-run); do
	tr '\0' '\n' </proc/$p/environ | grep -qx "SLURM_JOB_ID=${ID[exprunkilled]}" &&
		kill -KILL "$p"
done
# node failure: the slurmd of n3 dies while the job runs there
kill -KILL "$(cat "$TB/run/slurmd-n3.pid")"

for n in "${!ID[@]}"; do
	f=$(wait_final "$R" "${ID[$n]}" 240) || { ok 1 "$n: closed"; continue; }
	st=$(key "$f" scheduler_state)
	is "$st" "${WANT_STATE[$n]}" "$n: scheduler state in the run log"
	sd=$R/.exp-log/runs/kill/$(basename "$f" .md)
	fin=$(grep '"event":"finish"' "$sd/events.jsonl" 2>/dev/null | tail -1)
	code=$(echo "$fin" | sed -n 's/.*"exit_code":\([0-9]*\).*/\1/p')
	is "$code" "${WANT_EXIT[$n]}" "$n: events.jsonl finish exit_code"
	ended=$(key "$f" ended)
	ok $([ -n "$ended" ]; echo $?) "$n: Results says how it ended"
	# exactly one final Status line, agreeing with Results (scheduler
	# state and exit) and so with the scheduler
	fin=$(section "$f" Status | grep -E '^- [^—]* — (completed|failed|cancelled|time limit reached|out of memory|node failure|preempted|deadline reached|node boot failure|requeued|ended|batch script killed)')
	is "$(printf '%s' "$fin" | grep -c .)" 1 "$n: one final Status line"
	case $st in
	COMPLETED) want="completed*" ;;
	FAILED) want="failed*" ;;
	*) want="* (scheduler state $st)*" ;;
	esac
	ex=$(key "$f" exit)
	text=${fin#*— }
	[[ $text == $want && $text == *"${ex:+, $ex}" ]]
	ok $? "$n: the final line agrees with Results ($st, $ex): $text"
	wb=$(ls "$sd"/wandb/wandb/offline-run-*/run-*.wandb 2>/dev/null | head -1)
	wcode=$(python3 "$WBF" read --kv "$wb" 2>/dev/null | sed -n 's/^exit_code=//p')
	is "$wcode" "${WANDB_EXIT[$n]}" "$n: the W&B offline run got an exit record"
	ROW[$n]=$(printf '%-16s %-10s %-5s %-5s %s' "$n" "$st" "$code" "$wcode" "$ended")
done

f=$(run_log_of "$R" "${ID[limit_trapped]}")
grep -q "ended: time limit: SIGTERM at [0-9:]* (grace 18 s), exited 143 after [0-9] s" "$f"
ok $? "trapped time limit: grace and exit told from exp-run's record"
grep -q "warning signal SIGTERM (--signal=B:TERM@20) was due at [0-9:]*; exp-run saw it at" "$f"
ok $? "Status: when the warning was due and when it was seen"
f=$(run_log_of "$R" "${ID[limit_nospec]}")
grep -q "SIGKILLed when the grace ran out" "$f"
ok $? "stubborn program: SIGKILL after the grace (KillWait 5 s - margin)"
f=$(run_log_of "$R" "${ID[limit_untrapped]}")
grep -q "ended: time limit: SIGTERM at [0-9:]* (grace 18 s), killed by SIGTERM after 0 s" "$f"
ok $? "untrapped: killed by the warning signal itself"
f=$(run_log_of "$R" "${ID[exit1]}")
grep -q "^- ended: failed, exit code 1$" "$f"
ok $? "exit 1 told plainly"

echo "# mode             state      exit  W&B   ended"
for n in exit0 exit1 cancel cancelkill exprunkilled limit_trapped limit_untrapped limit_nospec oom nodefail; do
	echo "# ${ROW[$n]}"
done
done_testing
