#!/bin/bash
# Evidence while a job runs: Status lines with step and loss every
# --exp-status-interval, "stalled" when progress stops, errors quoted from
# stderr, and Results (final step, losses, one-liner, checkpoint) at the
# end; experiments.md for experiment runs.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs

cat >"$WORK/train.sh" <<'S'
#!/bin/bash
loss=1.10
for step in $(seq 100 100 1200); do
	loss=$(awk -v l="$loss" 'BEGIN { printf "%.4f", l * 0.8 }')
	echo "step $step loss $loss"
	[ $((step % 400)) = 0 ] && echo "{\"step\": $step, \"val_loss\": $loss}" >>"$EXP_LOG_STATE/metrics.jsonl"
	sleep 0.5
done
mkdir -p checkpoints && echo w >checkpoints/step_1200.pt
echo "Traceback (most recent call last):" >&2
echo "  File \"train.py\", line 3, in <module>" >&2
echo "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB" >&2
S
cat >"$WORK/stall.sh" <<'S'
#!/bin/bash
echo "step 10 loss 0.9"
sleep 12
S
chmod +x "$WORK"/*.sh
chown "$TUSER:" "$WORK"/*.sh

id=$(submit --exp-log --exp-group=ev --exp-mode=experiment --exp-objective="lr 1e-3" \
	--exp-status-interval=2 -o train.out -e train.err train.sh)
ids=$(submit --exp-log --exp-group=ev --exp-status-interval=2 -o stall.out stall.sh)
f=$(wait_final "$R" "$id" 90)
ok $? "evidence job closed"
n=$(grep -cE '— running, step [0-9]+.*train_loss [0-9.]+.*last progress' "$f")
ok $([ "$n" -ge 2 ]; echo $?) "periodic evidence lines with step and loss ($n)"
grep -q "error in stderr: \`RuntimeError: CUDA out of memory" "$f" ||
	grep -q "traceback in stderr: \`RuntimeError: CUDA out of memory" "$f"
ok $? "the CUDA OOM in stderr is quoted in Status"
is "$(key "$f" 'final step')" 1200 "final step"
is "$(key "$f" start_train_loss)" 0.88 "first train loss"
last=$(sed -n 's/^step 1200 loss //p' "$WORK/train.out")
is "$(key "$f" end_train_loss)" "$last" "last train loss (as printed: $last)"
ok $([ "$(key "$f" end_val_loss)" != n/a ]; echo $?) "val loss from metrics.jsonl"
grep -q "^- loss_one_liner: train loss fell 91% (0.88 → $last) over 1.1k steps; val fell" "$f"
ok $? "loss one-liner: $(key "$f" loss_one_liner)"
is "$(key "$f" checkpoint)" "$WORK/checkpoints/step_1200.pt" "newest checkpoint"
sd=$R/.exp-log/runs/ev/$(basename "$f" .md)
grep -q '"event":"log","metrics":{"step":1200' "$sd/events.jsonl"
ok $? "events.jsonl mirrors the metrics"
grep -q '"event":"log_artifact".*step_1200.pt' "$sd/events.jsonl"
ok $? "events.jsonl logs the checkpoint artifact"
grep -q "^| \[$(basename "$f" .md)\]($(basename "$f")) | lr 1e-3 | val_loss .* | completed |" "$R/ev/experiments.md"
ok $? "experiments.md row"

fs=$(wait_final "$R" "$ids" 60)
ok $? "stalling job closed"
grep -q "— stalled: no progress for 3 intervals" "$fs"
ok $? "no progress for 3 intervals is written as stalled"
is "$(grep -c '^| \[' "$R/ev/experiments.md")" 1 "non-experiment runs are not in the table"
done_testing
