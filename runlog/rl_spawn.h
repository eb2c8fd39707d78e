/* rl_spawn.h - running other programs (sacct, passport) from runlog. */
#ifndef RUNLOG_RL_SPAWN_H
#define RUNLOG_RL_SPAWN_H

#include <stddef.h>

/* Run argv[0] (looked up in PATH unless it has a '/') with stdin from
 * /dev/null.  With out set, stdout and stderr are captured (at most
 * 64 MiB each, NUL-terminated, caller frees); else they are the
 * caller's.  The child gets timeout_s seconds, then SIGKILL.  Returns
 * the wait status, or -1 with errno set when it could not be started
 * (ENOENT: no such program). */
int rl_spawn(char *const argv[], int timeout_s, char **out, size_t *outlen,
	     char **errtext);

/* Read a whole (memfd) file from its start, NUL-terminated.  NULL on
 * error. */
char *rl_read_fd(int fd, size_t max, size_t *lenp);

#endif
