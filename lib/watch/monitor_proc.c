/* monitor_proc.c - detached per-step watcher process (see monitor_proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "watch/monitor_proc.h"

/* become_user: make an effective-uid drop permanent (or drop from root). */
static int become_user(uid_t uid, gid_t gid)
{
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -1;
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return -1;
	return 0;
}

/* close_span: close the descriptors lo..hi (hi may be ~0U). */
static void close_span(unsigned int lo, unsigned int hi)
{
	struct rlimit rl;
	unsigned int fd, max = 1024;

	if (lo > hi)
		return;
	/* one call; a kernel before 5.9 gets the loop */
	if (close_range(lo, hi, 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536)
		max = (unsigned int)rl.rlim_cur;
	for (fd = lo; fd <= hi && fd < max; fd++)
		close((int)fd);
}

/* close_other_fds: the monitor keeps only stdio and its two pipes, so it
 * never holds a job's files or slurmstepd's sockets open.  Closing each
 * possible descriptor in turn cost slurmstepd 65,000 calls (20 ms of CPU)
 * per job where its limit is 65,535. */
static void close_other_fds(int keep1, int keep2)
{
	int keep[2] = { keep1 < keep2 ? keep1 : keep2,
			keep1 < keep2 ? keep2 : keep1 };
	unsigned int lo = 3;
	int i;

	for (i = 0; i < 2; i++) {
		if (keep[i] < (int)lo)
			continue;
		if ((unsigned int)keep[i] > lo)
			close_span(lo, (unsigned int)keep[i] - 1);
		lo = (unsigned int)keep[i] + 1;
	}
	close_span(lo, ~0U);
}

int exl_monitor_pipes_open(struct exl_monitor_pipes *p, struct exl_err *err)
{
	p->stop[0] = p->stop[1] = p->done[0] = p->done[1] = -1;
	if (pipe2(p->stop, O_CLOEXEC) < 0)
		return exl_errnof(err, errno, "couldn't create monitor pipe");
	if (pipe2(p->done, O_CLOEXEC) < 0) {
		int e = errno;

		exl_monitor_pipes_close(p);
		return exl_errnof(err, e, "couldn't create monitor pipe");
	}
	return 0;
}

void exl_monitor_pipes_close(struct exl_monitor_pipes *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (p->stop[i] >= 0)
			close(p->stop[i]);
		if (p->done[i] >= 0)
			close(p->done[i]);
		p->stop[i] = p->done[i] = -1;
	}
}

pid_t exl_monitor_spawn(const struct exl_monitor_pipes *p, exl_monitor_fn fn,
			void *arg, struct exl_err *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return exl_errnof(err, errno, "couldn't fork monitor");
	if (pid > 0)
		return pid;
	/* the monitor: its own session, only its two pipe ends open */
	setsid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_IGN);
	close_other_fds(p->stop[0], p->done[1]);
	fn(arg, p->stop[0], p->done[1]);
	_exit(0);	/* done[1] closes here: the stopper sees EOF */
}

void exl_monitor_adopt(struct exl_monitor *m, struct exl_monitor_pipes *p,
		       pid_t pid)
{
	close(p->stop[0]);
	close(p->done[1]);
	m->stop_fd = p->stop[1];
	m->done_fd = p->done[0];
	m->pid = pid;
	p->stop[0] = p->stop[1] = p->done[0] = p->done[1] = -1;
}

