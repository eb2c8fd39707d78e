# team.sh - the body of 16-team.t and 17-team-nolock.t: two unprivileged
# users in one group submit job arrays into one group-owned, setgid root
# at once, while `runlog lint --fix --yes`, `runlog note`, `exp-wandb-sync
# sync` writing synced URLs, and hand edits (an editor's temp file +
# rename, as the other user) race them.
# Afterwards: exactly 2N run logs and 2N timeline entries numbered once,
# every hand edit and note kept, no temp or link-lock file left, lint
# clean.  NOLOCK=1: every process runs with tests/fake_nolock (fcntl locks
# fail with ENOLCK), so the link lock of lib/util/linklock.c does the
# serialising.  N: EXP_LOG_TEAM_TASKS per user (CI: 100; the issue's 2 x 500
# with EXP_LOG_TEAM_TASKS=500, see tests/README.md).
. "$(dirname "$0")/lib.sh"
require_cluster
N=${EXP_LOG_TEAM_TASKS:-100}
U2=explogtest2
G=explogteam
RUNLOG=$top_builddir/runlog/runlog
ESYNC=$top_builddir/wandb-sync/exp-wandb-sync
WBF=$top_srcdir/tests/wandb/wandbfile.py
SHIM=$top_builddir/tests/fake_nolock/.libs/fake_nolock.so
PRE=
if [ "${NOLOCK:-0}" = 1 ]; then
	[ -r "$SHIM" ] || bail "$SHIM not built (make check builds it)"
	PRE=$SHIM
	export EXP_LOG_TESTBED_PRELOAD=$SHIM
fi
# the second user and the shared group, made like the bed makes its user
getent group "$G" >/dev/null || groupadd "$G" || bail "groupadd $G failed"
id "$U2" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U2" ||
	bail "useradd $U2 failed"
usermod -aG "$G" "${EXP_LOG_TESTBED_USER:-explogtest}" &&
	usermod -aG "$G" "$U2" || bail "usermod failed"
testbed_up
chmod 755 "$WORK"
R=$WORK/team
mkdir -p "$R" && chgrp "$G" "$R" && chmod 2775 "$R" || bail "team root"
O=$WORK/out	# what the users' helpers write
mkdir -p "$O" && chmod 1777 "$O" || bail "$O"

# as USER CMD...: CMD as USER with umask 002 (the team's), the shim when set
as() {
	local u=$1
	shift
	(cd "$R" && umask 002 && runuser -u "$u" -- env SLURM_CONF="$SLURM_CONF" \
		HOME="$WORK" PATH="$PATH" ${PRE:+LD_PRELOAD="$PRE"} "$@")
}

cat >"$WORK/hand_edit.py" <<'PY'
import os, random, sys, time, glob
# A person saving random run logs of the other user's jobs while they run:
# a line in Results, saved like an editor does (temp file + rename), each
# file once.
root, stop, out, tag, task = sys.argv[1:6]
done = set()
random.seed(tag)
while not os.path.exists(stop):
    files = [f for f in glob.glob(os.path.join(root, "sweep", "*_%s_*.md" % task))
             if f not in done]
    random.shuffle(files)
    for f in files[:3]:
        try:
            text = open(f).read()
        except OSError:
            continue
        if "\n## Results\n" not in text:
            continue
        text = text.replace("\n## Results\n",
                            "\n## Results\n- hand: kept by %s\n" % tag, 1)
        tmp = os.path.join(os.path.dirname(f), "." + os.path.basename(f) + ".swp")
        with open(tmp, "w") as h:
            h.write(text)
        os.rename(tmp, f)
        done.add(f)
    time.sleep(random.random() * 0.3)
open(out, "w").write("".join(f + "\n" for f in sorted(done)))
PY
chmod 644 "$WORK/hand_edit.py"

