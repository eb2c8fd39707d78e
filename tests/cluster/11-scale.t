#!/bin/bash
# Scale and safety: a 200-task job array makes 200 run logs and a timeline
# with exactly 200 entries, no torn lines, while a person edits Results of
# running jobs by hand (the way an editor saves: new file, rename): every
# such edit survives every machine update.
. "$(dirname "$0")/lib.sh"
testbed_up
R=$WORK/run_logs
N=${EXP_LOG_SCALE_TASKS:-200}
RUNLOG=$top_builddir/runlog/runlog

cat >"$WORK/human_edit.py" <<'PY'
import os, sys, time, glob
# A person editing run logs while jobs run: change the checkpoint line of
# Results and add a note, saving like an editor does (temp file + rename).
root, stop = sys.argv[1], sys.argv[2]
done = set()
while not os.path.exists(stop):
    for f in glob.glob(os.path.join(root, "sweep", "*_t_*.md")):
        if f in done:
            continue
        try:
            text = open(f).read()
        except OSError:
            continue
        if "## Results\n" not in text or "- checkpoint:" not in text:
            continue
        lines = text.split("\n")
        out = []
        for l in lines:
            if l.startswith("- checkpoint:"):
                out.append("- checkpoint: `/human/pick.pt`")
                out.append("- notes: keep this one (human)")
            else:
                out.append(l)
        tmp = f + ".swp"
        with open(tmp, "w") as h:
            h.write("\n".join(out))
        os.rename(tmp, f)
        done.add(f)
    time.sleep(0.05)
open(os.path.join(root, "edited.txt"), "w").write("\n".join(sorted(done)) + "\n")
PY
chown "$TUSER:" "$WORK/human_edit.py"

id=$(submit --exp-log --exp-group=sweep --exp-task=t -a 1-$N \
	--exp-status-interval=1 --wrap='echo "step 1 loss 1.0"; sleep 2; echo "step 2 loss 0.5"')
ok $([ -n "$id" ]; echo $?) "$N-task array submitted"
as_user python3 "$WORK/human_edit.py" "$R" "$WORK/stop" &
editor=$!
for i in $(seq 1 900); do
	n=$(grep -l '^- scheduler_state: COMPLETED$' "$R"/sweep/*_t_*.md 2>/dev/null | wc -l)
	[ "$n" -ge "$N" ] && break
	sleep 0.5
done
sleep 2
touch "$WORK/stop"
wait $editor
is "$n" "$N" "$N run logs closed COMPLETED" || {
	# which ones, with what the machine last wrote in them and Slurm's word
	grep -L '^- scheduler_state: COMPLETED$' "$R"/sweep/*_t_*.md | head -3 |
		while read -r f; do
			diag "not closed: $f"
			grep -E '^- (execution_id|array_task|end|exit|scheduler_state):|^- [0-9-]+ [0-9:]+ —' "$f" |
				sed 's/^/#     /'
			j=$(sed -n 's/^- execution_id: \([0-9]*\)$/\1/p' "$f")
			[ -n "$j" ] && scontrol show job "$j" 2>&1 |
				grep -oE '(JobState|ExitCode|NodeList|EndTime)=[^ ]*' |
				sed 's/^/#     slurm: /'
		done
}
is "$(ls "$R"/sweep/*_t_*.md | wc -l)" "$N" "$N run logs"
is "$(grep -c '^[0-9]*\. `' "$R/sweep/timeline.md")" "$N" "timeline has exactly $N entries"
is "$(grep -o '^[0-9]*' "$R/sweep/timeline.md" | sort -n | uniq | wc -l)" "$N" "numbered once each"
edited=$(grep -c . "$WORK/run_logs/edited.txt")
ok $([ "$edited" -ge $((N / 2)) ]; echo $?) "the person edited $edited running jobs' logs"
lost=0
while read -r f; do
	grep -q '^- checkpoint: `/human/pick.pt`$' "$f" &&
		grep -q '^- notes: keep this one (human)$' "$f" || { lost=$((lost + 1)); diag "edit lost in $f"; }
done <"$WORK/run_logs/edited.txt"
is "$lost" 0 "every hand edit survived the machine's updates"
bad=0
for f in "$R"/sweep/*_t_*.md; do
	grep -q '^## Next$' "$f" && grep -q '^- scheduler_state: COMPLETED$' "$f" &&
		grep -q '^- final step: 2$' "$f" || bad=$((bad + 1))
	awk 'length($0) > 0 && !/^(#|- |  |\||[0-9]+\. |my |$)/ { exit 1 }' "$f" || bad=$((bad + 1))
done
is "$bad" 0 "no torn line and every machine field filled"
# the run index, written concurrently by $N jobs: all ended, none open
idx=$R/.exp-log/index
is "$(ls "$idx/open" | wc -l)" 0 "run index: no run left open"
is "$(cat "$idx"/ended/*/* | grep -c '"run_log":"sweep/')" "$N" "run index: $N ended entries"
is "$(as_user "$RUNLOG" status 2>/dev/null | grep -c '^sweep/.* COMPLETED ')" "$N" \
	"status from the index shows all $N"
done_testing
