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

# the run's page, written by the plugin as the user next to the run log
page=${f%.md}.html
for i in $(seq 1 20); do [ -s "$page" ] && break; sleep 0.5; done
ok $([ -s "$page" ]; echo $?) "the plugin wrote the run's page next to its run log"
is "$(stat -c %U "$page" 2>/dev/null)" "$TUSER" "the page belongs to the user"
is "$(key "$f" report)" "$(basename "$page")" "Results names the page"
nsvg=$(grep -o '<svg' "$page" | wc -l)
ok $(( !(nsvg >= 9) )) "GPU util, memory and power plots of n1..n3 ($nsvg plots)"
for n in n1 n2 n3; do
	grep -q "GPU utilisation, $n" "$page"
	ok $? "$n: GPU utilisation plot"
done
is "$(grep -Eic '<script|https?:|url\(' "$page")" 0 "no script, no external address"
RUNLOG=$top_builddir/runlog/runlog
as_user "$RUNLOG" report tel --out "$WORK/tel.html"
ok $? "runlog report of the group"

# both pages in a real browser: the DOM and a screenshot
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
browser() {	# browser ARGS... FILE: headless Chromium, as root here
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --user-data-dir="$WORK/chromium" "$@" 2>/dev/null
}
if [ -n "$CHROMIUM" ]; then
	browser --dump-dom "file://$page" >"$WORK/dom.html"
	ok $? "Chromium loads the run's page"
	is "$(grep -o '<svg' "$WORK/dom.html" | wc -l)" "$nsvg" "the DOM has one svg per plot"
	is "$(grep -c '<script' "$WORK/dom.html")" 0 "and no script"
	grep -q 'time since the first sample' "$WORK/dom.html"
	ok $? "axis labels in the DOM"
	n=$(grep -o 'data-n="[0-9]*"' "$WORK/dom.html" | tr -dc '0-9\n' | sort -n | tail -1)
	ok $(( !(${n:-0} >= 2) )) "series drawn with their points (largest: ${n:-0})"
	browser --window-size=1100,2600 --screenshot="$WORK/run.png" "file://$page" >/dev/null
	ok $([ -s "$WORK/run.png" ]; echo $?) "a screenshot of the run's page"
	ink=$(python3 "$top_srcdir/tests/cluster/png_ink.py" "$WORK/run.png" '#0072B2' '#E69F00')
	diag "run page: $(echo $ink)"
	blue=$(echo "$ink" | awk '$1 == "#0072B2" { print $2 }')
	orange=$(echo "$ink" | awk '$1 == "#E69F00" { print $2 }')
	ok $(( !(blue > 300 && orange > 300) )) "the plot areas are not blank: GPU 0 and GPU 1 lines drawn ($blue, $orange pixels)"
	browser --dump-dom "file://$WORK/tel.html" >"$WORK/tdom.html"
	is "$(grep -o '<svg' "$WORK/tdom.html" | wc -l)" 1 "the group page: one timeline svg"
	ok $(( !($(grep -o 'class="bar"' "$WORK/tdom.html" | wc -l) >= 1) )) "with a bar per run"
	browser --window-size=1100,700 --screenshot="$WORK/group.png" "file://$WORK/tel.html" >/dev/null
	green=$(python3 "$top_srcdir/tests/cluster/png_ink.py" "$WORK/group.png" '#009E73' | awk '$1 == "#009E73" { print $2 }')
	ok $(( !(green > 100) )) "the timeline is not blank: completed runs in green ($green pixels)"
	if [ -n "${EXP_LOG_SCREENSHOTS:-}" ]; then
		cp "$WORK/run.png" "$EXP_LOG_SCREENSHOTS/report-run.png"
		cp "$WORK/group.png" "$EXP_LOG_SCREENSHOTS/report-group.png"
	fi
else
	ok 0 "# SKIP chromium not installed (contrib/dev/install-deps)"
fi

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

id=$(submit --exp-log --exp-group=tel --exp-task=off --exp-telemetry=off \
	--exp-report=off --wrap="sleep 1")
f=$(wait_final "$R" "$id" 60)
sd=$R/.exp-log/runs/tel/$(basename "$f" .md)
ok $([ ! -e "$sd/telemetry" ]; echo $?) "--exp-telemetry=off: no sampler"
sleep 2
ok $([ ! -e "${f%.md}.html" ]; echo $?) "--exp-report=off: no page"
is "$(grep -c '^- report:' "$f")" 0 "and no report line"
done_testing
