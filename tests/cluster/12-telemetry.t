#!/bin/bash
# Node and GPU telemetry on every node of a job, with the test suite's
# fake NVML (these machines have no GPU): samples per node, GPU figures in
# Status, a summary per node and overall in Results (util, memory,
# energy, GPU-hours, cost), hardware in Config; no NVML and a bad interval.
. "$(dirname "$0")/lib.sh"
FAKE=$top_builddir/tests/fake_nvml/.libs/fake_nvml.so
[ -r "$FAKE" ] || bail "fake NVML not built ($FAKE): make check builds it"
SITE=$(mktemp /tmp/exp-log-site.XXXXXX.yaml)
SCRIPT=$(mktemp /tmp/exp-log-nvml.XXXXXX)
cat >"$SCRIPT" <<S
gpus 2
name 0 NVIDIA H100 80GB HBM3
name 1 NVIDIA H100 80GB HBM3
util 0 80
util 1 60
mem_used 0 42949672960
mem_used 1 21474836480
power 0 400000
power 1 200000
temp 0 65
temp 1 60
sm 0 1980
sm 1 1980
S
cat >"$SITE" <<Y
telemetry:
  nvml_library: $FAKE
  cost_per_gpu_hour: 3.00
  currency: USD
Y
chmod 644 "$SITE" "$SCRIPT"
# slurmstepd inherits slurmd's environment: that is where NVML looks
export FAKE_NVML_SCRIPT=$SCRIPT
export EXP_LOG_TESTBED_PLUGIN_ARGS="config=$SITE"
testbed_up
trap 'testbed_down; rm -f "$SITE" "$SCRIPT"' EXIT
R=$WORK/run_logs

id=$(submit --exp-log --exp-group=tel -N3 --exp-telemetry=1 \
	--exp-status-interval=2 --wrap="srun -N3 sleep 6")
f=$(wait_final "$R" "$id" 90)
ok $? "3-node job closed"
sd=$R/.exp-log/runs/tel/$(basename "$f" .md)
for n in n1 n2 n3; do
	t=$sd/telemetry/$n.jsonl
	ok $([ -s "$t" ]; echo $?) "$n: samples written"
	grep -q '"type":"sample".*"gpus":\[{"index":0.*"util":80.*"power_w":400' "$t"
	ok $? "$n: GPU fields from NVML in the samples"
	grep -q '"type":"start"' "$t"
	ok $? "$n: a start line with the node's hardware"
done
is "$(stat -c %U "$sd/telemetry/n1.jsonl")" "$TUSER" "telemetry files belong to the user"
grep -Eq '— running, .*GPU util 70%' "$f"
ok $? "Status evidence carries the GPU utilization"
grep -q '^- telemetry: ' "$f"
ok $? "Results: overall telemetry line: $(key "$f" telemetry)"
key "$f" telemetry | grep -q 'GPU util mean 70.0%, max 80%'
ok $? "mean and max GPU util over the job's GPUs"
key "$f" telemetry | grep -q 'kWh'
ok $? "energy in kWh"
key "$f" telemetry | grep -q 'GPU-hours'
ok $? "GPU-hours"
key "$f" telemetry | grep -q 'USD'
ok $? "cost from the site's price"
for n in n1 n2 n3; do
	grep -q "^- telemetry $n: " "$f"
	ok $? "Results: a line for $n"
done
is "$(grep -c '^- hardware: n[123]: ' "$f")" 3 "Config: hardware of each node"

# no NVML: no GPU fields, one line saying so, the job is fine
sed -i "s#nvml_library: .*#nvml_library: /nonexistent/libnvidia-ml.so.1#" "$SITE"
id=$(submit --exp-log --exp-group=tel --exp-task=nonvml --exp-telemetry=1 --wrap="sleep 3")
f=$(wait_final "$R" "$id" 60)
is "$(key "$f" scheduler_state)" COMPLETED "no NVML: the job is fine"
grep -q "no NVML: GPU telemetry off" "$f"
ok $? "no NVML: one line says so"
sd=$R/.exp-log/runs/tel/$(basename "$f" .md)
grep -q '"type":"sample"' "$sd/telemetry/n1.jsonl" &&
	! grep '"type":"sample"' "$sd/telemetry/n1.jsonl" | grep -q '"gpus"'
ok $? "no NVML: samples without GPU fields"

out=$(as_user sbatch --exp-log --exp-telemetry=fast --wrap=true 2>&1)
ok $(( $? == 0 )) "--exp-telemetry=fast refused at submission"
echo "$out" | grep -q "exp-log: --exp-telemetry: invalid value 'fast'"
ok $? "with a message naming the option"

id=$(submit --exp-log --exp-group=tel --exp-task=off --exp-telemetry=off --wrap="sleep 1")
f=$(wait_final "$R" "$id" 60)
sd=$R/.exp-log/runs/tel/$(basename "$f" .md)
ok $([ ! -e "$sd/telemetry" ]; echo $?) "--exp-telemetry=off: no sampler"
done_testing
