/* privdrop.c - forked, permanently unprivileged work (see privdrop.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/privdrop.h"

static int drop_to(uid_t uid, gid_t gid, const gid_t *groups, int ngroups)
{
	/* slurmstepd's user_init runs with the user's euid but a saved uid
	 * of 0: take root back first, so that all of it can be given up */
	if (geteuid() != 0 && seteuid(0) < 0)
		return -1;
	if (setgroups(ngroups > 0 ? (size_t)ngroups : 1,
		      ngroups > 0 ? groups : &gid) < 0)
		return -1;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -1;
	/* paranoia: the drop must be irreversible */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return -1;
	return 0;
}

/* What the child sends back: fn's result and message, then (when fn
 * succeeded) the caller's out buffer. */
struct reply {
	int rc;
	char text[sizeof(((struct exl_err *)0)->text)];
};

/* write_all: n bytes of buf to fd. */
static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read_until: fill buf[0..n) from fd before deadline; bytes read. */
static size_t read_until(int fd, void *buf, size_t n, time_t deadline,
			 int *timed_out)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(deadline - time(NULL)), rc;
		ssize_t r;

		if (left <= 0) {
			*timed_out = 1;
			break;
		}
		rc = poll(&p, 1, left * 1000);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc <= 0)
			continue;
		r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

int exl_as_user_out(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		    int timeout_s, exl_user_fn fn, void *arg, void *out,
		    size_t outlen, struct exl_err *err)
{
	struct reply rep;
	uid_t ru, eu, su;
	int pfd[2], status = 0, timed_out = 0;
	size_t got;
	pid_t pid;
	time_t deadline;

	/* in-process only when root cannot come back: real, effective and
	 * saved uid are all the target's */
	if (getresuid(&ru, &eu, &su) == 0 && ru == uid && eu == uid && su == uid)
		return fn(arg, err);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return exl_errnof(err, errno, "couldn't create pipe");
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return exl_errnof(err, errno, "couldn't fork");
	}
	if (pid == 0) {
		struct exl_err child_err;

		close(pfd[0]);
		memset(&rep, 0, sizeof(rep));
		/* all of it: the whole text goes down the pipe */
		memset(&child_err, 0, sizeof(child_err));
		if (drop_to(uid, gid, groups, ngroups) < 0) {
			exl_errnof(&child_err, errno,
				   "couldn't drop privileges to uid %u",
				   (unsigned)uid);
			rep.rc = -1;
		} else {
			rep.rc = fn(arg, &child_err);
		}
		memcpy(rep.text, child_err.text, sizeof(rep.text));
		rep.text[sizeof(rep.text) - 1] = '\0';
		if (write_all(pfd[1], &rep, sizeof(rep)) < 0 ||
		    (rep.rc == 0 && out && write_all(pfd[1], out, outlen) < 0))
			rep.rc = -1;
		_exit(rep.rc == 0 ? 0 : 1);
	}
	close(pfd[1]);
	deadline = time(NULL) + timeout_s;
	memset(&rep, 0, sizeof(rep));
	got = read_until(pfd[0], &rep, sizeof(rep), deadline, &timed_out);
	if (got == sizeof(rep) && rep.rc == 0 && out &&
	    read_until(pfd[0], out, outlen, deadline, &timed_out) != outlen)
		rep.rc = -1;
	close(pfd[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return exl_errf(err, "worker for uid %u timed out after %d s",
				(unsigned)uid, timeout_s);
	rep.text[sizeof(rep.text) - 1] = '\0';
	if (got == sizeof(rep) && rep.rc == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		return 0;
	if (got < sizeof(rep) || rep.text[0] == '\0')
		return exl_errf(err, "worker for uid %u failed", (unsigned)uid);
	return exl_errf(err, "%s", rep.text);
}

int exl_as_user(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		int timeout_s, exl_user_fn fn, void *arg, struct exl_err *err)
{
	return exl_as_user_out(uid, gid, groups, ngroups, timeout_s, fn, arg,
			       NULL, 0, err);
}
