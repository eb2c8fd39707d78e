#!/bin/bash
# The run-log root on a small filesystem that fills up while a job writes
# Status evidence (issue 19): the earlier job's run log and the current
# one's last good version stay intact, no temp file is left in the root,
# nothing is half written, and the failure is told: in the slurmd log, and
# once space is back, in the run log itself; a job that ends while the
# disk is full is closed by `runlog close` from the scheduler's state.
# Once the disk is full the test removes the runs' spare files (the
# versions the last writes replaced, .prev.*: fileio.h), so every update
# needs new space, as one that outgrew the version it replaces does; with
# a spare, an update that fits in its space still lands.
. "$(dirname "$0")/lib.sh"
# our own test user: the epilog leaves its notes in the user's
# ~/.cache/exp-log/unlogged/, named by job id, and a bed beside this one
# numbers its jobs from 1 too
export EXP_LOG_TESTBED_USER=explogfull
testbed_up
FS=$WORK/fs
small_fs "$FS" 4
R=$FS/run_logs
RUNLOG=$top_builddir/runlog/runlog

# an earlier job's run log in the same root
earlier_job "$R"

# the job: progress on stdout (outside the small filesystem), then it
# fills the run-log root and keeps going until the test has looked, then
# frees the space and finishes
cat >"$WORK/fill.sh" <<S
#!/bin/bash
s=0
prog() { for i in \$(seq 1 \$1); do s=\$((s + 1)); echo "step \$s loss 0.\$((900 - s))"; sleep 0.5; done; }
prog 5
dd if=/dev/zero of=$FS/filler bs=64k 2>/dev/null
touch $WORK/full
while [ ! -e $WORK/release ]; do prog 1; done
rm -f $FS/filler
prog 6
S
chmod +x "$WORK/fill.sh"
chown "$TUSER:" "$WORK/fill.sh"
b=$(submit --exp-log="$R" --exp-task=fill --exp-status-interval=1 \
	-o fill.out -e fill.err fill.sh)
for i in $(seq 1 120); do
	[ -e "$WORK/full" ] && break
	sleep 0.5
done
ok $([ -e "$WORK/full" ]; echo $?) "the job filled the run-log filesystem"
# no_spares: the spares go, and the space they held is filled too
no_spares() {
	rm -f "$R"/.exp-log/runs/*/*/.prev.*
	dd if=/dev/zero of="$FS/filler.more" bs=4k 2>/dev/null
}
no_spares
is "$(df --output=avail -k "$FS" | tail -1 | tr -d ' ')" 0 "no space left"
fb=$(run_log_of "$R" "$b")
ok $? "the filling job has a run log"
# status updates fail from now on; the log keeps its last good version
sleep 3
cp "$fb" "$WORK/fill.full.md"
sleep 3
cmp -s "$fb" "$WORK/fill.full.md"
ok $? "while the disk is full the run log stays as it was last written"
is "$(temp_files "$FS")" "" "no temp file in the root while it is full"
out=$(as_user "$RUNLOG" lint "$R" 2>&1)
ok $? "runlog lint passes on the full root"
[ -n "$out" ] && diag "$out"
out=$(as_user "$RUNLOG" status "$R" 2>&1)
ok $? "runlog status works on the full root"
grep -q "fill" <<<"$out"
ok $? "and lists the running job"

touch "$WORK/release"
fb=$(wait_final "$R" "$b" 60)
ok $? "the filling job closed once space was back"
is "$(key "$fb" scheduler_state)" COMPLETED "its true final state"
is "$(grep -c '— completed, exit code 0$' "$fb")" 1 "one final Status line"
n=$(section "$fb" Status | grep -c '— running, step')
ok $([ "$n" -ge 3 ]; echo $?) "evidence before and after the full disk ($n lines)"
like "$(section "$fb" Status)" "— exp-log: [0-9]+ run-log updates? could not be written .*No space left on device" \
	"the run log says how many Status updates were lost, when and why"
like "$(slurmd_log_grep "exp-log: job $b:")" "exp-log: job $b: [0-9]+ updates? of run log $fb could not be written .*No space left on device; a Status line in the run log says so" \
	"the slurmd log says so too"
earlier_log_same
ok $? "the earlier job's run log is byte for byte what it was"
earlier_json_same
ok $? "and so is its sidecar"
is "$(temp_files "$FS")" "" "no temp file left in the root"
# nothing half written: every JSON file and every JSON line parses
bad=$(find "$R/.exp-log" -type f \( -name '*.json' -o -name '*.jsonl' \) \
	-print0 | xargs -0 python3 -c '
import json, sys
for p in sys.argv[1:]:
    with open(p) as f:
        text = f.read()
    try:
        if p.endswith(".jsonl"):
            for line in text.splitlines():
                json.loads(line)
            assert text == "" or text.endswith("\n")
        else:
            json.loads(text)
    except Exception as e:
        print(p, e)
' 2>&1)
is "$bad" "" "every sidecar, job map and JSON-lines file in the root parses"

# a job that ends while the disk is still full: its close fails and says
# so; once space is back, runlog close records the scheduler's state
c=$(submit --exp-log="$R" --exp-task=fullend -o fullend.out \
	--wrap="sleep 2; dd if=/dev/zero of=$FS/filler bs=64k 2>/dev/null; touch $WORK/full2; while [ ! -e $WORK/go2 ]; do sleep 0.2; done")
for i in $(seq 1 120); do
	[ -e "$WORK/full2" ] && break
	sleep 0.5
done
no_spares
touch "$WORK/go2"
fc=$(run_log_of "$R" "$c")
ok $? "the job that fills the disk to its end has a run log"
cp "$fc" "$WORK/fullend.full.md"
wait_job_done "$c" 60
for i in $(seq 1 60); do
	slurmd_log_grep "exp-log: epilog: job $c: couldn't close run log" |
		grep -q . && break
	sleep 0.5
done
like "$(slurmd_log_grep "exp-log: epilog: job $c:")" \
	"couldn't close run log: .*No space left on device" \
	"the epilog's failed close is in the slurmd log"
cmp -s "$fc" "$WORK/fullend.full.md"
ok $? "the run log is its last good version"
is "$(temp_files "$FS")" "" "no temp file left by the failed closes"
ok $([ -s "$WORK/.cache/exp-log/unlogged/$c.json" ]; echo $?) \
	"a note for runlog status in the job's HOME"
rm -f "$FS/filler" "$FS/filler.more"
out=$(as_user "$RUNLOG" status "$R" 2>&1)
like "$out" "warning: job $c \\(.*\\): its run log in $R could not be written: .*No space left on device" \
	"once space is back runlog status shows the failed close"
as_user "$RUNLOG" close "$fc" >/dev/null 2>&1
ok $? "runlog close closes it"
is "$(key "$fc" scheduler_state)" COMPLETED "with the scheduler's final state"
is "$(key "$fc" exit)" "exit code 0" "and exit code"
is "$(grep -c '— completed, exit code 0$' "$fc")" 1 "one final Status line"
earlier_log_same
ok $? "the earlier job's run log is still untouched"
is "$(temp_files "$FS")" "" "no temp file in the root at the end"
# the epilog's note went to the passwd home: ours only, named by our root
h=$(getent passwd "$TUSER" | cut -d: -f6)/.cache/exp-log/unlogged/$c.json
grep -qF "$R" "$h" 2>/dev/null && rm -f "$h"
done_testing
