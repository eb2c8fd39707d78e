#!/bin/bash
# runlog status against the real test bed: a running job, a pending (held)
# job, a finished job and a vanished one (an open log whose job the
# scheduler never knew) -> RUNNING / PENDING with its reason / COMPLETED /
# LOST, in the table and in --json.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs
RUNLOG=$top_builddir/runlog/runlog
[ -x "$RUNLOG" ] || bail "$RUNLOG not built (run make)"
rl() { as_user "$RUNLOG" "$@"; }

# wait_log ID: the job's run log once the job has written its start (the
# file exists from submission on; editing it before the start is written
# would race the plugin's rewrite).
wait_log() { wait_started "$R" "$1" 60; }

# running: evidence appended as a progress monitor would
idr=$(submit --exp-log --exp-group=rl --exp-task=running --exp-mode=experiment \
	-t 30 --wrap="sleep 300")
wait_state "$idr" 60 RUNNING
fr=$(wait_log "$idr")
ok $? "running job has its run log"
sed -i "/^## Status\$/,/^## Results\$/ s/^\(- .*started: job.*\)\$/\1\n- $(date '+%F %H:%M') — running, step 2400, train_loss 0.085, GPU util 97%/" "$fr"

# pending: a job that ran, then was requeued and held
idp=$(submit --exp-log --exp-group=rl --exp-task=held --requeue -t 30 --wrap="sleep 300")
wait_state "$idp" 60 RUNNING
fp=$(wait_log "$idp")
ok $? "held job has its run log"
scontrol requeuehold "$idp"
ok $? "scontrol requeuehold"
wait_state "$idp" 60 PENDING

# finished
idf=$(submit --exp-log --exp-group=rl --exp-task=done --wrap="true")
ff=$(wait_final "$R" "$idf" 60)
ok $? "finished job closed by the epilog"

# vanished: an open run log for job 999999, which this cluster never ran
fv=$R/rl/$(date +%F)_vanished.md
# made by hand, not by the plugin: it is not in the timeline on purpose
LINT_SKIP="$R"
sed -e "s/^- execution_id: .*/- execution_id: 999999/" \
	-e 's/^- end: .*/- end: _(filled when the job ends)_/' \
	-e 's/^- scheduler_state: .*/- scheduler_state: _(filled when the job ends)_/' \
	"$ff" >"$fv"
chown "$TUSER:" "$fv"

# the jobs' runs are in the run index the plugin keeps; a log copied in
# by hand is not, until `runlog reindex`
d=$(date -u +%F)
[ -f "$R/.exp-log/index/open/$idr" ] && [ -f "$R/.exp-log/index/open/$idp" ] &&
	[ -f "$R/.exp-log/index/ended/$d/$idf" ] && [ ! -e "$R/.exp-log/index/open/$idf" ]
ok $? "run index: running and held jobs open, the finished one ended today"
rl status 2>/dev/null | grep -q "^rl/$(basename "$fv") "
is $? 1 "a hand-copied log is not in the default view"
rl reindex >/dev/null
ok $? "reindex"

rl status >out 2>err
ok $? "status exits 0"
[ ! -s err ]
ok $? "no warning: the scheduler answered"
# the ended run has no Efficiency block and this bed no accounting: the
# one question (eff_auto.h) is remembered, and is silent
grep -q "^$idf [0-9]* none$" "$R/.exp-log/cache/eff-asked"
ok $? "no accounting to ask for the ended run's figures: remembered"
grep -q '^## Efficiency$' "$ff"
ok $((! $?)) "and no block written"
diag "$(cat out)"
row() { grep "^rl/$(basename "$1") " out; }
row "$fr" | grep -q " $idr  *RUNNING  "
ok $? "running job: RUNNING"
row "$fr" | grep -q "RUNNING .* 2400  *0.085  *97%"
ok $? "with step, loss and GPU util from its evidence"
row "$fp" | grep -Eq " $idp  *PENDING \(JobHeld(User|Admin)\)"
ok $? "held job: PENDING with its reason"
row "$ff" | grep -q " $idf  *COMPLETED "
ok $? "finished job: COMPLETED"
row "$fv" | grep -q " 999999  *LOST "
ok $? "vanished job: LOST"
grep -q "^hint: rl/$(basename "$fv"): job 999999 is gone but its log never closed: check the slurmd log / .sacct -j 999999." out
ok $? "with a hint"
is "$(awk '/^rl\// { print $1 }' out | grep -v vanished | tr '\n' ' ')" \
	"rl/$(basename "$ff") rl/$(basename "$fp") rl/$(basename "$fr") " \
	"newest first"

