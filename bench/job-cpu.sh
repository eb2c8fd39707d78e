#!/bin/bash
# job-cpu.sh - where a job's CPU time goes, with and without --exp-log:
# a TASKS-task array of `true` (default 100) on the 3-node test bed with
# exp_log.so loaded, submitted by the test bed's unprivileged user (as a
# researcher submits: the plugin works as that user in forked children),
# once plain and once with --exp-log, each under
# `perf record -a` (CPU-clock samples of every process, and the fork and
# exec events that tell the processes apart).
#
#   bench/job-cpu.sh [BUILD_DIR]    (root; needs perf and python3)
#
# Each sample goes to its process's role: stepd-batch (the batch step's
# slurmstepd), task (the job script), batch-childN (the batch step's Nth
# forked child that does not exec; with --exp-log at the time of
# writing: 1 writes the run log's start and 1-grandchild is the monitor
# it forks; a user with an exp-log.yaml adds a reader of it before it,
# which shifts the numbers), stepd-epilog
# (the `slurmstepd spank epilog` that slurmd runs at every job's end),
# epilog-child1 (the epilog's close of the run log, as the user), NAME
# (pre-exec: the forked slurmd before it became slurmstepd), and every
# other process by its command name (slurmd, munged, slurmctld's threads
# srvcn, agent, sched_agent...).  Prints the CPU milliseconds per task of
# each role, plain and --exp-log, and the difference: what job-array.sh's
# "CPU per task" is made of.  A diagnostic, with no goal.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
plugin=$build/spank/.libs/exp_log.so
tasks=${TASKS:-100}
[ -r "$plugin" ] || { echo "job-cpu.sh: build first ($plugin)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "job-cpu.sh: run as root (it starts a cluster)" >&2; exit 2; }
for c in perf python3; do
	command -v "$c" >/dev/null ||
		{ echo "job-cpu.sh: needs $c (apt-get install linux-perf python3)" >&2; exit 2; }
done

out=$(mktemp -d /tmp/exl-bench-jobcpu.XXXXXX)
trap 'rm -rf "$out"' EXIT
cat >"$out/inner" <<'I'
#!/bin/bash
# inside the test bed: the array plain and with --exp-log, each under
# perf, into OUT/plain.data and OUT/exp_log.data
set -u
n=$1 out=$2 lib=$3
work=$EXP_LOG_TESTBED_DIR/work/cpu
user=${EXP_LOG_TESTBED_USER:?}
mkdir -p "$work" && chown "$user" "$work" && cd "$work" || exit 1
export user work
for mode in plain exp_log; do
	root=
	[ "$mode" = exp_log ] && root=$work/logs
	perf record -q -a -e cpu-clock -e sched:sched_process_fork \
		-e sched:sched_process_exec -o "$out/$mode.data" -- \
		bash -c ". '$lib' && array_done $n $root" || exit 1
done
I
chmod +x "$out/inner"
"$src/contrib/testbed/exp-log-testbed" run --plugin "$plugin" -- \
	"$out/inner" "$tasks" "$out" "$src/bench/array-run.sh" >"$out/log" 2>&1 ||
	{ echo "job-cpu.sh: the test bed run failed:" >&2; tail -5 "$out/log" >&2; exit 3; }

# roles.py DATA N: "role ms_per_task" lines
cat >"$out/roles.py" <<'P'
import collections, re, subprocess, sys
data, ntasks = sys.argv[1], int(sys.argv[2])
hz = float(sys.argv[3])
text = subprocess.run(['perf', 'script', '-i', data, '-F',
                       'comm,pid,tid,event,trace'], capture_output=True,
                      text=True, check=True).stdout
ev = []
for line in text.splitlines():
    m = re.match(r'\s*(.+?)\s+(\d+)/(\d+)\s+(\S+):\s*(.*)', line)
    if m:
        ev.append((m.group(1), int(m.group(2)), m.group(4), m.group(5)))
# a fork's child is a process (not a thread) when samples name it a pid
pids = set(e[1] for e in ev)
children, execs = collections.defaultdict(list), {}
for comm, pid, name, trace in ev:
    if name.endswith('sched_process_fork'):
        c = int(re.search(r'child_pid=(\d+)', trace).group(1))
        if c in pids and c != pid:
            children[pid].append(c)
    elif name.endswith('sched_process_exec'):
        execs.setdefault(pid, []).append(
            re.search(r'filename=(\S+)', trace).group(1))
def runs_script(p):
    return any('slurm_script' in f for f in execs.get(p, []))
role = {}
for p, files in execs.items():
    if not files[-1].endswith('slurmstepd'):
        continue
    batch = any(runs_script(c) for c in children[p])
    role[p] = 'stepd-batch' if batch else 'stepd-epilog'
    k = 0
    for c in children[p]:
        if runs_script(c):
            role[c] = 'task'
        elif c not in execs:
            k += 1
            role[c] = '%s-child%d' % ('batch' if batch else 'epilog', k)
            for g in children[c]:
                role[g] = role[c] + '-grandchild'
count = collections.Counter()
for comm, pid, name, trace in ev:
    if name != 'cpu-clock':
        continue
    r = role.get(pid, comm)
    if r.startswith('stepd') and comm != 'slurmstepd':
        r = '%s (pre-exec: %s)' % (r, comm)
    count[r] += 1
for r, n in count.items():
    print('%s\t%.3f' % (r, n * 1000.0 / hz / ntasks))
P
hz=$(perf report -i "$out/plain.data" --header-only 2>/dev/null |
	sed -n 's/.*name = cpu-clock.*sample_freq } = \([0-9]*\).*/\1/p' | head -1)
hz=${hz:-4000}
python3 "$out/roles.py" "$out/plain.data" "$tasks" "$hz" >"$out/plain.txt"
python3 "$out/roles.py" "$out/exp_log.data" "$tasks" "$hz" >"$out/exp.txt"
echo "CPU per task (ms) of a $tasks-task array of 'true' on the 3-node test bed, by process (perf, $hz samples/s per CPU):"
awk -F'\t' 'FNR == NR { p[$1] = $2; seen[$1] = 1; next }
	    { e[$1] = $2; seen[$1] = 1 }
	    END { for (r in seen) {
			if (r == "swapper")
				continue
			if (p[r] < 0.2 && e[r] < 0.2) {
				op += p[r]; oe += e[r]
				continue
			}
			printf "%.3f\t%-44s %8.2f %10.2f %+8.2f\n", e[r] - p[r],
			       r, p[r], e[r], e[r] - p[r]
		}
		printf "-1000\t%-44s %8.2f %10.2f %+8.2f\n",
		       "the rest (each under 0.2)", op, oe, oe - op }' \
	"$out/plain.txt" "$out/exp.txt" | sort -g -r | cut -f2- |
	{ printf '%-44s %8s %10s %8s\n' role plain --exp-log diff; cat; }
awk -F'\t' 'FNR == NR { if ($1 != "swapper") p += $2; next }
	    $1 != "swapper" { e += $2 }
	    END { printf "%-44s %8.2f %10.2f %+8.2f\n", "all but idle", p, e, e - p }' \
	"$out/plain.txt" "$out/exp.txt"
