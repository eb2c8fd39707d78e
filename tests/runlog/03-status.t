#!/bin/bash
# runlog status without a scheduler: states from the logs, filters,
# order, JSON keys, colors, hostile files.
. "$(dirname "$0")/lib.sh"
R=$T/run_logs
mklog "$R/g1/2026-03-11_open.md" 111 open
mklog "$R/g1/2026-03-10_done.md" 112 COMPLETED
mklog "$R/g2/2026-03-09_old.md" 113 TIMEOUT
mklog "$R/2026-03-08_flat.md" 114 open
# the done run ended just now, the old one two days ago
touch -d '2 days ago' "$R/g2/2026-03-09_old.md"
sed -i "s/^- end: .*/- end: \`$(date -u +%FT%T+00:00)\`/" "$R/g1/2026-03-10_done.md"
sed -i "s/^- end: .*/- end: \`$(date -u -d '2 days ago' +%FT%T+00:00)\`/" "$R/g2/2026-03-09_old.md"
sed -i 's/^- start: .*/- start: `2026-03-12T15:00:00+00:00`/' "$R/g1/2026-03-11_open.md"
sed -i 's/^- start: .*/- start: `2026-03-08T15:00:00+00:00`/' "$R/2026-03-08_flat.md"

out=$(runlog status 2>err)
ok $? "status exits 0 without a scheduler"
grep -q "scheduler not reachable" err
ok $? "one-line warning on stderr"
is "$(wc -l <err)" 1 "just one line"
is "$(echo "$out" | head -1 | tr -s ' ')" \
	"RUN MODE JOB STATE ELAPSED LEFT STEP LOSS GPU AGE W&B PASSPORT" "header"
is "$(echo "$out" | awk 'NR > 1 && !/^hint|^\(/ { print $1 }' | tr '\n' ' ')" \
	"g1/2026-03-11_open.md g1/2026-03-10_done.md 2026-03-08_flat.md " \
	"newest first; the run that ended 2 days ago hidden"
echo "$out" | grep -q '^(1 run that ended more than 24 h ago not shown: --all)$'
ok $? "says how many are hidden"
echo "$out" | grep '^g1/2026-03-11_open.md' | grep -q 'UNKNOWN .*2400 *0.085 *97%'
ok $? "open log: UNKNOWN without a scheduler; step, loss, GPU util"
echo "$out" | grep '^g1/2026-03-10_done.md' | grep -q 'COMPLETED'
ok $? "closed log: its scheduler_state"
echo "$out" | grep -q '^hint: g1/2026-03-11_open.md: the scheduler did not answer'
ok $? "hint for the open run"
is "$(runlog status --all 2>/dev/null | grep -c '^g2/2026-03-09_old.md .*TIMEOUT')" 1 "--all shows it"
is "$(runlog status --group g2 --all 2>/dev/null | awk 'NR > 1 { print $1 }')" \
	"g2/2026-03-09_old.md" "--group"
is "$(rc runlog status --strict)" 1 "--strict: no scheduler is a problem"
is "$(rc runlog status --group g2 --all)" 0 "0 otherwise"
runlog status "$R" --threads 3 >/dev/null 2>&1
ok $? "DIR and --threads"

if have_python; then
	runlog status --all --json 2>/dev/null >st.json
	python3 - st.json <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
keys = ["run", "path", "group", "title", "mode", "run_type", "job_id",
        "state", "reason", "state_source", "expected_start", "open", "start", "elapsed_s",
        "time_left_s", "step", "loss", "loss_name", "gpu_util",
        "last_evidence", "evidence_age_s", "last_status", "wandb",
        "wandb_url", "passport", "checkpoint", "hint"]
assert len(rows) == 4, rows
for r in rows:
    assert list(r.keys()) == keys, list(r.keys())
o = [r for r in rows if r["run"] == "g1/2026-03-11_open.md"][0]
assert o["state"] == "UNKNOWN" and o["open"] is True, o
assert o["step"] == 2400 and o["loss"] == 0.085 and o["gpu_util"] == 97, o
assert o["loss_name"] == "train_loss" and o["group"] == "g1", o
d = [r for r in rows if r["run"] == "g1/2026-03-10_done.md"][0]
assert d["state"] == "COMPLETED" and d["state_source"] == "log", d
assert d["passport"] == "n/a" and d["wandb"] == "n/a" and d["hint"] is None, d
f = [r for r in rows if r["run"] == "2026-03-08_flat.md"][0]
assert f["group"] is None, f
PY
	ok $? "--json: every key, in order, with the right values"
