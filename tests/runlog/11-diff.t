#!/bin/bash
# runlog diff RUN_A RUN_B: two hand-made run logs of one group that
# differ in statepoints, config snapshot, code (commits of a real repo,
# dirty patches), an environment capture, hardware and outcome; every
# part is reported, config/patch/capture as real unified diffs, --json
# carries the same, identical runs say "same" and exit 0.
. "$(dirname "$0")/lib.sh"

R=$T/run_logs
mkdir -p "$R/g" "$T/sa/config" "$T/sb/config" "$T/repo"

# a repo with two commits: the range a..b lists the second
git -C "$T/repo" init -q
git -C "$T/repo" -c user.name=t -c user.email=t@x commit -q --allow-empty -m "first"
c1=$(git -C "$T/repo" rev-parse HEAD)
git -C "$T/repo" -c user.name=t -c user.email=t@x commit -q --allow-empty -m "raise the warmup"
c2=$(git -C "$T/repo" rev-parse HEAD)

printf 'lr: 0.1\nbatch: 32\nwarmup: 100\n' >"$T/sa/config/base.yaml"
printf 'lr: 0.01\nbatch: 32\nwarmup: 100\n' >"$T/sb/config/base.yaml"
printf -- '--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n' >"$T/sa/code.patch"
printf -- '--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-x = 1\n+x = 3\n' >"$T/sb/code.patch"
printf 'numpy==1.26.0\ntorch==2.2.0\n' >"$T/sa/pip.txt"
printf 'numpy==1.26.4\ntorch==2.2.0\n' >"$T/sb/pip.txt"

# mklog FILE SIDE SP COMMIT JOB NODES VAL STATE
mklog() {
	cat >"$1" <<L
# $(basename "$1" .md) — a run

## Mode
- run_type: experiment
- objective: compare

## Config
- script: \`train.sh\`
- config: \`$T/base.yaml\` (sha256 \`$(sha256sum "$T/$2/config/base.yaml" | cut -c1-64)\`)
- config_snapshot: \`$T/$2/config/base.yaml\`
- dataset: not given (use --exp-dataset=PATH|URL)
- statepoints: \`$3\`
- repo: \`$T/repo\`
- branch: \`main\`
- commit: \`$4\`
- dirty: yes
- diff: 1 file changed (patch \`$T/$2/code.patch\`, sha256 \`$(sha256sum "$T/$2/code.patch" | cut -c1-64)\`)
- env pip: \`$T/$2/pip.txt\` (sha256 \`$(sha256sum "$T/$2/pip.txt" | cut -c1-64)\`)
- hardware: 1x NVIDIA $6

## Job
- execution_id: $5
- start: \`2026-03-11T15:00:00+00:00\`
- end: \`2026-03-11T16:00:00+00:00\`
- nodes: \`n1\` (1)
- partition: gpu
- time_limit: \`01:00:00\`

## Status
- 2026-03-11 15:00 — started: job $5 on n1 (1 node)

## Results
- runtime: \`01:00:00\`
- exit: exit code 0
- scheduler_state: $8
- final step: 1000
- end_train_loss: 0.5
- end_val_loss: $7
L
}
mklog "$R/g/2026-03-11_a.md" sa "lr=0.1,seed=1" "$c1" 101 A100 0.30 COMPLETED
mklog "$R/g/2026-03-11_b.md" sb "lr=0.01,seed=1,wd=0.1" "$c2" 102 H100 0.25 COMPLETED
cp "$R/g/2026-03-11_a.md" "$R/g/2026-03-11_a2.md"

out=$(runlog -C "$R" diff g/2026-03-11_a 2026-03-11_b)
is "$?" 1 "runs that differ: exit 1"
diag "$out"
has() { printf '%s\n' "$out" | grep -qxF -- "$1"; ok $? "$2"; }
has "a: $R/g/2026-03-11_a.md" "names run A"
has "statepoints:" "statepoints part"
has "  lr: 0.1 -> 0.01" "a statepoint that changed"
has "  wd: (none) -> 0.1" "a statepoint only B has"
printf '%s\n' "$out" | grep -q "^  seed:"
is "$?" 1 "an unchanged statepoint is not listed"
has "--- a/config" "config: a unified diff of the snapshots"
has "-lr: 0.1" "the removed line"
has "+lr: 0.01" "the added line"
has "  commit: $c1 -> $c2" "code: the commits"
has "  commits $c1..$c2 (1):" "the commit range"
printf '%s\n' "$out" | grep -q "^    [0-9a-f]* raise the warmup$"
ok $? "and the commit in it, from the repo"
has "--- a/code.patch" "the dirty patches as a unified diff"
has "-+x = 2" "a line of patch A"
has "++x = 3" "a line of patch B"
has "environment:" "environment part"
has "-numpy==1.26.0" "the capture's diff"
has "  hardware: 1x NVIDIA A100 -> 1x NVIDIA H100" "hardware"
has "  end_val_loss: 0.30 -> 0.25" "outcome: the final loss"
printf '%s\n' "$out" | grep -q "^  end_train_loss:"
is "$?" 1 "an unchanged loss is not listed"

j=$(runlog -C "$R" diff g/2026-03-11_a g/2026-03-11_b --json)
is "$?" 1 "--json: exit 1 too"
is "$(printf '%s' "$j" | python3 -c '
import json, sys
d = json.load(sys.stdin)
sp = {f["key"]: (f["a"], f["b"]) for f in d["statepoints"]["fields"]}
print(d["same"], sp, d["config"]["same"], "+lr: 0.01" in d["config"]["diff"],
      d["outcome"]["fields"][0]["key"], d["hardware"]["same"], d["code"]["note"].count("raise the warmup"))')" \
	"False {'lr': ('0.1', '0.01'), 'wd': (None, '0.1')} False True end_val_loss False 1" \
	"--json: every part, fields, the diffs and the range"

out=$(runlog -C "$R" diff g/2026-03-11_a g/2026-03-11_a2)
is "$?" 0 "identical runs: exit 0"
is "$(printf '%s\n' "$out" | grep -c ': same$')" 6 "every part says same"

# a snapshot that is gone: said, not a crash
rm "$T/sb/config/base.yaml"
out=$(runlog -C "$R" diff g/2026-03-11_a g/2026-03-11_b 2>&1)
is "$?" 1 "a missing snapshot: still a diff"
printf '%s\n' "$out" | grep -q "^  couldn't compare $T/sa/config/base.yaml and $T/sb/config/base.yaml: "
ok $? "says it could not compare the snapshots"

is "$(rc runlog -C "$R" diff g/2026-03-11_a)" 2 "one run: usage error (2)"
is "$(rc runlog -C "$R" diff g/2026-03-11_a g/nope)" 2 "an unknown run: 2, as runlog show"
is "$(rc runlog -C "$R" diff a b c)" 2 "three runs: usage error"
runlog diff --help | grep -q "^Usage: runlog diff RUN_A RUN_B"
ok $? "--help"
done_testing
