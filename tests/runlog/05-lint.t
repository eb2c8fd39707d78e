#!/bin/bash
# runlog lint over the corpus, --json, and --fix (dry run, then --yes).
. "$(dirname "$0")/lib.sh"
R=$T/run_logs
cp -r "$CORPUS/docs" "$R"

runlog lint >out
is $? 1 "findings: exit 1"
for rule in run-type-missing status-no-progress checkpoint-missing \
	wandb-url-missing wandb-url-per-block name-date-last name-no-date \
	timeline-missing experiments-missing iso-only passport-missing; do
	grep -q "^run_logs/[^:]*:[0-9]*: $rule: .*: .*" out
	ok $? "finding $rule as FILE:LINE: RULE: MESSAGE: FIX"
done
grep -q 2026-03-11_clean.md out
is $? 1 "the clean run log has no finding"
grep -q '^run_logs/2026-03-11_no_checkpoint.md:23: checkpoint-missing: ' out
ok $? "file and line"
if have_python; then
	runlog lint --json | python3 -c '
import json, sys
f = json.load(sys.stdin)
assert all(list(x.keys()) == ["file", "line", "rule", "message", "fix", "fixable"] for x in f)
assert {x["rule"] for x in f if x["fixable"]} == {"name-date-last", "name-no-date", "timeline-missing", "experiments-missing", "iso-only"}, f'
	ok $? "--json keys and fixable rules"
else
	ok 0 "# SKIP python3 not installed"
fi

# dry run: plans, changes nothing
before=$(find "$R" -type f | sort | xargs sha256sum)
runlog lint --fix >plan
is $? 1 "dry run still reports the findings"
grep -q '^would: rename train_2026-03-11.md to 2026-03-11_train.md$' plan
ok $? "plans the rename"
grep -q "^would: write $R/timeline.md (12 runs, in date order)\$" plan
ok $? "plans the timeline"
grep -q '^dry run: 5 changes planned; run again with --yes to make them$' plan
ok $? "says it is a dry run"
is "$(find "$R" -type f | sort | xargs sha256sum)" "$before" "nothing changed"

runlog lint --fix --yes >done
is $? 1 "findings that are not mechanical remain"
grep -q '^fixed: 5 changes; checking again$' done
ok $? "five repairs"
[ -f "$R/2026-03-11_train.md" ] && [ -f "$R/2026-03-13_eval.md" ] &&
	[ ! -e "$R/train_2026-03-11.md" ] && [ ! -e "$R/eval.md" ]
ok $? "renamed to <date>_<task>.md"
is "$(sed -n 3p "$R/timeline.md")" "1. \`2026-03-11_clean.md\` — Wednesday, Mar 11th" "timeline written"
is "$(tail -1 "$R/timeline.md")" "12. \`2026-03-13_eval.md\` — Friday, Mar 13th" "in date order"
grep -q '^| 2026-03-11_clean | a run log with nothing to fix | ' "$R/experiments.md"
ok $? "experiments row"
grep -q '^- start_human: `Wednesday, Mar 11th, 2026`$' "$R/2026-03-11_iso_only.md"
ok $? "human date added"
grep -Eq 'name-|timeline-|experiments-|iso-only' done
is $? 1 "no fixable finding left"
runlog lint --fix --yes >again
grep -q '^fix' again
is $? 1 "a second --fix has nothing to do"

# a run exp-log manages: its state dir, sidecar and job index follow
S=$T/managed
f=$(runlog --root "$S" new --task train --id 77777)
runlog --root "$S" close train >/dev/null
stem=$(basename "$f" .md)
bad=train_${stem%%_*}
mv "$f" "$S/$bad.md"
mv "$S/.exp-log/runs/+flat/$stem" "$S/.exp-log/runs/+flat/$bad"
sed -i "s|$stem|$bad|g" "$S/.exp-log/runs/+flat/$bad/run.json" "$S/.exp-log/jobs/77777.json" "$S/timeline.md"
# all or nothing: a timeline.md that would be refused stops the rename
# before anything moved (issue 19, finding 5)
mv "$S/timeline.md" "$T/timeline.real"
ln -s "$T/timeline.real" "$S/timeline.md"
runlog lint "$S" --fix --yes >/dev/null 2>err
grep -q "timeline.md: is a symlink, refusing to follow it: nothing renamed" err
ok $? "a symlinked timeline.md refuses the rename"
[ -f "$S/$bad.md" ] && [ ! -e "$f" ] && [ -d "$S/.exp-log/runs/+flat/$bad" ] &&
	grep -q "$bad" "$S/.exp-log/jobs/77777.json"
ok $? "and leaves run log, state dir and job index as they were"
rm "$S/timeline.md"
mv "$T/timeline.real" "$S/timeline.md"
runlog lint "$S" --fix --yes >/dev/null
[ -f "$f" ] && [ -d "$S/.exp-log/runs/+flat/$stem" ]
ok $? "run log and state dir renamed"
grep -q "\"run_log\": \"$stem.md\"" "$S/.exp-log/jobs/77777.json"
ok $? "job index follows"
grep -q "\"run_log\": \"$stem.md\"" "$S/.exp-log/runs/+flat/$stem/run.json" &&
	grep -q "\"state_dir\": \"$S/.exp-log/runs/+flat/$stem\"" "$S/.exp-log/runs/+flat/$stem/run.json"
ok $? "sidecar follows"
grep -q "\`$stem.md\`" "$S/timeline.md" && ! grep -q "$bad" "$S/timeline.md"
ok $? "timeline follows"
runlog --root "$S" close "$stem" 2>&1 | grep -q "already closed"
ok $? "the renamed run is still found through its index"

# one order for a group, and only run logs are entries (issue 14 item 12)
G=$T/order/run_logs/g
mkdir -p "$G"
for n in alpha:15 zeta:14; do
	printf '# %s — t\n\n## Mode\n- run_type: replication\n\n## Job\n- execution_id: 1\n- start: `2026-02-25T%s:00:00+00:00`\n- start_human: `Wednesday, Feb 25th, 2026`\n\n## Status\n- 2026-02-25 %s:00:00 — started: job 1 on n1 (1 node)\n' \
		"${n%%:*}" "${n#*:}" "${n#*:}" >"$G/2026-02-25_${n%%:*}.md"
done
printf '# G Timeline\n\n1. `2026-02-25_zeta.md` — Wednesday, Feb 25th\n2. `2026-02-25_alpha.md` — Wednesday, Feb 25th\n' >"$G/timeline.md"
printf '\x00\x01binary\x00' >"$G/2026-02-26_blob.md"
: >"$G/2026-02-26_empty.md"
before=$(sha256sum <"$G/timeline.md")
runlog lint "$T/order/run_logs" --fix --yes >out
is "$(sha256sum <"$G/timeline.md")" "$before" \
	"--fix keeps the plugin's start order and adds no other .md"
grep -q "2026-02-26_blob.md:1: not-a-run-log: binary file" out &&
	grep -q "2026-02-26_empty.md:1: not-a-run-log: empty file" out
ok $? "a binary and an empty .md are reported as not run logs"
is "$(runlog --root "$T/order/run_logs" timeline 2>/dev/null | grep -o '20[0-9-]*_[a-z]*\.md' | head -2 | tr '\n' ' ')" \
	"2026-02-25_zeta.md 2026-02-25_alpha.md " "runlog timeline: the same order"
done_testing