else
	ok 0 "# SKIP python3 not installed"
fi

runlog --color=always status 2>/dev/null | grep -q $'\033\\[35mUNKNOWN'
ok $? "--color=always colors states"
runlog status 2>/dev/null | grep -q $'\033'
is $? 1 "no escape codes when piped"

# hostile files: a symlink, a huge file, binary junk
ln -s /etc/passwd "$R/g1/2026-03-12_link.md"
head -c 17000000 /dev/zero >"$R/g1/2026-03-12_huge.md"
head -c 4096 /dev/urandom >"$R/g1/2026-03-12_junk.md"
runlog status --all >out 2>err
ok $? "status survives a symlink, a 17 MB file and junk"
grep -q "2026-03-12_link.md: couldn't open: a symlink, not followed" err
ok $? "symlink refused and named"
grep -q "2026-03-12_huge.md: larger than 16 MiB" err
ok $? "huge file refused and named"
grep -q '^g1/2026-03-12_junk.md' out
ok $? "junk still gets a row"

# the summary cache of an exp-log root: used, and never stale
mkdir -p "$R/.exp-log"
find "$R" -name '*.md' -exec touch -h -d '1 hour ago' {} +
runlog status --all >before 2>/dev/null
[ -s "$R/.exp-log/cache/summaries" ]
ok $? "status caches the summaries in an exp-log root"
runlog status --all >again 2>/dev/null
cmp -s before again
ok $? "the cached view is the same"
sed 's/^- scheduler_state: COMPLETED$/- scheduler_state: FAILED/' \
	"$R/g1/2026-03-10_done.md" >edited
cat edited >"$R/g1/2026-03-10_done.md"
runlog status --all 2>/dev/null | grep -q '^g1/2026-03-10_done.md .* FAILED '
ok $? "a run log edited in place is read again"
printf 'exp-log summary cache 4\nbroken\tline\n' >"$R/.exp-log/cache/summaries"
runlog status --all 2>/dev/null | grep -q '^g1/2026-03-10_done.md .* FAILED '
ok $? "a broken cache is ignored"
# the PASSPORT column says what passport(1) says of the signoff: a
# signoff without a key is "unsigned" (publish would refuse it), one
# with a key "signed", a file passport did not write "bad signoff"
PP=$top_builddir/passport/passport
if [ -x "$PP" ] && command -v openssl >/dev/null; then
	P=$T/pp/run_logs
	mklog "$P/g/2026-03-10_ck.md" 115 COMPLETED
	mkdir -p "$T/pp/ck"
	echo weights >"$T/pp/ck/model.safetensors"
	sed -i "s|^- checkpoint: .*|- checkpoint: \`$T/pp/ck/model.safetensors\`|" \
		"$P/g/2026-03-10_ck.md"
	col() { runlog status --all --json "$P" 2>/dev/null |
		sed -n 's/^ *"passport": "\(.*\)",$/\1/p'; }
	is "$(col)" none "no passport: none"
	"$PP" generate "$T/pp/ck" -q
	is "$(col)" "passport only" "a passport alone: passport only"
	"$PP" sign "$T/pp/ck" --verdict pass -q
	is "$(col)" unsigned "passport sign without --key: unsigned, as passport says"
	openssl genpkey -algorithm ed25519 -out "$T/pp/key.pem" 2>/dev/null
	"$PP" sign "$T/pp/ck" --verdict pass --key "$T/pp/key.pem" --force -q
	is "$(col)" signed "signed with a key: signed"
	runlog status --all "$P" 2>/dev/null | grep -q '^g/2026-03-10_ck.md .* signed$'
	ok $? "the table says it too"
	echo '{"verdict": "pa' >"$T/pp/ck/SIGNOFF.json"
	is "$(col)" "bad signoff" "a torn SIGNOFF.json: bad signoff"
else
	for i in 1 2 3 4 5 6; do ok 0 "# SKIP passport or openssl not built"; done
fi
done_testing
