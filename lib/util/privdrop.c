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

int exl_as_user(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		int timeout_s, exl_user_fn fn, void *arg, struct exl_err *err)
{
	struct exl_err child_err;
	int pfd[2], status = 0, rc, timed_out = 0;
	size_t got = 0;
	pid_t pid;
	time_t deadline;

	if (geteuid() == uid && getuid() == uid)
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
		close(pfd[0]);
		exl_err_clear(&child_err);
		if (drop_to(uid, gid, groups, ngroups) < 0) {
			exl_errnof(&child_err, errno,
				   "couldn't drop privileges to uid %u",
				   (unsigned)uid);
			rc = -1;
		} else {
			rc = fn(arg, &child_err);
		}
		if (write(pfd[1], child_err.text, strlen(child_err.text)) < 0)
			rc = -1;
		_exit(rc == 0 ? 0 : 1);
	}
	close(pfd[1]);
	exl_err_clear(&child_err);
	deadline = time(NULL) + timeout_s;
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int left = (int)(deadline - time(NULL));
		ssize_t n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			timed_out = 1;
			break;
		}
		rc = poll(&p, 1, left * 1000);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			continue;
		n = read(pfd[0], child_err.text + got,
			 sizeof(child_err.text) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got >= sizeof(child_err.text) - 1)
			break;
	}
	child_err.text[got] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return exl_errf(err, "worker for uid %u timed out after %d s",
				(unsigned)uid, timeout_s);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (child_err.text[0] == '\0')
		snprintf(child_err.text, sizeof(child_err.text),
			 "worker for uid %u failed", (unsigned)uid);
	return exl_errf(err, "%s", child_err.text);
}
