/* Unit tests: /proc sampling of a real process tree (a busy child, a
 * sleeping one with a child of its own, one with a hostile name), pid
 * collection two ways, cgroup.procs, node and filesystem figures. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "telemetry/telemetry_proc.h"
#include "telemetry_test.h"

#define MIB (1024ULL * 1024ULL)

static char dir[] = "/tmp/exl-proc-XXXXXX";
static int ready[2];

static void say_ready(void)
{
	if (write(ready[1], "x", 1) != 1)
		_exit(1);
}

static pid_t spawn_busy(void)
{
	pid_t pid = fork();
	volatile unsigned long n = 0;

	if (pid == 0) {
		say_ready();
		for (;;)
			n++;
	}
	return pid;
}

/* Touches 32 MiB, starts a grandchild, sleeps. */
static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		volatile char *mem = malloc(32 * MIB);
		size_t i;

		if (!mem)
			_exit(1);
		for (i = 0; i < 32 * MIB; i += 4096)
			mem[i] = 1;	/* volatile: really touched */
		if (fork() == 0) {
			say_ready();
			pause();
			_exit(0);
		}
		say_ready();
		pause();
		_exit(0);
	}
	return pid;
}

/* A process whose name is built to confuse a naive stat parser. */
static pid_t spawn_weird(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NAME, "a) b (c) 1 2");
		say_ready();
		pause();
		_exit(0);
	}
	return pid;
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

static int has(const struct exl_pidset *s, pid_t p)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->pids[i] == p)
			return 1;
	return 0;
}

static void tree(void)
{
	struct exl_pidset a = { 0 }, b = { 0 };
	struct exl_proc_tracker *tr = exl_proc_tracker_new();
	struct exl_proc_usage u;
	pid_t busy, sleeper, weird;
	char c;
	int i, got = 0;

	if (pipe(ready) < 0)
		return;
	busy = spawn_busy();
	sleeper = spawn_sleeper();
	weird = spawn_weird();
	for (i = 0; i < 4 && read(ready[0], &c, 1) == 1; i++)
		got++;
	is_int(got, 4, "children ready");

	ok(exl_proc_descendants(getpid(), 0, &a) == 4, "4 descendants (%zu)",
	   a.n);
	ok(has(&a, busy) && has(&a, sleeper) && has(&a, weird) &&
	   !has(&a, getpid()), "children found, root left out");
	ok(exl_proc_descendants_scan(getpid(), 0, &b) == 4, "the /proc scan "
	   "finds 4 too");
	qsort(a.pids, a.n, sizeof(pid_t), cmp_pid);
	qsort(b.pids, b.n, sizeof(pid_t), cmp_pid);
	ok(a.n == b.n && !memcmp(a.pids, b.pids, a.n * sizeof(pid_t)),
	   "both ways agree");
	ok(exl_proc_descendants(getpid(), 1, &b) == 5 && has(&b, getpid()),
	   "include_root adds the root");

	ok(exl_proc_sample(tr, &a, &u) == 0 && u.nprocs == 4 &&
	   !u.cpu_pct_valid, "first sample: no CPU%% yet");
	nap(1.0);
	ok(exl_proc_sample(tr, &a, &u) == 0 && u.cpu_pct_valid,
	   "second sample has CPU%%");
	/* a spinning child gets a third of a core or less when make check
	 * runs tests in parallel on a small machine: only "clearly busy" */
	ok(u.cpu_pct > 10 && u.cpu_pct < 250, "one busy child: CPU %.1f%%",
	   u.cpu_pct);
	ok(u.cpu_s > 0.3, "CPU seconds %.2f", u.cpu_s);
	ok(u.rss_bytes >= 32 * MIB && u.rss_bytes < 4096 * MIB,
	   "RSS %.1f MiB includes the 32 MiB child", u.rss_bytes / (double)MIB);

	kill(weird, SIGKILL);
	waitpid(weird, NULL, 0);
	ok(exl_proc_sample(tr, &a, &u) == 0 && u.nprocs == 3,
	   "a vanished pid is skipped");
	kill(busy, SIGKILL);
	waitpid(busy, NULL, 0);
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	/* the orphaned grandchild went to init; it was ours to clean up */
	for (i = 0; i < (int)a.n; i++)
		kill(a.pids[i], SIGKILL);
	ok(exl_proc_descendants(999999999, 0, &b) < 0 && errno == ESRCH,
	   "a missing root reports ESRCH");
	exl_pidset_free(&a);
	exl_pidset_free(&b);
	exl_proc_tracker_free(tr);
	close(ready[0]);
	close(ready[1]);
}

static void cgroups(void)
{
	struct exl_pidset s = { 0 };
	struct exl_err err = { "" };
	char p[700];

	snprintf(p, sizeof(p), "%s/cg", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/cg/step_0", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/cg/step_0/task_0", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/cg/cgroup.procs", dir);
	put_file(p, "101\n102\n");
	snprintf(p, sizeof(p), "%s/cg/step_0/cgroup.procs", dir);
	put_file(p, "");
	snprintf(p, sizeof(p), "%s/cg/step_0/task_0/cgroup.procs", dir);
	put_file(p, "201\n202\n203\n");
	snprintf(p, sizeof(p), "%s/cg", dir);
	ok(exl_proc_cgroup_pids(p, &s, &err) == 5, "5 pids over 3 cgroups");
	snprintf(p, sizeof(p), "%s/none", dir);
	ok(exl_proc_cgroup_pids(p, &s, &err) < 0 &&
	   strstr(err.text, "cgroup.procs"), "missing cgroup: %s", err.text);
	exl_pidset_free(&s);
}

static void node_fs(void)
{
	struct exl_node_usage n;
	struct exl_err err = { "" };
	unsigned long long fr = 0, tot = 0;
	int fd = open(dir, O_PATH | O_CLOEXEC);

	ok(exl_node_sample(&n, &err) == 0, "node sample");
	ok(n.mem_total > 0 && n.mem_avail > 0 && n.mem_avail <= n.mem_total,
	   "memory: %llu of %llu MiB available", n.mem_avail / MIB,
	   n.mem_total / MIB);
	ok(n.load1 >= 0 && n.load15 >= 0, "load %.2f", n.load1);
	ok(exl_fs_sample(fd, &fr, &tot, &err) == 0 && tot > 0 && fr <= tot,
	   "filesystem: %llu of %llu MiB free", fr / MIB, tot / MIB);
	close(fd);
	ok(exl_fs_sample(-1, &fr, &tot, &err) < 0, "bad fd: %s", err.text);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	tree();
	cgroups();
	node_fs();
	rm_tree(dir);
	return done_testing();
}
