#!/bin/bash
# One W&B run across a requeued job: its offline directories (one per
# allocation, the same run id side by side) are listed as one run and
# synced as one, in order: `wandb sync` for the first link, `wandb sync
# --append` for the others; a failed link stops the later ones.
. "${WANDB_TESTS_SRC:-.}/lib.sh"

command -v "$PY" >/dev/null 2>&1 || skip_all "python3 not found (reads the JSON)"
RL=$T/rl
SD=$RL/.exp-log/runs/g/2026-02-01_long
W=$SD/wandb
LOG=$RL/g/2026-02-01_long.md
mkdir -p "$RL/g" "$W" "$RL/.exp-log/locks"
# three allocations of job 200: started 1000 s apart, each ran 900 s
cat >"$SD/run.json" <<JSON
{ "schema": 1, "run_log": "g/2026-02-01_long.md", "group": "g",
  "submit_dir": "$T", "wandb_run_id": "ch41n0ab",
  "jobs": [ { "job_id": "200", "start": 1769907200, "end": 1769908100 },
            { "job_id": "200", "restart_count": 1, "start": 1769908200, "end": 1769909100 },
            { "job_id": "200", "restart_count": 2, "start": 1769909200, "end": 1769910100 } ] }
JSON
cat >"$LOG" <<MD
# long — a chain

