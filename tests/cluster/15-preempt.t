#!/bin/bash
# Preemption (PreemptMode=CANCEL, no GraceTime): Slurm signals every
# process of the job, so exp-run forwards nothing and the program's SIGTERM
# handler runs once (issue 14 item 1; exp-run(1), "Who gets which signal").
. "$(dirname "$0")/lib.sh"
export EXP_LOG_TESTBED_KILLWAIT=5
export EXP_LOG_TESTBED_EXTRA_CONF="PreemptType=preempt/partition_prio
PreemptMode=CANCEL
PartitionName=urgent Nodes=n[1-3] PriorityTier=10 MaxTime=INFINITE State=UP OverSubscribe=NO"
testbed_up
R=$WORK/run_logs
EXPRUN=$top_builddir/sbatch-wrappers/exp-run
[ -x "$EXPRUN" ] || bail "exp-run not built"
command -v cc >/dev/null || bail "cc needed to build the signal counter"
# the counter of 13-signals.t: a line per handler call
sed -n "/^cat >\"\$WORK\/counter.c\" <<'C'$/,/^C$/p" "$(dirname "$0")/13-signals.t" |
	sed '1d;$d' >"$WORK/counter.c"
cc -O -o "$WORK/counter" "$WORK/counter.c" || bail "couldn't build the counter"
chown "$TUSER:" "$WORK/counter"

a=$(submit --exp-log --exp-group=pre --exp-task=batch --exclusive -w n2 \
	--wrap="exec $EXPRUN -- ./counter $WORK/cnt.batch")
b=$(submit --exp-log --exp-group=pre --exp-task=srun --exclusive -w n3 \
	--wrap="srun -n1 $EXPRUN -- ./counter $WORK/cnt.srun")
for n in batch srun; do
	for i in $(seq 1 120); do
		grep -qx start "$WORK/cnt.$n" 2>/dev/null && break
		sleep 0.5
	done
done
u=$(submit -p urgent --exclusive -w n2,n3 -N2 --wrap=true)
for id in $a $b; do
	f=$(wait_final "$R" "$id" 120) || { ok 1 "job $id closed"; continue; }
	n=$(key "$f" task)
	[ -n "$n" ] || n=$(basename "$f" .md | sed 's/^[0-9-]*_//')
	is "$(key "$f" scheduler_state)" PREEMPTED "$n: preempted"
	sd=$R/.exp-log/runs/pre/$(basename "$f" .md)
	grep -q '"action":"forwarded' "$sd/signals.jsonl"
	ok $((! $?)) "$n: exp-run forwarded nothing"
	diag "$n: $(tr '\n' ' ' <"$WORK/cnt.$n")"
done
is "$(grep -cx TERM "$WORK/cnt.batch")" 1 "batch: the program's SIGTERM handler ran once"
# srun steps: Slurm itself sends SIGTERM twice on preemption and at the
# time limit (slurmd req.c: _rpc_timelimit, then _rpc_terminate_job)
diag "srun: SIGTERM from Slurm $(grep -cx TERM "$WORK/cnt.srun") time(s)"
wait_job_done "$u" 60
done_testing
