/* rl_spawn.c - run a program and wait for it (see rl_spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rl_spawn.h"

extern char **environ;

char *rl_read_fd(int fd, size_t max, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf || lseek(fd, 0, SEEK_SET) < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (len + 1 >= cap) {
			char *nb;

			if (cap > max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

/* wait_bounded: waitpid with a deadline; SIGKILL after it. */
static int wait_bounded(pid_t pid, int timeout_s)
{
	struct timespec d = { 0, 5 * 1000 * 1000 };
	time_t deadline = time(NULL) + timeout_s;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (time(NULL) >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return status;
		}
		nanosleep(&d, NULL);
		if (d.tv_nsec < 100 * 1000 * 1000)
			d.tv_nsec *= 2;
	}
}

/* which: the executable argv0 names (a path, or looked up in PATH).
 * posix_spawnp cannot be trusted to report a missing program (under
 * valgrind the child just exits 127), so look first. */
static int which(const char *argv0, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *e;

	if (strchr(argv0, '/'))
		return snprintf(out, len, "%s", argv0) < (int)len &&
		       access(out, X_OK) == 0 ? 0 : -1;
	for (p = path && *path ? path : "/usr/bin:/bin"; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		if (snprintf(out, len, "%.*s/%s", e > p ? (int)(e - p) : 1,
			     e > p ? p : ".", argv0) < (int)len &&
		    access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

int rl_spawn(char *const argv[], int timeout_s, char **out, size_t *outlen,
	     char **errtext)
{
	posix_spawn_file_actions_t fa;
	int ofd = -1, efd = -1, rc, status = -1, saved;
	char prog[4096];
	pid_t pid;

	if (which(argv[0], prog, sizeof(prog)) < 0) {
		errno = ENOENT;
		return -1;
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0 && out) {
		ofd = memfd_create("runlog-out", MFD_CLOEXEC);
		efd = memfd_create("runlog-err", MFD_CLOEXEC);
		if (ofd < 0 || efd < 0)
			rc = errno;
		else if ((rc = posix_spawn_file_actions_adddup2(&fa, ofd, 1)) == 0)
			rc = posix_spawn_file_actions_adddup2(&fa, efd, 2);
	}
	if (rc == 0)
		rc = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0) {
		status = wait_bounded(pid, timeout_s);
		if (status == -1)
			rc = errno;
	}
	if (rc == 0 && out) {
		*out = rl_read_fd(ofd, 64u << 20, outlen);
		*errtext = rl_read_fd(efd, 64u << 20, NULL);
		if (!*out || !*errtext) {
			rc = errno ? errno : ENOMEM;
			free(*out);
			free(*errtext);
			*out = *errtext = NULL;
		}
	}
	saved = rc;
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	if (saved) {
		errno = saved;
		return -1;
	}
	return status;
}
