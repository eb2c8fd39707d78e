#!/bin/bash
# exp-wandb-sync sync against a fake `wandb` that records its calls:
# dry run first, destinations, bounded concurrency, failures, timeouts,
# and the URL written back into the run log.
. "${WANDB_TESTS_SRC:-.}/lib.sh"
. "$WANDB_TESTS_SRC/corpus.sh"

command -v "$PY" >/dev/null 2>&1 || skip_all "python3 not found (builds the corpus)"
make_corpus "$T/c"
C=$T/c
RL=$C/rl/g1/2026-01-01_train.md
W=$C/rl/.exp-log/runs/g1/2026-01-01_train/wandb
FIN=$W/offline-run-20260101_000000-fin00001
UNF=$W/offline-run-20260101_011320-unf00002
TRN=$W/offline-run-20260101_001500-trn00004
EVL=$C/rl/.exp-log/runs/+flat/2026-01-03_eval/wandb/offline-run-20260103_000000-evl00011

mkdir -p "$T/bin"
cp "$WANDB_TESTS_SRC/fake-wandb" "$T/bin/wandb"
chmod 755 "$T/bin/wandb"
PATH=$T/bin:$PATH
export PATH
printf 'k3y-%s\n' "$(date +%s)-sync-test-0123456789abcdef" >"$T/key"
chmod 600 "$T/key"
FAKE_WANDB_LOG=$T/calls
FAKE_WANDB_EXPECT=$T/key
export FAKE_WANDB_LOG FAKE_WANDB_EXPECT
K="--wandb-token-file $T/key"
calls() {
	if [ -e "$T/calls" ]; then grep -c '^call' "$T/calls"; else echo 0; fi
}

cp "$RL" "$T/rl-before"
esync sync $K "$FIN"
check "dry run by default: exit 0" eq "$rc" 0
check "dry run: no wandb call" eq "$(calls)" 0
check "dry run: shows the destination and where it came from" out_has "-> team/proj (from run log)"
check "dry run: shows the run log and job" out_has "run log: $RL, job 100"
check "dry run: says how to go on" out_has "run again with --yes"
check "dry run: names the key file, not the key" out_has "API key: from $T/key"
check "dry run: run log untouched" cmp -s "$RL" "$T/rl-before"

esync sync $K --dry-run --json "$FIN" "$EVL"
check "flat run log without entity/project: exit 2" eq "$rc" 2
check "json: no-destination status" \
	eq "$(jget '[r["status"] for r in d["runs"]]')" '["planned", "no-destination"]'
check "json: entity from the run log" eq "$(jget 'd["runs"][0]["entity_from"]')" "run log"

esync sync $K --project other "$EVL"
check "flat run log: project alone is not enough" eq "$rc" 2
check "flat run log: says what is missing" out_has "no entity: pass --entity"

esync sync $K --entity me --project other --json "$FIN"
check "flags win over the run log" eq "$(jget 'd["runs"][0]["entity"] + "/" + d["runs"][0]["project"] + " " + d["runs"][0]["entity_from"]')" "me/other flag"

# --- a real (fake) sync
esync sync $K --yes "$FIN"
check "--yes: exit 0" eq "$rc" 0
check "--yes: one call" eq "$(calls)" 1
check "--yes: argv carries names and the directory only" \
	grep -qF "argv: [sync] [--entity] [team] [--project] [proj] [$FIN]" "$T/calls"
check "--yes: the child got the key in its environment" grep -q "key=ok" "$T/calls"
check "--yes: the URL from the output" out_has "synced  fin00001  https://wandb.ai/team/proj/runs/fin00001"
check "--yes: recorded in the run log" out_has "recorded in $RL"
check "run log: job 100 block has the URL" \
	sh -c "sed -n '/^## Job\$/,/^## /p' '$RL' | grep -qx -- '- wandb: https://wandb.ai/team/proj/runs/fin00001'"
check "run log: ## W&B synced line replaced the pending one" \
	grep -qx -- "- synced: https://wandb.ai/team/proj/runs/fin00001" "$RL"
check_not "run log: no pending line left" grep -q "pending — run" "$RL"
check "run log: a human's line in the job block kept" grep -qx -- "- note from a human: keep me" "$RL"
check "run log: notes kept" grep -qx -- "- notes: curves look fine" "$RL"
check "run log: only two lines changed" \
	eq "$(diff "$T/rl-before" "$RL" | grep -c '^[<>]')" 3
check "W&B's marker written (by the fake)" test -e "$FIN/run-fin00001.wandb.synced"

esync sync $K --yes "$FIN"
check "already synced: skipped" out_has "already synced"
check "already synced: no call" eq "$(calls)" 1

# --- failure: stderr tail shown, nothing changed
cp "$RL" "$T/rl-before"
touch "$TRN/.fake-fail"
esync sync $K --yes "$TRN"
check "failure: exit 1" eq "$rc" 1
check "failure: says so" out_has "FAILED  trn00004  wandb sync exited with status 1"
check "failure: stderr tail" out_has "| wandb: ERROR Error while calling W&B API: permission denied"
check "failure: count" out_has "1 of 1 sync failed"
check "failure: run log untouched" cmp -s "$RL" "$T/rl-before"
check "failure: no marker" test ! -e "$TRN/run-trn00004.wandb.synced"
rm "$TRN/.fake-fail"

