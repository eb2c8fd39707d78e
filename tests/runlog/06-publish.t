#!/bin/bash
# runlog publish: the passport gate, the sanitizer, the files written.
. "$(dirname "$0")/lib.sh"
R=$T/proj/run_logs
mkdir -p bin ckpt/step_1000
touch ckpt/step_1000/weights.safetensors
# a passport stand-in: passes when SIGNOFF.json is there
cat >bin/passport <<'SH'
#!/bin/sh
echo "passport $*" >>"$(dirname "$0")/calls"
[ "$1 $2" = "verify --require-signoff" ] && [ -f "$3/SIGNOFF.json" ]
SH
chmod +x bin/passport
mklog "$R/g/2026-03-11_train.md" 4242424 COMPLETED \
	"- 2026-03-11 16:00 — copied /scratch/alice/ckpt/step_900 to /home/alice/keep; sacct -j 4242424 on n1"
sed -i "s|^- checkpoint: .*|- checkpoint: \`$T/ckpt/step_1000/weights.safetensors\`|" "$R/g/2026-03-11_train.md"
sed -i "s|^- synced: .*|- synced: https://wandb.ai/team/proj/runs/abc123x|; s|^- local: .*|- local: \`wandb/offline-run-20260311_150000-abc123x\`|" \
	"$R/g/2026-03-11_train.md"
sed -i "s|^- objective: .*|- objective: config at \`$T/proj/configs/a.yaml\`|" "$R/g/2026-03-11_train.md"
pub() { PATH=$T/bin:$PATH runlog --root "$R" publish "$@"; }

PATH=/usr/bin:/bin runlog --root "$R" publish train --out out 2>err
is $? 3 "no passport program: error"
grep -q "passport not found: install exp-log's passport tool or give --passport PATH" err
ok $? "names the fix"
pub train --out out 2>err
is $? 1 "passport check fails without a signoff: refused"
grep -q "refusing to publish: .passport verify --require-signoff $T/ckpt/step_1000. failed" err
ok $? "names the command and the checkpoint directory"
is "$(cat bin/calls)" "passport verify --require-signoff $T/ckpt/step_1000" "called on the checkpoint's directory"
[ -e out ]
is $? 1 "nothing written"

echo '{}' >ckpt/step_1000/MODEL_PASSPORT.json
echo '{}' >ckpt/step_1000/SIGNOFF.json
pub train --out out >written
ok $? "published"
is "$(cat written)" "out/TRAINING_LOG.md
out/README.md" "prints what it wrote"
L=out/TRAINING_LOG.md
grep -q '4242424' $L
is $? 1 "no job id left"
grep -Eq '\bn1\b' $L
is $? 1 "no node name left"
grep -Eq '/home/|/scratch/|abc123x.*wandb/|offline-run-2026' $L
is $? 1 "no home, scratch or W&B offline paths"
grep -q '^- execution_id: \[job-id\]$' $L
ok $? "execution_id replaced"
grep -q '^- synced: https://wandb.ai/team/proj/runs/abc123x$' $L
ok $? "W&B URL kept"
grep -q 'running, step 2400, train_loss 0.085, val_loss 0.091' $L
ok $? "training dynamics kept"
grep -q '^- objective: config at `configs/a.yaml`$' $L
ok $? "paths under the submit directory made relative"
grep -q '^- checkpoint: `\[tmp\]/weights.safetensors`' $L
ok $? "other paths cut to their file name"
grep -q 'sacct -j \[job-id\] on \[node\]' $L
ok $? "ids and nodes in free text"
grep -q '^# 2026-03-11_train — test run$' out/README.md && grep -q '^## Usage$' out/README.md
ok $? "README.md model card"
grep -q '^| end | 0.085 | 0.091 |$' out/README.md
ok $? "loss table"
pub train --out out 2>err
is $? 1 "existing files: refused"
grep -q 'refusing to overwrite .*out/TRAINING_LOG.md: give --force' err
ok $? "says --force"
printf 'test run\tpublic run\n' >rules
pub train --out out --force --rules rules >/dev/null
ok $? "--force, --rules"
grep -q '^# 2026-03-11_train — public run$' out/TRAINING_LOG.md
ok $? "site rule applied"
cat >site.yaml <<'Y'
sanitize:
  - pattern: 'lab-([0-9]+)'
    replace: 'cluster-\1'
Y
echo "- notes: trained on lab-42" >>"$R/g/2026-03-11_train.md"
EXP_LOG_SITE_CONFIG=$PWD/site.yaml pub train --out out --force >/dev/null
ok $? "publish with the site's exp-log.yaml"
grep -q '^- notes: trained on cluster-42$' out/TRAINING_LOG.md
ok $? "sanitize rules from the configuration applied, with groups"
printf 'sanitize:\n  - pattern: "(oops"\n' >badsite.yaml
EXP_LOG_SITE_CONFIG=$PWD/badsite.yaml pub train --out out --force 2>err >/dev/null
is $? 0 "a bad rule in the configuration: reported, the rest applies"
grep -q 'badsite.yaml:2: sanitize\[0\].pattern' err
ok $? "naming file, line and key"
printf '(oops\tx\n' >badrules
pub train --out out --force --rules badrules 2>err
is $? 3 "a bad rules file is an error"
grep -q 'badrules:1: bad regex' err
ok $? "naming the file and line"
sed -i 's|^- checkpoint: .*|- checkpoint: _(filled when the job ends)_|' "$R/g/2026-03-11_train.md"
pub train --out out2 2>err
is $? 1 "no checkpoint in Results: refused"
grep -q 'no checkpoint in the run.s Results' err
ok $? "says so"
done_testing
