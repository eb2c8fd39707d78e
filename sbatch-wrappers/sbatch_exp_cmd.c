/* sbatch_exp_cmd.c - running sbatch, squeue, scontrol and scancel for
 * sbatch-exp: argv executed directly (no shell), stdout captured. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sbatch_exp.h"

/* Most output kept from one command (squeue of a big cluster). */
#define SX_OUT_MAX (16u << 20)

/* grow: make room for more bytes in *buf; -1 when out of memory or
 * over SX_OUT_MAX. */
static int grow(char **buf, size_t *cap, size_t need)
{
	char *nb;
	size_t nc = *cap ? *cap : 4096;

	if (need > SX_OUT_MAX)
		return -1;
	while (nc < need)
		nc *= 2;
	if (nc == *cap)
		return 0;
	nb = realloc(*buf, nc);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = nc;
	return 0;
}

int sx_run(char *const *argv, char **out)
{
	int fd[2], st;
	ssize_t n;
	size_t got = 0, cap = 0;
	char *buf = NULL;
	pid_t pid;

	*out = NULL;
	if (pipe(fd) < 0)
		cli_die(EXL_EXIT_ERROR, "couldn't make a pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		cli_die(EXL_EXIT_ERROR, "couldn't fork: %s", strerror(errno));
	if (pid == 0) {
		close(fd[0]);
		if (dup2(fd[1], STDOUT_FILENO) < 0)
			_exit(127);
		close(fd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "sbatch-exp: couldn't run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	for (;;) {
		if (grow(&buf, &cap, got + 4096 + 1) < 0)
			break;	/* the rest is drained below */
		n = read(fd[0], buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (buf)
		buf[got] = '\0';
	{
		char sink[4096];

		while ((n = read(fd[0], sink, sizeof(sink))) > 0 ||
		       (n < 0 && errno == EINTR))
			;
	}
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			free(buf);
			return -1;
		}
	if (!buf)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int sx_sbatch(char *const *argv, char *id, size_t len)
{
	char *out;
	int rc = sx_run(argv, &out);

	if (rc < 0)
		return -1;
	out[strcspn(out, ";\n")] = '\0';
	snprintf(id, len, "%s", out);
	free(out);
	return rc;
}
