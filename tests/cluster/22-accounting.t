#!/bin/bash
# The test bed's accounting (exp-log-testbed start --accounting, issue 17):
# a private MariaDB and slurmdbd, the cluster and the test user registered,
# and jobacct_gather/linux, so sacct has what seff's figures need for a
# CPU-bound job and a memory-hungry job with --mem: TotalCPU, Elapsed,
# AllocCPUS, MaxRSS of the worst step, ReqMem and Timelimit.
. "$(dirname "$0")/lib.sh"

TESTBED_ARGS=--accounting
testbed_up

is "$EXP_LOG_TESTBED_ACCOUNTING" 1 "env says accounting is on"
is "$(stat -c '%a %U' "$TB/slurmdbd.conf")" "600 root" \
	"slurmdbd.conf is 600 and owned by the SlurmUser"
grep -q '^AccountingStorageType=accounting_storage/slurmdbd$' "$SLURM_CONF"
ok $? "slurm.conf stores accounting in slurmdbd"
ok "$([ -s "$TB/run/mariadb.pid" ] && kill -0 "$(cat "$TB/run/mariadb.pid")" && echo 0 || echo 1)" \
	"MariaDB runs from the bed's pid file"
cluster=$(sed -n 's/^ClusterName=//p' "$SLURM_CONF")
assoc=$(timeout 20 sacctmgr -n -P show assoc where user="$TUSER" \
	format=cluster,account,user)
is "$assoc" "$cluster|explog|$TUSER" "the cluster and the test user are registered"

# CPU-bound: two busy processes on 2 CPUs for 4 s (the test machine may be
# shared, so the check below only asks for CPU time clearly gathered).
cpu=$(submit -n1 -c2 -t 10 --wrap \
	'for i in 1 2; do timeout 4 sh -c "while :; do :; done" & done; wait')
# memory-hungry: 300 MiB touched in a step, 1 GiB asked per node.
mem=$(submit -n1 --mem=1G -t 5 --wrap \
	'srun python3 -c "
import time
a = bytearray(300 * 1024 * 1024)
for i in range(0, len(a), 4096):
    a[i] = 1
time.sleep(2)
"')
ok "$([ -n "$cpu" ] && [ -n "$mem" ] && echo 0 || echo 1)" "both jobs submitted"
wait_job_done "$cpu" 60
wait_job_done "$mem" 60

out=$(sacct_fields "$cpu")
ok $? "sacct has the CPU-bound job with its steps"
IFS='|' read -r _ el tl tc ac _ _ _ _ <<<"$(printf '%s\n' "$out" | grep "^$cpu|")"
eff=$(awk -v c="$(secs "$tc")" -v a="$ac" -v e="$(secs "$el")" \
	'BEGIN { printf "%.2f\n", (a * e > 0) ? c / (a * e) : -1 }')
diag "CPU-bound job: TotalCPU=$tc AllocCPUS=$ac Elapsed=$el: CPU efficiency $eff"
is "$ac" 2 "AllocCPUS is the 2 CPUs asked for"
ok "$(awk -v x="$eff" -v c="$(secs "$tc")" \
	'BEGIN { print (c >= 0.2 && x > 0.02 && x <= 1.05) ? 0 : 1 }')" \
	"TotalCPU is gathered: CPU efficiency $eff of two busy CPUs"
tlim=$(awk -v e="$(secs "$el")" -v l="$(secs "$tl")" 'BEGIN { printf "%.3f\n", e / l }')
ok "$(awk -v x="$tlim" 'BEGIN { print (x > 0 && x < 0.1) ? 0 : 1 }')" \
	"Timelimit $tl is known: time efficiency $tlim"

out=$(sacct_fields "$mem")
ok $? "sacct has the memory-hungry job with its steps"
req=$(printf '%s\n' "$out" | awk -F'|' -v j="$mem" '$1 == j { print $8 }')
worst=0
while IFS='|' read -r id _ _ _ _ _ rss _ _; do
	case $id in "$mem".*) ;; *) continue ;; esac
	[ -n "$rss" ] || continue
	k=$(kib "$rss")
	[ "$k" -gt "$worst" ] && worst=$k
done <<<"$out"
meff=$(awk -v w="$worst" -v r="$(kib "$req")" 'BEGIN { printf "%.2f\n", w / r }')
diag "memory-hungry job: ReqMem=$req worst MaxRSS=${worst}K: memory efficiency $meff"
is "$(kib "$req")" 1048576 "ReqMem is the 1 GiB asked for"
ok "$(awk -v x="$meff" 'BEGIN { print (x > 0.28 && x < 0.45) ? 0 : 1 }')" \
	"MaxRSS is gathered: the 300 MiB step is the worst, efficiency $meff"

done_testing
