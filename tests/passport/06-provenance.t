#!/bin/bash
# The passport carries the input contract (YAML) and the provenance of
# the exp-log run log.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

ck=$WORK/ck
make_ckpt "$ck"
cat >"$WORK/contract.yaml" <<'YAML'
# how to feed this model
inputs:
  image: {shape: [3, 224, 224], dtype: uint8}
  state: {shape: [14], dtype: float32}
normalization:
  stats_file: assets/norm_stats.json
action_space: {type: continuous, dim: 7}
YAML
cat >"$WORK/2026-02-25_train.md" <<'MD'
# train — baseline

## Mode
- run_type: experiment
- objective: does the new loss help

## Config
- script: `train.sh`
- config: `/scratch/me/cfg/train.yaml` (sha256 `9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`)
- dataset: `hf://datasets/org/demos`
- repo: `/home/me/code`
- branch: `exp/loss`
- commit: `0123456789abcdef0123456789abcdef01234567`
- dirty: no

## Job
- execution_id: 4242
- end: _(filled when the job ends)_

## W&B
- local: n/a
- synced: https://wandb.ai/me/proj/runs/abc123
MD
run "$PASSPORT" generate "$ck" --contract "$WORK/contract.yaml" --run "$WORK/2026-02-25_train.md"
exits 0 "generate with contract and run log"
p=$ck/MODEL_PASSPORT.json
check "contract embedded" -- grep -q '"stats_file": "assets/norm_stats.json"' "$p"
check "contract numbers stay numbers" -- grep -q '"dim": 7' "$p"
check "contract source named" -- grep -q '"name": "contract.yaml"' "$p"
check "job id" -- grep -q '"4242"' "$p"
check "git commit" -- grep -q '"commit": "0123456789abcdef0123456789abcdef01234567"' "$p"
check "config sha256" -- grep -q '"config_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"' "$p"
check "dataset" -- grep -q '"dataset": "hf://datasets/org/demos"' "$p"
check "W&B URL" -- grep -q '"wandb_url": "https://wandb.ai/me/proj/runs/abc123"' "$p"
check "run log named" -- grep -q '"run_log": "2026-02-25_train.md"' "$p"
check "no cluster paths published" -- test "$(grep -c '/scratch\|/home/me' "$p")" -eq 0

ln -s "$WORK/contract.yaml" "$WORK/contract-link.yaml"
run "$PASSPORT" generate "$ck" --contract "$WORK/contract-link.yaml" --force
exits 0 "a contract named through the user's own symlink is fine"
run "$PASSPORT" verify "$ck"
exits 0 "and verifies"
done_testing