# --- timeout: a hung sync is stopped (TERM ignored: KILL after the grace)
touch "$TRN/.fake-hang"
start=$(date +%s)
esync sync $K --yes --timeout 1 "$TRN"
took=$(( $(date +%s) - start ))
check "timeout: exit 1" eq "$rc" 1
check "timeout: reported" out_has "timed out after 1 s"
check "timeout: stopped within the grace period (${took}s)" test "$took" -le 12
pid=$(sed -n 's/^call pid=\([0-9]*\) .*trn00004.*/\1/p' "$T/calls" | tail -n 1)
check "timeout: the hung child is gone (pid $pid)" sh -c "! kill -0 '$pid' 2>/dev/null"
rm "$TRN/.fake-hang"

# --- several at once, bounded: 4 slow runs, 2 at a time
for i in 1 2 3 4; do
	d=$C/wandb/offline-run-20260105_00000$i-par0000$i
	"$TOOL" mkrun "$d" par0000$i --exit 0 >/dev/null
	touch "$d/.fake-slow"
done
: >"$T/calls"
esync sync $K --yes --jobs 2 --entity team --project proj "$C"/wandb/offline-run-20260105_*
check "parallel: exit 0" eq "$rc" 0
check "parallel: 4 calls" eq "$(calls)" 4
cat >"$T/overlap.py" <<'EOF'
import re, sys
ev = []
for line in open(sys.argv[1]):
    m = re.match(r"end pid=\d+ start=([\d.]+) end=([\d.]+)", line)
    if m:
        ev += [(float(m.group(1)), 1), (float(m.group(2)), -1)]
cur = peak = 0
for _, d in sorted(ev):
    cur += d
    peak = max(peak, cur)
print(peak)
EOF
overlap=$("$PY" "$T/overlap.py" "$T/calls")
check "parallel: never more than 2 at once" test "$overlap" -le 2
check "parallel: but more than 1" test "$overlap" -ge 2
check "parallel: no run log, so nothing recorded" out_has "4 runs synced"

# --- no URL printed: built from entity/project/id
d=$C/wandb/offline-run-20260106_000000-nourl01
"$TOOL" mkrun "$d" nourl01 --exit 0 >/dev/null
touch "$d/.fake-nourl"
esync sync $K --yes --json --entity team --project proj "$d"
check "no URL printed: built" eq "$(jget 'd["runs"][0]["url"]')" "https://wandb.ai/team/proj/runs/nourl01"
check "no URL printed: says so" eq "$(jget 'd["runs"][0]["url_from"]')" built

# --- --all-unsynced: skips the running job's unfinished run
: >"$T/calls"
esync sync $K --all-unsynced --json "$C/rl"
check "all-unsynced: a run without destination: exit 2" eq "$rc" 2
check "all-unsynced: nothing ran" eq "$(calls)" 0
check "all-unsynced: the unfinished run of a running job is skipped" \
	eq "$(jget '[r["status"] for r in d["runs"] if r["run_id"] == "unf00002"][0]')" skipped
check "all-unsynced: synced runs are not listed" \
	eq "$(jget 'any(r["run_id"] in ("fin00001", "syn00003", "blt00006") for r in d["runs"])')" false
check "all-unsynced: the flat run needs a destination" eq "$(jget 'd["no_destination"]')" 1
esync sync $K --all-unsynced --yes --entity team --project proj "$C/rl"
check "all-unsynced --yes: exit 0" eq "$rc" 0
check "all-unsynced --yes: 3 calls (trn, bad, evl)" eq "$(calls)" 3
check "all-unsynced --yes: the flat run log updated" \
	grep -qx -- "- synced: https://wandb.ai/team/proj/runs/evl00011" "$C/rl/2026-01-03_eval.md"
check "all-unsynced --yes: flat job block got its URL" \
	grep -qx -- "- wandb: https://wandb.ai/team/proj/runs/evl00011" "$C/rl/2026-01-03_eval.md"
check "second URL in the same run log: kept next to the first" \
	grep -q -- "^- synced: https://wandb.ai/team/proj/runs/fin00001, https://wandb.ai/team/proj/runs/" "$RL"

# --- the running job's run, named explicitly: synced into job 101
esync sync $K --yes "$UNF"
check "named running run: synced" eq "$rc" 0
check "named running run: URL in the resumed job block" \
	sh -c "sed -n '/^## Job (resumed)/,/^## /p' '$RL' | grep -qx -- '- wandb: https://wandb.ai/team/proj/runs/unf00002'"

# --- no wandb on PATH / no key
esync sync --yes --wandb "$T/nope" $K "$EVL"
check "missing wandb: skipped run needs none" eq "$rc" 0
d=$C/wandb/offline-run-20260107_000000-nowb001
"$TOOL" mkrun "$d" nowb001 --exit 0 >/dev/null
esync sync --yes --wandb "$T/nope" $K --entity e --project p "$d"
check "missing wandb: exit 3" eq "$rc" 3
check "missing wandb: says so" err_has "wandb not found"

done_testing