if command -v python3 >/dev/null 2>&1; then
	rl status --json >st.json 2>/dev/null
	python3 - st.json "$idr" "$idp" "$idf" <<'PY'
import json, sys
rows = {r["job_id"]: r for r in json.load(open(sys.argv[1]))}
idr, idp, idf = sys.argv[2:5]
keys = ["run", "path", "group", "title", "mode", "run_type", "job_id",
        "state", "reason", "state_source", "expected_start", "open", "start", "elapsed_s",
        "time_left_s", "step", "loss", "loss_name", "gpu_util",
        "last_evidence", "evidence_age_s", "last_status", "wandb",
        "wandb_url", "passport", "checkpoint", "hint"]
for r in rows.values():
    assert list(r) == keys, list(r)
r = rows[idr]
assert r["state"] == "RUNNING" and r["state_source"] == "scheduler", r
assert r["elapsed_s"] >= 0 and 0 < r["time_left_s"] <= 1800, r
assert r["step"] == 2400 and r["loss"] == 0.085 and r["gpu_util"] == 97, r
assert r["mode"] == "experiment" and r["open"] is True, r
p = rows[idp]
assert p["state"] == "PENDING" and p["reason"] in ("JobHeldUser", "JobHeldAdmin"), p
f = rows[idf]
assert f["state"] == "COMPLETED" and f["open"] is False, f
v = rows["999999"]
assert v["state"] == "LOST" and v["state_source"] == "log" and "sacct -j 999999" in v["hint"], v
PY
	ok $? "--json: states, reason, timing, evidence"
else
	ok 0 "# SKIP python3 not installed"
fi

is "$(rl status --strict >/dev/null 2>&1; echo $?)" 1 "--strict: a LOST run"
rl status --sacct >/dev/null 2>err
ok $? "--sacct without accounting still exits 0"
grep -q '^runlog: --sacct: sacct failed' err
ok $? "and says why sacct did not help"
rl show running >show.out 2>/dev/null
ok $? "show"
grep -q '^state:     RUNNING, log open (from scheduler)$' show.out
ok $? "show: state from the scheduler"

# the running job ends: the scheduler and then the log say so
scancel "$idr"
fr2=$(wait_final "$R" "$idr" 60)
ok $? "cancelled job closed"
rl status --all >out 2>/dev/null
row "$fr" | grep -q " $idr  *CANCELLED "
ok $? "cancelled job: CANCELLED"

# a slurm.conf libslurm cannot parse: it ends the process (fatal()) from
# the query's thread; runlog shows the logs anyway and says why
{ echo "this is not a slurm.conf line"; cat "$SLURM_CONF"; } >"$WORK/broken.conf"
chmod 644 "$WORK/broken.conf"
(cd "$WORK" && runuser -u "$TUSER" -- env SLURM_CONF="$WORK/broken.conf" \
	HOME="$WORK" "$RUNLOG" status) >out 2>err
ok $? "exit 0 with a broken slurm.conf"
grep -q "^runlog: scheduler not reachable (libslurm could not use Slurm's configuration: see its message above)" err
ok $? "saying libslurm could not use the configuration"
grep -q 'fatal: Unable to process configuration file' err
ok $? "libslurm's own message kept"
row "$fv" | grep -q " 999999  *UNKNOWN "
ok $? "the open logs shown, UNKNOWN without an answer"

# no slurm.conf file at all: libslurm looks for a configuration by DNS
# (a configless cluster) in a child, which keeps its messages
if [ -e /etc/slurm/slurm.conf ] || [ -e /run/slurm/conf/slurm.conf ]; then
	skip "exit 0 without any slurm.conf" "a slurm.conf is installed here"
	skip "one line on stderr without any slurm.conf" "a slurm.conf is installed here"
else
	(cd "$WORK" && runuser -u "$TUSER" -- env -u SLURM_CONF \
		HOME="$WORK" "$RUNLOG" status) >out 2>err
	ok $? "exit 0 without any slurm.conf"
	is "$(grep -c . err)" 1 "one line on stderr without any slurm.conf"
fi

# no controller: states from the logs, one warning, exit 0
scontrol shutdown slurmctld >/dev/null 2>&1
sleep 2
rl status >out 2>err
ok $? "exit 0 without slurmctld"
is "$(wc -l <err)" 1 "one line on stderr"
grep -q '^runlog: scheduler not reachable (' err
ok $? "saying the scheduler is not reachable"
row "$fv" | grep -q " 999999  *UNKNOWN "
ok $? "an open log is UNKNOWN, not LOST, without an answer"
done_testing
