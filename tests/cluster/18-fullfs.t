#!/bin/bash
# The run-log root on a small filesystem that fills up while a job writes
# Status evidence (issue 19): the earlier job's run log and the current
# one's last good version stay intact, no temp file is left in the root,
# nothing is half written, and the failure is told: in the slurmd log, and
# once space is back, in the run log itself.
. "$(dirname "$0")/lib.sh"
testbed_up
FS=$WORK/fs
small_fs "$FS" 4
R=$FS/run_logs
RUNLOG=$top_builddir/runlog/runlog

# an earlier job's run log in the same root
a=$(submit --exp-log="$R" --exp-task=earlier -o earlier.out --wrap="echo step 1 loss 0.5")
fa=$(wait_final "$R" "$a" 60)
ok $? "earlier job closed"
cp "$fa" "$WORK/earlier.md"
sda=$(state_dir_of "$R" "$a")
cp "$sda/run.json" "$WORK/earlier.json"

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
cmp -s "$fa" "$WORK/earlier.md"
ok $? "the earlier job's run log is byte for byte what it was"
cmp -s "$sda/run.json" "$WORK/earlier.json"
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
done_testing
