#!/bin/bash
#SBATCH --job-name=train
#SBATCH --time=00:05:00
#SBATCH --signal=B:TERM@60
# A stand-in for a training job: prints step/loss lines like a real
# trainer, writes a checkpoint, and ends with exit code 0.  Submit with:
#   sbatch --exp-log --exp-group=demo --exp-mode=experiment \
#          --exp-config=demo-config.yaml train-demo.sh
set -euo pipefail
echo "run log: ${EXP_LOG_RUN:-<none: submitted without --exp-log>}"
loss=1.10
for step in 100 200 300 400 500; do
	loss=$(awk -v l="$loss" 'BEGIN { printf "%.3f", l * 0.7 }')
	echo "step $step loss $loss"
	sleep 0.5
done
mkdir -p checkpoints
echo "weights" >"checkpoints/step_500.pt"
echo "done"