int exl_monitor_start(struct exl_monitor *m, uid_t uid, gid_t gid,
		      exl_monitor_fn fn, void *arg, struct exl_err *err)
{
	struct exl_monitor_pipes p;
	int pid_pipe[2], status;
	pid_t child, gc = -1;

	m->stop_fd = m->done_fd = -1;
	m->pid = -1;
	if (exl_monitor_pipes_open(&p, err) < 0)
		return -1;
	if (pipe2(pid_pipe, O_CLOEXEC) < 0) {
		int e = errno;

		exl_monitor_pipes_close(&p);
		return exl_errnof(err, e, "couldn't create monitor pipe");
	}
	child = fork();
	if (child < 0) {
		int e = errno;

		exl_monitor_pipes_close(&p);
		close(pid_pipe[0]);
		close(pid_pipe[1]);
		return exl_errnof(err, e, "couldn't fork monitor");
	}
	if (child == 0) {
		struct exl_err ignored;

		/* first child: drop for good, report the detached monitor */
		close(pid_pipe[0]);
		if (become_user(uid, gid) < 0)
			_exit(2);
		gc = exl_monitor_spawn(&p, fn, arg, &ignored);
		if (write(pid_pipe[1], &gc, sizeof(gc)) < 0)
			_exit(3);
		_exit(gc > 0 ? 0 : 4);
	}
	close(pid_pipe[1]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (read(pid_pipe[0], &gc, sizeof(gc)) != sizeof(gc))
		gc = -1;
	close(pid_pipe[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || gc <= 0) {
		exl_monitor_pipes_close(&p);
		return exl_errf(err, "monitor did not start (uid %u: status %d)",
				(unsigned)uid, WIFEXITED(status) ?
				WEXITSTATUS(status) : -1);
	}
	exl_monitor_adopt(m, &p, gc);
	return 0;
}

int exl_monitor_wait(int stop_fd, double secs)
{
	struct pollfd p = { .fd = stop_fd, .events = POLLIN };
	struct timespec t0, t1;
	double left = secs;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		rc = poll(&p, 1, left > 0 ? (int)(left * 1000) : 0);
		if (rc > 0)
			return 1;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return 1;	/* can't wait: treat as stop */
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = secs - ((double)(t1.tv_sec - t0.tv_sec) +
			       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		if (left <= 0)
			return 0;
	}
}

/* write_quiet: one write to a pipe (under PIPE_BUF: whole or not at
 * all) whose reader may be gone, without a SIGPIPE for the caller
 * (slurmstepd): blocked meanwhile, and taken back when the write made
 * one. */
static void write_quiet(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = { 0, 0 };
	ssize_t n;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (pthread_sigmask(SIG_BLOCK, &pipe_set, &old) != 0)
		return;
	n = write(fd, buf, len);
	if (n < 0 && errno == EPIPE && sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE) && !sigismember(&old, SIGPIPE))
		(void)sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

size_t exl_monitor_stop_msg(int stop_fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len && exl_monitor_wait(stop_fd, 1.0) == 1) {
		n = read(stop_fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

int exl_monitor_stop(struct exl_monitor *m, int timeout_s, char *report,
		     size_t len)
{
	return exl_monitor_stop_with(m, NULL, 0, timeout_s, report, len);
}

int exl_monitor_stop_with(struct exl_monitor *m, const void *msg,
			  size_t msg_len, int timeout_s, char *report,
			  size_t len)
{
	struct timespec t0, t1;
	char buf[256];
	size_t got = 0;
	ssize_t n;
	double left = timeout_s;
	int rc = -1;

	if (report && len)
		report[0] = '\0';
	if (m->stop_fd < 0)
		return 0;
	if (msg && msg_len && msg_len <= PIPE_BUF)
		write_quiet(m->stop_fd, msg, msg_len);
	close(m->stop_fd);
	m->stop_fd = -1;
	/* the report comes before EOF: read until the monitor is gone, in
	 * timeout_s in all */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left >= 0 && exl_monitor_wait(m->done_fd, left) == 1) {
		n = read(m->done_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = 0;
			break;
		}
		if (report && len && got + 1 < len) {
			size_t k = (size_t)n < len - 1 - got ? (size_t)n :
				   len - 1 - got;

			memcpy(report + got, buf, k);
			got += k;
			report[got] = '\0';
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = timeout_s - ((double)(t1.tv_sec - t0.tv_sec) +
				    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	close(m->done_fd);
	m->done_fd = -1;
	return rc;
}
