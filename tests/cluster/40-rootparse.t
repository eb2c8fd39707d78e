#!/bin/bash
# issue 19, finding 7: root never comes back to parse.  slurmstepd's
# user_init has a saved uid of 0; the job user's exp-log.yaml is parsed in
# a child that dropped to the user for good, and the parent takes back
# only a flat struct it checks again: a user file never widens what the
# site allows.  (The epilog's allowed_roots: 10-config.t.)
. "$(dirname "$0")/lib.sh"
# our own test user: this test writes the user's ~/.config/exp-log.yaml,
# which other beds' tests (and their user) must not see
export EXP_LOG_TESTBED_USER=explogrp
SITE=$(mktemp /tmp/exp-log-site.XXXXXX.yaml)
export EXP_LOG_TESTBED_PLUGIN_ARGS="config=$SITE"
testbed_up
trap 'testbed_down; rm -f "$SITE"' EXIT
# the allowed root inside the bed, where the run logs are linted at the end
ALLOWED=$WORK/allowed
cat >"$SITE" <<Y
defaults:
  mode: replication
allowed_roots:
  - $ALLOWED
Y
chmod 644 "$SITE"
mkdir -p "$ALLOWED"
chown "$TUSER:" "$ALLOWED"
home=$(getent passwd "$TUSER" | cut -d: -f6)
ucfg=$home/.config/exp-log.yaml
mkdir -p "$home/.config"
chown "$TUSER:" "$home/.config"
rm -f "$ucfg"
user_sbatch() {
	(cd "$WORK" && runuser -u "$TUSER" -- env SLURM_CONF="$SLURM_CONF" \
		HOME="$home" sbatch --parsable "$@" 2>"$WORK/sbatch.err")
}
L=$ALLOWED/logs
tuid=$(id -u "$TUSER")
all_user=$(printf 'Uid:\t%s\t%s\t%s\t%s' "$tuid" "$tuid" "$tuid" "$tuid")

# a valid user file: parsed by a process whose real, effective, saved and
# fs uids are all the user's, and its values reach the job
cat >"$ucfg" <<'Y'
defaults:
  mode: experiment
  group: from-user
Y
chown "$TUSER:" "$ucfg"
uids=$WORK/uids.txt
id=$(EXP_LOG_TEST_UIDS_FILE=$uids user_sbatch --exp-log="$L" --wrap=true)
f=$(wait_final "$L" "$id" 60)
ok $? "the job ran and its log closed"
is "$(dirname "$f")" "$L/from-user" "the user file's group placed the run log"
is "$(key "$f" run_type)" experiment "the user file's mode beats the site's"
is "$(grep '^config ' "$uids" 2>/dev/null)" "config $all_user" \
	"exp-log.yaml is parsed with no way back to root"
is "$(grep -c '^config ' "$uids" 2>/dev/null)" 1 "once, in the batch step"
is "$(grep '^begin ' "$uids" 2>/dev/null)" "begin $all_user" \
	"and so is the run log's start"

# a user file only root may read: the dropped child cannot, so it is the
# usual one-line problem (never read with root's rights) and the job runs
# with the site's values
printf 'defaults:\n  mode: experiment\n' >"$ucfg"
chown root:root "$ucfg"
chmod 600 "$ucfg"
id=$(user_sbatch --exp-log="$L" --exp-task=rootonly --wrap=true)
ok $([ -n "$id" ]; echo $?) "a root-only user file does not stop the submission"
f=$(wait_final "$L" "$id" 60)
ok $? "the job ran and its log closed"
is "$(grep -c -- "— config problem: $ucfg: couldn't open $ucfg: Permission denied; file ignored" "$f")" 1 \
	"one problem line in the run log"
is "$(key "$f" run_type)" replication "the site's mode, not the unread file's"

# a FIFO where the user file goes: refused at once, never waited on
rm -f "$ucfg"
runuser -u "$TUSER" -- mkfifo "$ucfg"
id=$(user_sbatch --exp-log="$L" --exp-task=fifo --wrap=true)
f=$(wait_final "$L" "$id" 60)
ok $? "a FIFO as the user file: the job ran and its log closed"
grep -q -- "— config problem: $ucfg: not a regular file; file ignored" "$f"
ok $? "the FIFO is one problem line: $(grep -- '— config problem' "$f" | head -1)"
rm -f "$ucfg"

# the user file sets a run-log root the site does not allow, while the
# command line names an allowed one: the parent refuses the user's whole
# view (it must never widen the site's), says so once, and the site's
# values stand
cat >"$ucfg" <<Y
defaults:
  log_dir: /tmp
  mode: experiment
Y
chown "$TUSER:" "$ucfg"
id=$(user_sbatch --exp-log="$L" --exp-task=wide --wrap=true)
f=$(wait_final "$L" "$id" 60)
ok $? "the job ran and its log closed"
grep -q -- "— config problem: $ucfg: refused (defaults.log_dir: exp-log: run-log root /tmp is outside the allowed run-log roots" "$f"
ok $? "a user log_dir outside allowed_roots is refused in the job: $(grep -- '— config problem' "$f" | head -1)"
is "$(key "$f" run_type)" replication "nothing of the refused file applies"
rm -f "$ucfg"
done_testing
