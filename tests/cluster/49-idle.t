#!/bin/bash
# Idle GPUs and CPUs while the job runs (issue 17, part 4), with the test
# suite's fake NVML and a 3 s window instead of 30 minutes: a job whose
# two GPUs sit at 3% and whose program sleeps gets one "GPUs idle" and
# one "CPUs idle" Status line while it runs; a busy job gets neither.
# The Efficiency block that `runlog status --sacct` writes carries the
# GPUs' mean utilization from exp-log's own telemetry.
. "$(dirname "$0")/lib.sh"
FAKE=$top_builddir/tests/fake_nvml/.libs/fake_nvml.so
[ -r "$FAKE" ] || bail "fake NVML not built ($FAKE): make check builds it"
SITE=$(mktemp /tmp/exp-log-site.XXXXXX.yaml)
SCRIPT=$(mktemp /tmp/exp-log-nvml.XXXXXX)
printf 'gpus 2\nutil 0 2\nutil 1 4\n' >"$SCRIPT"
cat >"$SITE" <<Y
telemetry:
  nvml_library: $FAKE
  idle_gpu_percent: 10
  idle_cpu_percent: 10
  idle_after: 3s
Y
chmod 644 "$SITE" "$SCRIPT"
# slurmstepd inherits slurmd's environment: that is where NVML looks
export FAKE_NVML_SCRIPT=$SCRIPT
export EXP_LOG_TESTBED_PLUGIN_ARGS="config=$SITE"
TESTBED_ARGS=--accounting
testbed_up
trap 'testbed_down; rm -f "$SITE" "$SCRIPT"' EXIT
R=$WORK/run_logs
RUNLOG=$top_builddir/runlog/runlog
[ -x "$RUNLOG" ] || bail "$RUNLOG not built (run make)"

# idle: GPUs at 2% and 4%, the program asleep; the Status line must come
# while the job runs, so the job waits for it (at most 60 s)
idle=$(submit --exp-log --exp-group=idle --exp-task=idle --exp-telemetry=1 \
	--exp-status-interval=1 -t 5 --wrap "for i in \$(seq 1 120); do
		grep -q 'CPUs idle' $R/idle/*.md 2>/dev/null &&
			grep -q 'GPUs idle' $R/idle/*.md && break
		sleep 0.5
	done
	sleep 2")
f=$(wait_final "$R" "$idle" 120)
ok $? "the idle job closed"
section "$f" Status | grep -E 'idle' | sed 's/^/#   /'
is "$(grep -c '— GPUs idle: utilization under 10% for 3s (now 3%, 2 GPUs): ' "$f")" 1 \
	"one GPUs-idle Status line"
is "$(grep -cE '— CPUs idle: the job used 0\.[0-9] of its [0-9]+ CPUs? \(under 10%\) for 3s: ' "$f")" 1 \
	"one CPUs-idle Status line"
gl=$(grep -n 'GPUs idle' "$f" | cut -d: -f1)
el=$(grep -nE '— (completed|failed)' "$f" | cut -d: -f1)
ok "$([ -n "$gl" ] && [ -n "$el" ] && [ "$gl" -lt "$el" ]; echo $?)" \
	"told while the job ran, before its final line"

# busy: GPUs at 80%, a CPU spinning
printf 'gpus 2\nutil 0 80\nutil 1 80\n' >"$SCRIPT"
busy=$(submit --exp-log --exp-group=idle --exp-task=busy --exp-telemetry=1 \
	--exp-status-interval=1 -n1 -c1 -t 5 \
	--wrap 'timeout 9 sh -c "while :; do :; done"; exit 0')
fb=$(wait_final "$R" "$busy" 120)
ok $? "the busy job closed"
is "$(grep -c ' idle: ' "$fb")" 0 "no idle line for a busy job"
grep -q '— running, .*GPU util 80%' "$fb"
ok $? "its evidence shows the GPUs busy"

# the Efficiency block: GPU utilization from telemetry
sacct_fields "$idle" >/dev/null
ok $? "accounting has the idle job"
as_user "$RUNLOG" status --sacct "$R" >/dev/null
ok $? "runlog status --sacct"
section "$f" Efficiency | sed 's/^/#   /'
is "$(section "$f" Efficiency | grep '^- gpu_utilization: ')" \
	"- gpu_utilization: 3.0% (mean over 2 GPUs, exp-log telemetry)" \
	"the idle job's mean GPU utilization, from telemetry"
section "$f" Efficiency | grep -q '^- advice: .*2 GPUs busy 3% of the time on average'
ok $? "advice for idle GPUs"
tm=$(key "$f" telemetry | sed -n 's/.*GPU util mean \([0-9.]*\)%.*/\1/p')
is "$tm" 3.0 "it agrees with the telemetry line in Results"
done_testing
