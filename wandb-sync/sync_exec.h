/* sync_exec.h - run `wandb sync` children: bounded concurrency, a
 * timeout per run, output captured (the tail) for messages and the URL.
 *
 * Each child runs in its own process group with stdin from /dev/null, so
 * a timeout (SIGTERM, then SIGKILL after a grace period) takes its
 * helpers (wandb-core) down with it.  The API key travels only in the
 * environment vector the caller builds.
 */
#ifndef SYNC_EXEC_H
#define SYNC_EXEC_H

#include <stddef.h>
#include <sys/types.h>

/* Bytes of each output stream kept (the tail). */
#define SYNC_TAIL_MAX 65536
/* Seconds between SIGTERM and SIGKILL on a timeout or an interrupt. */
#define SYNC_KILL_GRACE_S 5

struct sync_tail {
	char buf[SYNC_TAIL_MAX];
	size_t len;
	int cut;		/* older output was dropped */
};

struct sync_task {
	/* set by the caller */
	char *const *argv;	/* argv[0] is the wandb executable */
	/* results */
	pid_t pid;
	int fd[2];		/* child's stdout, stderr; -1 when closed */
	struct sync_tail out[2];
	double started, term_at;
	int state;		/* 0 waiting, 1 running, 2 done */
	int timed_out, interrupted;
	int wstatus;		/* from waitpid, valid when exited */
	int exited;
	char spawn_error[256];	/* the child could not be started */
};

struct sync_cfg {
	char *const *envp;
	int jobs;		/* children at once, >= 1 */
	int timeout_s;		/* per child, 0: none */
};

/* What the caller hears while tasks run: progress (finished, running,
 * total) after every change, and each task as soon as it is done. */
struct sync_watch {
	void (*progress)(void *arg, size_t done, size_t running, size_t total);
	void (*done)(void *arg, size_t task);
	void *arg;
};

/* Run every task to completion.  SIGINT/SIGTERM stop new starts and
 * terminate running children (their tasks are marked interrupted).
 * Returns 1 when interrupted, else 0. */
int sync_run_tasks(struct sync_task *t, size_t n, const struct sync_cfg *cfg,
		   const struct sync_watch *watch);

/* A task succeeded: the child exited 0 on its own. */
int sync_task_ok(const struct sync_task *t);

/* One line on why a task failed ("exit status 1", "timed out after
 * 600 s", ...), into buf. */
const char *sync_task_why(const struct sync_task *t, int timeout_s,
			  char *buf, size_t len);

#endif
