#!/bin/bash
# An unusable run-log directory is refused at submission, as the user, in
# one "sbatch: error: exp-log:" line that names the directory and the fix
# (Slurm adds its "Invalid --exp-log argument"), and no job is submitted.
# (Outside allowed_roots: 10-config.t.)  A directory that breaks after
# submission (before the job starts, or while it runs) does not stop the
# job, and the failure reaches `runlog status` through the fallback record
# in the user's home.
. "$(dirname "$0")/lib.sh"
testbed_up
RUNLOG=$top_builddir/runlog/runlog
[ -x "$RUNLOG" ] || bail "runlog not built"
as_user mkdir -p ro late run_logs
as_user touch afile
chmod 555 "$WORK/ro"

refused() {	# refused NAME DIR PATTERN
	local out rc
	out=$(as_user sbatch --parsable --exp-log="$2" --wrap=true 2>&1)
	rc=$?
	ok $((rc == 0)) "$1: sbatch refuses"
	# one exp-log line; Slurm adds its own "Invalid --exp-log argument"
	# for any refused option (src/common/plugstack.c)
	is "$(printf '%s\n' "$out" | grep -c 'exp-log:')" 1 "$1: one exp-log line"
	is "$(printf '%s\n' "$out" | grep -vc -e 'exp-log:' -e '^sbatch: error: Invalid --exp-log argument: ')" 0 \
		"$1: nothing else but Slurm's own line"
	printf '%s\n' "$out" | grep -q "^sbatch: error: exp-log: run-log directory $3: choose another with --exp-log=DIR"
	ok $? "$1: it names the directory and the fix: $(printf '%s\n' "$out" | head -1)"
}
refused "not writable" ro "$WORK/ro is not writable by you (Permission denied)"
refused "not creatable" ro/sub/logs "$WORK/ro/sub/logs can't be created: $WORK/ro is not writable by you (Permission denied)"
refused "on /proc" /proc/self/logs "/proc/self/logs is on /proc, which holds no files"
refused "not a directory" afile "$WORK/afile is not a directory"
is "$(squeue -h -u "$TUSER" | wc -l)" 0 "no job was submitted"

# the directory breaks between submission and start: the job runs
id=$(submit --hold --exp-log=late -o late.out --wrap="echo ran; exit 7")
[ -n "$id" ] || bail "submission into a writable directory failed"
chmod 555 "$WORK/late"
scontrol release "$id"
wait_job_done "$id" 60
is "$(scontrol show job "$id" | sed -n 's/.*ExitCode=\([0-9:]*\).*/\1/p')" "7:0" \
	"broken after submission: the job ran with its own exit code"
note=$WORK/.cache/exp-log/unlogged/$id.json
for i in $(seq 1 20); do [ -s "$note" ] && break; sleep 0.5; done
ok $([ -s "$note" ]; echo $?) "a fallback record in the user's home: $note"
is "$(stat -c %U "$note" 2>/dev/null)" "$TUSER" "written as the user"
out=$(as_user "$RUNLOG" status 2>&1 >/dev/null)
echo "$out" | grep -q "^runlog: warning: job $id (.*): its run log in $WORK/late could not be written: .*Permission denied; remove $note once read$"
ok $? "runlog status shows it: $out"
as_user rm -f "$note"
out=$(as_user "$RUNLOG" status 2>&1 >/dev/null)
echo "$out" | grep -q "could not be written"
ok $((! $?)) "gone once the record is removed"

# the directory breaks while the job runs: the run log can't be closed
as_user mkdir -p mid
id=$(submit --exp-log=mid -o mid.out --wrap="sleep 6; echo ran; exit 5")
for i in $(seq 1 60); do run_log_of "$WORK/mid" "$id" >/dev/null && break; sleep 0.5; done
ok $(run_log_of "$WORK/mid" "$id" >/dev/null; echo $?) "mid-run: the run log was created"
chmod 555 "$WORK/mid"
wait_job_done "$id" 60
is "$(scontrol show job "$id" | sed -n 's/.*ExitCode=\([0-9:]*\).*/\1/p')" "5:0" \
	"mid-run: the job kept its own exit code"
note=$WORK/.cache/exp-log/unlogged/$id.json
for i in $(seq 1 20); do [ -s "$note" ] && break; sleep 0.5; done
out=$(as_user "$RUNLOG" status 2>&1 >/dev/null)
echo "$out" | grep -q "^runlog: warning: job $id (.*): its run log in $WORK/mid could not be written: .*Permission denied; remove $note once read$"
ok $? "mid-run: runlog status shows it: $out"
chmod 755 "$WORK/mid"
done_testing
