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
done_testing