t0=$(date +%s)
# user 1's tasks write an offline W&B run (W&B's format, by the tests'
# writer) that the sync racer below uploads to a fake `wandb`
cat >"$WORK/wtask.sh" <<S
#!/bin/bash
d=\$WANDB_DIR/wandb/offline-run-\$(date +%Y%m%d_%H%M%S)-r\$SLURM_JOB_ID
mkdir -p "\$d" && python3 $WBF write "\$d/run-r\$SLURM_JOB_ID.wandb" --run-id "r\$SLURM_JOB_ID" --steps 2
echo "step 1 loss 1.0"; sleep 1; echo "step 2 loss 0.5"
S
chmod 755 "$WORK/wtask.sh"
mkdir -p "$WORK/bin" && cp "$top_srcdir/tests/wandb/fake-wandb" "$WORK/bin/wandb" &&
	chmod 755 "$WORK/bin" "$WORK/bin/wandb" || bail "fake wandb"
as "$TUSER" sh -c "umask 077 && echo k3y-team-0123456789abcdef >'$O/key'" ||
	bail "W&B key file"
ida=$(as "$TUSER" sbatch --parsable --output=/dev/null --exp-log="$R" \
	--exp-group=sweep --exp-task=a --exp-mode=pipeline:sweep -a 1-$N \
	--exp-wandb=offline --exp-wandb-project=team/sweep "$WORK/wtask.sh" |
	cut -d';' -f1)
idb=$(as "$U2" sbatch --parsable --output=/dev/null --exp-log="$R" \
	--exp-group=sweep --exp-task=b --exp-mode=pipeline:sweep -a 1-$N \
	--wrap='echo "step 1 loss 1.0"; sleep 1; echo "step 2 loss 0.5"' | cut -d';' -f1)
