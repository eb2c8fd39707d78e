#!/bin/bash
# Site and user configuration: defaults from the site file, allowed
# run-log roots, an invalid user file reported (file, line, key) while the
# job still runs; a full run-log filesystem never fails the job.
. "$(dirname "$0")/lib.sh"
# our own test user: this test writes the user's ~/.config/exp-log.yaml
# (user patterns, an invalid file), which the jobs of tests running beside
# it in other beds must not read
export EXP_LOG_TESTBED_USER=explogcfg
SITE=$(mktemp /tmp/exp-log-site.XXXXXX.yaml)
export EXP_LOG_TESTBED_PLUGIN_ARGS="config=$SITE"
ALLOWED=/tmp/exp-log-allowed.$$
cat >"$SITE" <<Y
defaults:
  mode: replication
status:
  interval: 30m
allowed_roots:
  - $ALLOWED
env_capture:
  pyver: python3 --version
  broken: echo half; exit 2
Y
chmod 644 "$SITE"
testbed_up
trap 'testbed_down; rm -rf "$SITE" "$ALLOWED"; umount "$TB.full" 2>/dev/null; rmdir "$TB.full" 2>/dev/null' EXIT
mkdir -p "$ALLOWED"
chown "$TUSER:" "$ALLOWED"
home=$(getent passwd "$TUSER" | cut -d: -f6)
mkdir -p "$home/.config"
chown "$TUSER:" "$home/.config"
user_sbatch() { (cd "$WORK" && runuser -u "$TUSER" -- env SLURM_CONF="$SLURM_CONF" HOME="$home" sbatch "$@"); }

out=$(user_sbatch --exp-log --wrap=true 2>&1)
ok $(( $? == 0 )) "a run-log root outside allowed_roots is refused"
echo "$out" | grep -q "exp-log: .*$WORK/run_logs.*allowed"
ok $? "the message names the root: $(echo "$out" | head -1)"

id=$(user_sbatch --parsable --exp-log="$ALLOWED/logs" --wrap=true)
f=$(wait_final "$ALLOWED/logs" "$id" 60)
ok $? "inside the allowed root: written"
is "$(key "$f" run_type)" "replication" "run_type defaults from the site file"
sd=$ALLOWED/logs/.exp-log/runs/+flat/$(basename "$f" .md)
sum=$(sha256sum "$sd/env/pyver.txt" | cut -d' ' -f1)
grep -q "^- env pyver: \`$sd/env/pyver.txt\` (sha256 \`$sum\`)$" "$f"
ok $? "env_capture output stored beside the run log, hash in Config"
grep -q "^Python 3" "$sd/env/pyver.txt"
ok $? "and it is the command's output"
grep -q "^- env broken: .*(exit code 2, sha256" "$f"
ok $? "a failing capture command is recorded with its exit code"

