#!/bin/bash
# Options on the submit side: listed by sbatch/srun/salloc --help, bad
# values refused with one clear line, and no files without --exp-log.
. "$(dirname "$0")/lib.sh"
testbed_up

for cmd in sbatch srun salloc; do
	help=$(as_user $cmd --help 2>&1)
	echo "$help" | grep -q "Options provided by plugins"
	ok $? "$cmd --help has a plugin options section"
	for o in exp-log exp-group exp-task exp-mode exp-objective exp-config exp-dataset; do
		echo "$help" | grep -q -- "--$o"
		ok $? "$cmd --help lists --$o"
	done
done

printf '#!/bin/bash\ntrue\n' >"$WORK/ok.sh"
chown "$TUSER:" "$WORK/ok.sh"

for cmd in sbatch srun salloc; do
	args="true"
	[ $cmd = sbatch ] && args="ok.sh"
	out=$(as_user $cmd --exp-log --exp-mode=foo $args 2>&1)
	rc=$?
	ok $((rc == 0)) "$cmd --exp-mode=foo is refused (rc $rc)"
	echo "$out" | grep -q "exp-log: --exp-mode: invalid value 'foo': use replication, experiment or pipeline\[:SUBTYPE\]"
	ok $? "$cmd names the option and the fix"
done

out=$(as_user sbatch --exp-log --exp-config=missing.yaml ok.sh 2>&1)
ok $(( $? == 0 )) "unreadable --exp-config refused"
echo "$out" | grep -q "exp-log: --exp-config: can't read 'missing.yaml': No such file or directory"
ok $? "message names the file and the cause"

out=$(as_user sbatch --exp-log --exp-group=../etc ok.sh 2>&1)
ok $(( $? == 0 )) "--exp-group=../etc refused"
echo "$out" | grep -q "exp-log: --exp-group: invalid name"
ok $? "message names the option"

out=$(as_user sbatch --exp-log "--exp-objective=two
lines" ok.sh 2>&1)
ok $(( $? == 0 )) "multi-line objective refused"

as_user mkdir -p quiet
id=$(cd "$WORK/quiet" && runuser -u "$TUSER" -- env SLURM_CONF="$SLURM_CONF" sbatch --parsable -o /dev/null ../ok.sh)
wait_job_done "$id" 60
sleep 2
is "$(find "$WORK/quiet" -mindepth 1 | wc -l)" 0 "a job without --exp-log writes no files"
is "$(find "$WORK" -name run_logs | wc -l)" 0 "and no run_logs directory anywhere"
# nothing changed or dropped silently (issue 14 item 8)
out=$(as_user sbatch --exp-log "--exp-task=bad name/x" ok.sh 2>&1)
ok $(( $? == 0 )) "--exp-task='bad name/x' refused, not silently changed"
is "$(echo "$out" | grep -c 'exp-log')" 1 "in one exp-log line: $out"
echo "$out" | grep -q "exp-log: --exp-task: invalid name 'bad name/x': .*(e.g. --exp-task=bad_name_x)"
ok $? "the line names the option and a name that works"

as_user mkdir -p ck
out=$(cd "$WORK/ck" && runuser -u "$TUSER" -- env SLURM_CONF="$SLURM_CONF" \
	sbatch --parsable -o /dev/null --exp-log --exp-checkpoint=nosuch.pt ../ok.sh 2>&1)
id=$(echo "$out" | grep -E '^[0-9]+$')
ok $([ -n "$id" ]; echo $?) "--exp-checkpoint=nosuch.pt: submitted (a dependency may write it)"
echo "$out" | grep -q "exp-log: warning: --exp-checkpoint: 'nosuch.pt' does not exist now (No such file or directory); recorded as given"
ok $? "with a one-line warning: $(echo "$out" | grep -v '^[0-9]*$')"
echo "$out" | grep -q "error:"
ok $(( $? == 0 )) "a warning, not an error"
f=$(wait_final "$WORK/ck/run_logs" "$id" 60)
ok $? "its run log closed"
grep -q "^- resumed from: \`$WORK/ck/nosuch.pt\` (not found when the job started)\$" "$f"
ok $? "the run log records the checkpoint given, and that it was missing"
done_testing