ok $([ -n "$ida" ] && [ -n "$idb" ]; echo $?) "two users submitted $N-task arrays ($ida, $idb)"
as "$TUSER" python3 "$WORK/hand_edit.py" "$R" "$WORK/stop" "$O/edits1" u1 b &
ed1=$!
as "$U2" python3 "$WORK/hand_edit.py" "$R" "$WORK/stop" "$O/edits2" u2 a &
ed2=$!
# lint --fix and notes race the jobs
(
	i=0
	while [ ! -e "$WORK/stop" ]; do
		as "$TUSER" "$RUNLOG" --root "$R" lint --fix --yes >/dev/null 2>&1
		f=$(ls "$R"/sweep/*_[ab]_*.md 2>/dev/null | shuf -n 1)
		if [ -n "$f" ] && as "$U2" "$RUNLOG" --root "$R" note "$f" "team note $i" \
			>/dev/null 2>"$WORK/note.err"; then
			echo "$f" >>"$WORK/notes"
		fi
		i=$((i + 1))
		sleep 0.5
	done
) &
racer=$!
# exp-wandb-sync writes the synced URL into run logs the others are editing
(
	while [ ! -e "$WORK/stop" ]; do
		d=$(ls -d "$R"/.exp-log/runs/sweep/*/wandb/wandb/offline-run-* \
			2>/dev/null | shuf -n 1)
		if [ -n "$d" ] && ! grep -qxF -- "$d" "$WORK/tried" 2>/dev/null &&
		   ls "$d"/run-*.wandb >/dev/null 2>&1; then
			echo "$d" >>"$WORK/tried"
			if as "$TUSER" env PATH="$WORK/bin:$PATH" "$ESYNC" sync --yes \
				--wandb-token-file "$O/key" "$d" >/dev/null 2>&1; then
				echo "$d" >>"$WORK/synced"
			fi
		fi
		sleep 0.3
	done
) &
syncer=$!
n=0
for i in $(seq 1 $((N * 6))); do
	n=$(grep -l '^- scheduler_state: COMPLETED$' "$R"/sweep/*_[ab]_*.md 2>/dev/null | wc -l)
	[ "$n" -ge $((2 * N)) ] && break
	sleep 0.5
done
t1=$(date +%s)
touch "$WORK/stop"
wait $ed1 $ed2 $racer $syncer
diag "2 x $N tasks${PRE:+ (fcntl locks failing)}: $((t1 - t0)) s from submission to the last closed log"
is "$n" $((2 * N)) "$((2 * N)) run logs closed COMPLETED"
is "$(ls "$R"/sweep/*_[ab]_*.md | wc -l)" $((2 * N)) "exactly $((2 * N)) run logs"
tl=$R/sweep/timeline.md
is "$(grep -c '^[0-9]*\. `' "$tl")" $((2 * N)) "timeline has exactly $((2 * N)) entries"
is "$(grep -o '^[0-9]*' "$tl" | sort -n | tr '\n' ' ')" \
	"$(seq 1 $((2 * N)) | tr '\n' ' ')" "numbered 1..$((2 * N)) once each"
is "$(grep -o '`[^`]*`' "$tl" | sort | uniq -d | wc -l)" 0 "no run listed twice"
e1=$(grep -c . "$O/edits1")
e2=$(grep -c . "$O/edits2")
ok $([ "$e1" -ge 3 ] && [ "$e2" -ge 3 ]; echo $?) \
	"$e1 + $e2 hand edits, each user in the other's run logs, while the jobs ran"
lost=0
for u in 1 2; do
	while read -r f; do
		grep -qx -- "- hand: kept by u$u" "$f" || { lost=$((lost + 1)); diag "u$u edit lost in $f"; }
	done <"$O/edits$u"
done
is "$lost" 0 "every hand edit kept"
nn=$(grep -c . "$WORK/notes" 2>/dev/null || echo 0)
ok $([ "$nn" -ge 1 ]; echo $?) "$nn notes by the second user while the jobs ran"
lostn=0
i=0
while read -r f; do
	grep -q "note: team note" "$f" || lostn=$((lostn + 1))
done <"$WORK/notes"
is "$lostn" 0 "every note kept"
ns=$(grep -c . "$WORK/synced" 2>/dev/null || echo 0)
ok $([ "$ns" -ge 1 ]; echo $?) "$ns W&B runs synced while the jobs ran"
lostu=0
while read -r d; do
	id=${d##*-}
	f=$(grep -l -x -- "- execution_id: ${id#r}" "$R"/sweep/*_a_*.md | head -n 1)
	grep -q "wandb.ai/team/sweep/runs/$id" "$f" 2>/dev/null ||
		{ lostu=$((lostu + 1)); diag "URL of $d not in ${f:-its run log}"; }
done <"$WORK/synced"
is "$lostu" 0 "every synced URL kept in its run log"
left=$(find "$R" \( -name '*.tmp.*' -o -name '*.held' -o -name '*.held.*' -o -name '*.swp' \) | head)
is "$left" "" "no temp or link-lock file left behind"
is "$(find "$R" ! -group "$G" | head)" "" "everything under the root in group $G"
is "$(find "$R" -type d ! -perm -2070 | head)" "" "every directory group-writable and setgid"
is "$(find "$R" -type f -perm -044 ! -perm -060 | head)" "" "every shared file group-writable"
out=$(as "$U2" "$RUNLOG" --root "$R" lint 2>&1)
rc=$?
is "$(echo "$out" | grep -v '^note: ' )" "" "runlog lint clean"
is "$rc" 0 "runlog lint exits 0"
if [ -n "$PRE" ]; then
	is "$(echo "$out" | grep '^note: ')" \
		"note: team root, group lock: link file (the filesystem has no fcntl locks)" \
		"lint names the link lock"
	is "$(grep -L '^- .* — group lock: link file' "$R"/sweep/*_[ab]_*.md | head)" "" \
		"every run log's Status says the link lock is in use"
	is "$(grep -c 'group lock: link file' "$R"/sweep/*_a_1.md)" 1 "said once"
else
	is "$(echo "$out" | grep '^note: ')" "note: team root, group lock: fcntl" \
		"lint names the fcntl lock"
	is "$(grep -l 'group lock: link file' "$R"/sweep/*.md | head)" "" \
		"fcntl works: no link-lock line"
fi
# lint --fix repairs what a careless member left
as "$TUSER" sh -c "umask 022 && mkdir '$R/sweep/extra' && echo x >'$R/sweep/extra/f'"
chgrp "$(id -gn "$TUSER")" "$R/sweep/extra/f"
out=$(as "$TUSER" "$RUNLOG" --root "$R" lint 2>&1)
ok $(echo "$out" | grep -q 'share-dir' && echo "$out" | grep -q 'share-file'; echo $?) \
	"lint reports a 0755 directory and a file outside the group"
as "$TUSER" "$RUNLOG" --root "$R" lint --fix --yes >/dev/null 2>&1
out=$(as "$U2" "$RUNLOG" --root "$R" lint 2>&1)
is "$(echo "$out" | grep -c 'share-')" 0 "lint --fix --yes repaired them"
rm -rf "$R/sweep/extra"
done_testing
