#!/bin/bash
# exp-wandb-sync list over the test corpus: discovery, the facts read
# from each record log, sizes, synced state, the run log link.
. "${WANDB_TESTS_SRC:-.}/lib.sh"
. "$WANDB_TESTS_SRC/corpus.sh"

command -v "$PY" >/dev/null 2>&1 || skip_all "python3 not found (builds the corpus)"
make_corpus "$T/c"
C=$T/c
W=$C/rl/.exp-log/runs/g1/2026-01-01_train/wandb

esync list --paths "$C"
check "--paths: exit 0" eq "$rc" 0
check "--paths: 10 runs found" eq "$(wc -l <"$T/out" | tr -d ' ')" 10
check "--paths: sorted" sh -c "sort '$T/out' | cmp -s - '$T/out'"
check_not "--paths: the symlinked run is not followed" grep -q link009 "$T/out"
check_not "--paths: a look-alike directory is not a run" grep -q run-logs-old "$T/out"
check "--paths: online runs count" grep -q run-20260102_010000-online08 "$T/out"
check "--paths: runs in a flat run-log root" grep -q evl00011 "$T/out"
cp "$T/out" "$T/paths"

# the same set as find, minus what find cannot tell (symlink, look-alike)
find "$C" -type d \( -name 'offline-run-*' -o -name 'run-2*' \) | sort >"$T/find"
check "--paths: the same runs as find" cmp -s "$T/find" "$T/paths"

esync list --jobs 1 --paths "$C"
check "one walker finds the same" cmp -s "$T/out" "$T/paths"
esync list --paths "$W/offline-run-20260101_000000-fin00001"
check "a run directory as root is itself listed" eq "$(cat "$T/out")" \
	"$W/offline-run-20260101_000000-fin00001"

esync list --json "$C"
check "--json: exit 0" eq "$rc" 0
check "--json: schema 1" eq "$(jget 'd["schema"]')" 1
check "--json: 10 runs" eq "$(jget 'len(d["runs"])')" 10
run() {	# run ID EXPR: EXPR over the run whose id is ID (as r)
	jget "[r for r in d['runs'] if r['run_id'] == '$1'][0]$2"
}
check "finished: state" eq "$(run fin00001 '["state"]')" finished
check "finished: exit code 0" eq "$(run fin00001 '["exit_code"]')" 0
check "finished: runtime" eq "$(run fin00001 '["runtime_s"]')" 42
check "finished: last step 9" eq "$(run fin00001 '["last_step"]')" 9
check "finished: entity from the record log" eq "$(run fin00001 '["entity"]')" team
check "finished: project from the record log" eq "$(run fin00001 '["project"]')" proj
check "finished: created" eq "$(run fin00001 '["created"]')" 2026-01-01T00:00:00+00:00
check "finished: created_epoch" eq "$(run fin00001 '["created_epoch"]')" 1767225600
check "finished: not synced" eq "$(run fin00001 '["synced"]')" false
check "finished: mode offline" eq "$(run fin00001 '["mode"]')" offline
check "finished: clean log" eq "$(run fin00001 '["log"]["end"]')" clean
check "finished: 10 history records" eq "$(run fin00001 '["log"]["records"]["history"]')" 10
check "finished: run log" eq "$(run fin00001 '["run_log"]')" "$C/rl/g1/2026-01-01_train.md"
check "finished: job 100 (by start time)" eq "$(run fin00001 '["job_id"]')" 100
check "finished: run log entity" eq "$(run fin00001 '["run_log_entity"]')" team
check "finished: size is the record log" eq "$(run fin00001 '["size"]["total"]')" \
	"$(run fin00001 '["size"]["history"]')"
check "unfinished: state" eq "$(run unf00002 '["state"]')" unfinished
check "unfinished: exit code null" eq "$(run unf00002 '["exit_code"]')" null
check "unfinished: job 101 (by start time)" eq "$(run unf00002 '["job_id"]')" 101
check "synced: marker seen" eq "$(run syn00003 '["synced"]')" true
check "torn: end" eq "$(run trn00004 '["log"]["end"]')" torn
check "torn: problem reported" sh -c "'$PY' -c \"import json; d=json.load(open('$T/out')); r=[r for r in d['runs'] if r['run_id']=='trn00004'][0]; assert r['log']['problems'][0].startswith('incomplete tail at offset')\""
check "torn: the intact records still read" eq "$(run trn00004 '["last_step"]')" 4
check "corrupt: end" eq "$(run bad00005 '["log"]["end"]')" corrupt
check "corrupt: later steps still read" eq "$(run bad00005 '["last_step"]')" 5
check "bloated: staging counted (inner 10000 + staged 200000)" \
	eq "$(run blt00006 '["size"]["staging"]')" 210000
check "bloated: media counted" eq "$(run blt00006 '["size"]["media"]')" 7000
check "bloated: files counted" eq "$(run blt00006 '["size"]["files"]')" 22
check "flat root: run log found" eq "$(run evl00011 '["run_log"]')" "$C/rl/2026-01-03_eval.md"
check "flat root: no entity in the run log" eq "$(run evl00011 '["run_log_entity"]')" null
check "plain wandb dir: no run log" eq "$(run plain007 '["run_log"]')" null
check "online run: synced by W&B's rule" eq "$(run online08 '["synced"]')" true
check "empty file: unreadable" eq "$(run empty010 '["state"]')" unreadable
check "empty file: the log is empty" eq "$(run empty010 '["log"]["end"]')" empty
check "totals: unsynced" eq "$(jget 'd["totals"]["unsynced"]')" 7
check "dirs are absolute" eq "$(jget 'all(r["dir"].startswith("/") for r in d["runs"])')" true

esync list "$C"
check "text: exit 0" eq "$rc" 0
check "text: state and exit code" out_has "fin00001  finished (exit 0)  unsynced  step 9"
check "text: size breakdown" out_has "staging 205.1 KiB"
check "text: run log and job" out_has "run log: $C/rl/g1/2026-01-01_train.md, job 100"
check "text: torn tail flagged" out_has "! incomplete tail at offset"
check "text: totals line" out_has "10 runs: 7 unsynced"

# the default roots: ./run_logs/.exp-log/runs and ./wandb
mkdir -p "$T/cwd/run_logs"
cp -R "$C/rl/." "$T/cwd/run_logs/"
cp -R "$C/wandb" "$T/cwd/wandb"
(cd "$T/cwd" && $RUN "$EXP_WANDB_SYNC" list --paths >"$T/out" 2>"$T/err")
check "default roots: the same 10 runs" eq "$(wc -l <"$T/out" | tr -d ' ')" 10
check "default roots: paths relative to them" grep -q '^run_logs/.exp-log/runs/g1/' "$T/out"

# the appender, then list: the run now shows the code it was given
$RUN "$TOOL" finalize "$W" 137 3600 >/dev/null
esync list --json "$C"
check "finalized: unfinished run now failed" eq "$(run unf00002 '["state"]')" failed
check "finalized: with exit code 137" eq "$(run unf00002 '["exit_code"]')" 137
check "finalized: torn run left as it was" eq "$(run trn00004 '["state"]')" unfinished

# hostile bytes in names: shown safely on a terminal
D="$C/wandb/offline-run-20260104_000000-evil"
mkdir -p "$D"
"$PY" "$WANDBFILE" write "$D/run-evil.wandb" --run-id "$(printf 'ev\033[2Jil')" --entity "$(printf 'a\nb')"
esync list "$C/wandb"
check "control characters never reach the terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$T/out'"

done_testing
