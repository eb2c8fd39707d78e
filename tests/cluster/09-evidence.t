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
grep -qF -- "- before eval, upload or handoff: \`passport generate $WORK/checkpoints --run $f\` then \`passport sign $WORK/checkpoints --verdict pass\`" "$f"
ok $? "Next: the passport command names this run log, ready to paste"
# runlog status tells the same story as the log: the final step, not the
# last progress sample before it
st=$("$top_builddir/runlog/runlog" --root "$R" status --all --json)
printf '%s' "$st" | python3 -c 'import json,sys
r=[x for x in json.load(sys.stdin) if x["job_id"]==sys.argv[1]][0]
sys.exit(0 if r["step"] == 1200 and abs(r["loss"] - float(sys.argv[2])) < 1e-9
	 else "status row: %s" % r)' "$id" "$last"
ok $? "runlog status: final step and loss as in Results"
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

# errors from wherever the program writes them, up to its last byte
cat >"$WORK/last.sh" <<'S'
#!/bin/bash
echo "step 1 loss 0.5"
echo "RuntimeError: CUDA out of memory (last words on stdout)"
printf 'NCCL error in: last words on stderr' >&2
exit 1
S
chmod +x "$WORK/last.sh"
chown "$TUSER:" "$WORK/last.sh"
id1=$(submit --exp-log --exp-group=last --exp-task=same -o same.out last.sh)
id2=$(submit --exp-log --exp-group=last --exp-task=split -o split.out -e split.err last.sh)
f1=$(wait_final "$R" "$id1" 60)
f2=$(wait_final "$R" "$id2" 60)
grep -q "error in stdout: \`RuntimeError: CUDA out of memory (last words on stdout)\`" "$f1" &&
	grep -q "error in stdout: \`NCCL error in: last words on stderr\`" "$f1"
rc=$?
ok $rc "one file for both: stdout's error and stderr's last, unterminated line quoted"
[ $rc -eq 0 ] || section "$f1" Status | sed 's/^/#   /'
grep -q "error in stdout: \`RuntimeError: CUDA out of memory (last words on stdout)\`" "$f2" &&
	grep -q "error in stderr: \`NCCL error in: last words on stderr\`" "$f2"
rc=$?
ok $rc "sbatch -e: the stderr file's last, unterminated line quoted too"
[ $rc -eq 0 ] || section "$f2" Status | sed 's/^/#   /'

# a checkpoint that is a directory of one save (Hugging Face's
# checkpoint-N/): the run log names the directory, whichever of its
# files was written last, and the passport command covers it
cat >"$WORK/hf.sh" <<'S'
#!/bin/bash
echo "step 40 loss 0.5"
mkdir -p hfrun/checkpoint-40
echo weights >hfrun/checkpoint-40/model.safetensors
echo opt >hfrun/checkpoint-40/optimizer.pt
echo '{}' >hfrun/checkpoint-40/trainer_state.json
S
chmod +x "$WORK/hf.sh"
chown "$TUSER:" "$WORK/hf.sh"
idh=$(submit --exp-log --exp-group=hf -o hf.out hf.sh)
fh=$(wait_final "$R" "$idh" 60)
ok $? "directory checkpoint job closed"
is "$(key "$fh" checkpoint)" "$WORK/hfrun/checkpoint-40/" \
	"a save's directory is the checkpoint, named with its trailing /"
grep -qF -- "\`passport generate $WORK/hfrun/checkpoint-40 --run $fh\`" "$fh"
ok $? "Next: the passport command names that directory"
sdh=$R/.exp-log/runs/hf/$(basename "$fh" .md)
grep -q '"event":"log_artifact".*checkpoint-40.*"size_bytes":15' "$sdh/events.jsonl"
ok $? "the artifact's size is its files' bytes"
done_testing