## Job
- execution_id: 200
- start: \`2026-02-01T00:53:20+00:00\`

## Job (resumed)
- execution_id: 200

## Job (resumed)
- execution_id: 200

## W&B
- local: \`$W\`
- synced: pending — run exp-wandb-sync sync
- run id: \`ch41n0ab\`
- entity: team
- project: proj
MD
L1=$W/offline-run-20260201_005330-ch41n0ab
L2=$W/offline-run-20260201_011010-ch41n0ab
L3=$W/offline-run-20260201_012650-ch41n0ab
# each link ends with its own exit record: two time limits, then done
"$TOOL" mkrun "$L1" ch41n0ab --start 1769907210 --steps 3 --exit 143 >/dev/null
"$TOOL" mkrun "$L2" ch41n0ab --start 1769908210 --steps 3 --exit 143 >/dev/null
"$TOOL" mkrun "$L3" ch41n0ab --start 1769909210 --steps 3 --exit 0 >/dev/null

mkdir -p "$T/bin" "$T/server"
cp "$WANDB_TESTS_SRC/fake-wandb" "$T/bin/wandb"
chmod 755 "$T/bin/wandb"
PATH=$T/bin:$PATH
printf 'k3y-chain-test-0123456789abcdef\n' >"$T/key"
chmod 600 "$T/key"
FAKE_WANDB_LOG=$T/calls
FAKE_WANDB_SERVER=$T/server
export PATH FAKE_WANDB_LOG FAKE_WANDB_SERVER
K="--wandb-token-file $T/key"
# calls: the argv of every fake wandb call, in order
calls() {
	if [ -e "$T/calls" ]; then
		grep '^call' "$T/calls" | sed 's/^call pid=[0-9]* key=[a-z]* argv: //'
	fi
}
# argv DIR [--append]: what a call for DIR looks like
argv() {
	printf '[sync] [--entity] [team] [--project] [proj]%s [%s]' \
		"${2:+ [$2]}" "$1"
}

# --- list: one run with three links
esync list --json "$RL"
check "list: exit 0" eq "$rc" 0
check "list --json: three directories, one W&B run" \
	eq "$(jget '[d["totals"]["runs"], d["totals"]["directories"]]')" "[1, 3]"
check "list --json: each directory says which link it is" \
	eq "$(jget '[(r["chain"]["link"], r["chain"]["links"]) for r in d["runs"]]')" \
	"[[1, 3], [2, 3], [3, 3]]"
check "list --json: in order" \
	eq "$(jget '[r["dir"].rsplit("/", 1)[1][12:27] for r in d["runs"]]')" \
	'["20260201_005330", "20260201_011010", "20260201_012650"]'
check "list --json: each link's own exit record" \
	eq "$(jget '[r["exit_code"] for r in d["runs"]]')" "[143, 143, 0]"
esync list "$RL"
check "list: the run once, with its links" out_has "ch41n0ab  one W&B run in 3 links, 0 synced"
check "list: link lines" out_has "  link 2 of 3: ch41n0ab  failed (exit 143)"
check "list: the total counts W&B runs" out_has "1 run (3 directories): 3 unsynced"

# --- dry run: naming one link plans the whole run, in order
esync sync $K --json "$L3"
check "dry run: exit 0" eq "$rc" 0
check "dry run: all three links" eq "$(jget 'len(d["runs"])')" 3
check "dry run: first plain, then --append" \
	eq "$(jget '[(r["link"], r["append"], r["status"]) for r in d["runs"]]')" \
	'[[1, false, "planned"], [2, true, "planned"], [3, true, "planned"]]'
cd "$W" || bail "cd $W"
esync sync $K --json "$(basename "$L3")"
cd - >/dev/null || bail "cd back"
check "dry run, a relative name: the links beside it join it" \
	eq "$(jget '[(r["link"], r["append"]) for r in d["runs"]]')" \
	'[[1, false], [2, true], [3, true]]'
esync sync $K "$L3"
check "dry run text: append lines" out_has "append  ch41n0ab  "
check "dry run text: link numbers" out_has "(link 3 of 3)"

# --- a failing middle link: the first is synced, the last waits
touch "$L2/.fake-fail"
esync sync $K --yes "$L1"
check "failed link: exit 1" eq "$rc" 1
check "failed link: one line on what is left" \
	out_has "1 of 2 syncs failed; 1 later link not synced (W&B takes a run's links in order): sync again to go on"
check "failed link: the third was never run" eq "$(calls | grep -c "$L3")" 0
check "failed link: the first synced plainly, the second appended" \
	eq "$(calls)" "$(argv "$L1"; echo; argv "$L2" --append)"
check "failed link: first marked synced" test -e "$L1/run-ch41n0ab.wandb.synced"
check "failed link: third not synced" test ! -e "$L3/run-ch41n0ab.wandb.synced"
rm "$L2/.fake-fail"

# --- again: goes on from the failed link, appending
: >"$T/calls"
esync sync $K --yes --json "$L1"
check "resumed sync: exit 0" eq "$rc" 0
check "resumed sync: the synced first link is skipped" \
	eq "$(jget '[r["status"] for r in d["runs"]]')" '["skipped", "synced", "synced"]'
check "resumed sync: both later links appended, in order" \
	eq "$(calls)" "$(argv "$L2" --append; echo; argv "$L3" --append)"
check "server: one run, its three links in order" \
	eq "$(cat "$T/server/team/proj/ch41n0ab/links")" "$(printf '%s\n' "$L1" "$L2" "$L3")"
check "server: one run only" eq "$(ls "$T/server/team/proj" | wc -l)" 1
check "run log: the URL in every job block" \
	eq "$(grep -c -x -- '- wandb: https://wandb.ai/team/proj/runs/ch41n0ab' "$LOG")" 3 ||
	diag "$(cat "$LOG")"
check "run log: ## W&B synced once" \
	grep -qx -- "- synced: https://wandb.ai/team/proj/runs/ch41n0ab" "$LOG"

# --- --all-unsynced: a new chain under the root, in order
M1=$W/offline-run-20260201_005340-m0re0002
M2=$W/offline-run-20260201_011020-m0re0002
"$TOOL" mkrun "$M2" m0re0002 --start 1769908220 --exit 0 >/dev/null
"$TOOL" mkrun "$M1" m0re0002 --start 1769907220 --exit 143 >/dev/null
: >"$T/calls"
esync sync $K --yes --all-unsynced "$RL"
check "all-unsynced: exit 0" eq "$rc" 0
check "all-unsynced: the synced chain is left alone, the new one in order" \
	eq "$(calls)" "$(argv "$M1"; echo; argv "$M2" --append)"

# --- an earlier link that cannot be synced: the later ones wait
B1=$W/offline-run-20260201_005350-b4dl1nk3
B2=$W/offline-run-20260201_011030-b4dl1nk3
mkdir -p "$B1"
: >"$B1/run-b4dl1nk3.wandb"
"$TOOL" mkrun "$B2" b4dl1nk3 --start 1769908230 --exit 0 >/dev/null
: >"$T/calls"
esync sync $K --yes --json "$B2"
check "unreadable first link: exit 1" eq "$rc" 1
check "unreadable first link: the second waits" \
	eq "$(jget '[r["status"] for r in d["runs"]]')" '["skipped", "blocked"]'
like "$(jget 'd["runs"][1]["reason"]')" \
	"link 2 of 2 waits for link 1 \\(.*b4dl1nk3\\), which is not synced" \
	"unreadable first link: says why"
check "unreadable first link: nothing called" eq "$(calls | wc -l)" 0

# --- an appended link whose exit record has no final record after it
# (W&B's legacy sync, which --append runs, would hold the exit back)
N1=$T/w2/offline-run-20260201_005330-n0f1nal1
N2=$T/w2/offline-run-20260201_011010-n0f1nal1
"$TOOL" mkrun "$N1" n0f1nal1 --start 1769907210 --exit 143 >/dev/null
mkdir -p "$N2"
# the independent writer's records, an exit and nothing after it
"$PY" - "$WANDB_TESTS_SRC" "$N2/run-n0f1nal1.wandb" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import wandbfile as wf
w = wf.Writer()
w.add(wf.rec_header())
w.add(wf.rec_run("n0f1nal1", "team", "proj", 1769908210))
w.add(wf.rec_history(0, 0.5))
w.add(wf.rec_exit(0, 60))
open(sys.argv[2], "wb").write(w.buf)
PY
esync sync $K --json --entity team --project proj "$N2"
check "no final record: planned anyway" \
	eq "$(jget '[r["status"] for r in d["runs"]]')" '["planned", "planned"]'
like "$(jget 'd["runs"][1]["reason"]')" \
	"an exit record without a final record: .wandb sync --append. will not send the exit" \
	"no final record after the exit: the plan says what W&B will do"
is "$(jget 'd["runs"][0]["reason"]')" null "the first link (plain sync) needs no note"

done_testing