# issue 19, finding 7: the epilog takes the root from the job's
# environment; the site's allowed_roots apply to it too.  The site drops
# the root while the job runs: the epilog refuses to touch it.
id=$(user_sbatch --parsable --exp-log="$ALLOWED/late" --wrap="sleep 6")
for _ in $(seq 60); do
	ls "$ALLOWED/late"/*.md >/dev/null 2>&1 && break
	sleep 0.5
done
cp "$SITE" "$SITE.keep"
sed -i "s#  - $ALLOWED\$#  - $ALLOWED.elsewhere#" "$SITE"
wait_job_done "$id" 60
for _ in $(seq 40); do
	grep -q "exp-log: epilog: job $id: " "$TB"/log/slurmd-*.log && break
	sleep 0.5
done
grep -q "exp-log: epilog: job $id: couldn't close run log: exp-log: run-log root $ALLOWED/late is outside the allowed run-log roots" "$TB"/log/slurmd-*.log
ok $? "the epilog applies allowed_roots to the root from the job's environment"
cp "$SITE.keep" "$SITE"
rm -f "$SITE.keep"

cat >"$home/.config/exp-log.yaml" <<Y
status:
  interval: soon
colour: blue
Y
chown "$TUSER:" "$home/.config/exp-log.yaml"
out=$(user_sbatch --parsable --exp-log="$ALLOWED/logs" --exp-mode=experiment --wrap=true 2>&1)
id=$(echo "$out" | grep -E '^[0-9]+$')
ok $([ -n "$id" ]; echo $?) "an invalid user file does not stop the submission"
echo "$out" | grep -q "exp-log: warning: $home/.config/exp-log.yaml:2: status.interval: expected seconds"
ok $? "the problem names file, line and key, as a warning"
echo "$out" | grep -q "exp-log: warning: $home/.config/exp-log.yaml:3: colour: unknown key"
ok $? "an unknown key is named"
echo "$out" | grep -q "error:"
ok $(( $? == 0 )) "not 'sbatch: error:' when the job is submitted: $out"
f=$(wait_final "$ALLOWED/logs" "$id" 60)
ok $? "the job ran and its log closed"
grep -q "— config problem: $home/.config/exp-log.yaml:2: status.interval" "$f"
ok $? "the run log shows the problem too"
is "$(key "$f" run_type)" "experiment" "the command line beats the site default"
rm -f "$home/.config/exp-log.yaml"

# issue 19: patterns are PCRE2 with limits.  A user's loss pattern in ERE
# syntax ([[:space:]], {n,m}) reads the loss; an error pattern whose match
# gives up on a line counts as no match there, still matches other lines,
# and the run log says so once.
cat >"$home/.config/exp-log.yaml" <<'Y'
status:
  patterns:
    loss: 'myloss[[:space:]]*=[[:space:]]*([0-9.]{1,12})'
  errors:
    - 'BOOM|(a+)+$'
Y
chown "$TUSER:" "$home/.config/exp-log.yaml"
aa=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!
id=$(user_sbatch --parsable --exp-log="$ALLOWED/logs" --exp-task=patterns \
	--wrap="echo 'step 1 myloss = 0.75'; echo $aa; echo $aa; echo 'step 2 myloss=0.25'; echo 'BOOM here'")
f=$(wait_final "$ALLOWED/logs" "$id" 60)
ok $? "the job with user patterns ran"
is "$(key "$f" start_train_loss)" 0.75 "the user's ERE loss pattern reads the first loss"
is "$(key "$f" end_train_loss)" 0.25 "and the last"
n=$(grep -c "pattern problem: pattern 'BOOM|(a+)+\$' gave up on a line of 41 bytes (PCRE2 match limit): that line counted as no match" "$f")
is "$n" 1 "a match that gives up is reported once in Status"
grep -q "BOOM here" "$f"
ok $? "the same error pattern still quotes a matching line"
grep -q "config problem" "$f"
ok $(( $? == 0 )) "no config problem for these patterns"
[ "$n" = 1 ] || section "$f" Status | sed 's/^/#   /'
# the plugin's "pattern problem" line is its own statement, not a Status
# line that lacks progress (this root is outside the bed: linted here)
out=$(as_user "$top_builddir/runlog/runlog" lint "$(dirname "$f")" 2>&1)
ok $? "runlog lint passes on the run log with a pattern problem"
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#   /'
rm -f "$home/.config/exp-log.yaml"

# a full run-log filesystem: the job runs and keeps its exit code
mkdir -p "$TB.full"
if mount -t tmpfs -o size=32k tmpfs "$TB.full" 2>/dev/null; then
	mkdir -p "$TB.full/logs"
	chown "$TUSER:" "$TB.full/logs"
	dd if=/dev/zero of="$TB.full/filler" bs=4k count=64 2>/dev/null
	sed -i "s#  - $ALLOWED#  - $ALLOWED\n  - $TB.full#" "$SITE"
	id=$(user_sbatch --parsable --exp-log="$TB.full/logs" -o "$WORK/full.out" --wrap="echo ran; exit 4")
	wait_job_done "$id" 60
	is "$(scontrol show job "$id" | sed -n 's/.*ExitCode=\([0-9:]*\).*/\1/p')" "4:0" "full disk: the job keeps exit code 4"
	grep -q "^ran$" "$WORK/full.out"
	ok $? "full disk: the job ran"
	grep -q "exp-log: job $id: couldn't write run log: .*No space left on device" "$TB"/log/slurmd-*.log
	ok $? "full disk: the plugin logged ENOSPC"
else
	skip "full disk" "cannot mount a tmpfs here"
fi
done_testing
