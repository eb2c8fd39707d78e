/* env_capture.c - run environment-capture commands (see env_capture.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "watch/env_capture.h"
#include "util/fileio.h"
#include "util/jobstate.h"

/* drain: read the child's output until EOF, the cap or the deadline. */
static char *drain(int fd, time_t deadline, size_t *lenp, int *timed_out)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	*timed_out = 0;
	while (buf) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(deadline - time(NULL));

		if (left <= 0) {
			*timed_out = 1;
			break;
		}
		if (poll(&p, 1, left * 1000) <= 0) {
			if (errno == EINTR)
				continue;
			*timed_out = 1;
			break;
		}
		if (len == cap) {
			if (cap >= EXL_ENV_CAPTURE_MAX)
				break;
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	*lenp = len;
	return buf;
}

int exl_env_capture(const char *command, const char *cwd, const char *out_path,
		    int timeout_s, struct exl_env_result *res,
		    struct exl_err *err)
{
	static const char cut[] = "\n# exp-log: output cut at the size limit\n";
	int pfd[2], status = 0, rc = -1;
	size_t len = 0;
	char *out;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return exl_errnof(err, errno, "couldn't run '%s'", command);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return exl_errnof(err, errno, "couldn't run '%s'", command);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null < 0 || dup2(null, 0) < 0 || dup2(pfd[1], 1) < 0 ||
		    dup2(pfd[1], 2) < 0 || (cwd && chdir(cwd) < 0))
			_exit(126);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	out = drain(pfd[0], time(NULL) + timeout_s, &len, &res->timed_out);
	close(pfd[0]);
	if (res->timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	res->status = status;
	if (!out) {
		exl_errnof(err, ENOMEM, "couldn't capture '%s'", command);
		return -1;
	}
	if (len >= EXL_ENV_CAPTURE_MAX)
		memcpy(out + len - (sizeof(cut) - 1), cut, sizeof(cut) - 1);
	res->bytes = len;
	if (exl_sha256_buf(out, len, res->sha256) < 0) {
		exl_errf(err, "couldn't hash the output of '%s'", command);
	} else if (exl_write_atomic(out_path, out, len, 0644, err) == 0) {
		snprintf(res->path, sizeof(res->path), "%s", out_path);
		rc = 0;
	}
	free(out);
	return rc;
}

void exl_env_result_text(const struct exl_env_result *r, char *buf,
			 size_t len)
{
	char ex[64];

	if (r->timed_out)
		snprintf(ex, sizeof(ex), "timed out, ");
	else if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
		exl_exit_text(r->status, ex, sizeof(ex) - 2);
		strcat(ex, ", ");
	} else
		ex[0] = '\0';
	snprintf(buf, len, "`%s` (%ssha256 `%s`)", r->path, ex, r->sha256);
}
