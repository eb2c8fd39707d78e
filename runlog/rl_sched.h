/* rl_sched.h - asking Slurm about jobs: one slurm_load_jobs for all of
 * them, and sacct for the ids slurmctld has forgotten.
 *
 * libslurm ends the process (fatal()) when it finds no configuration, so
 * the query runs in a forked child that writes one line per job (see
 * lib/sched_job.h) into a memory file; the parent reads it when it is
 * done scanning run logs, and a child that died only means "the
 * scheduler did not answer".  The child is started first so the query
 * and the scan overlap.
 */
#ifndef RUNLOG_RL_SCHED_H
#define RUNLOG_RL_SCHED_H

#include <stddef.h>
#include <sys/types.h>

#include "runstore/sched_job.h"

/* How long the query may take before the child is killed. */
#define RL_SCHED_TIMEOUT 60

struct rl_sched_query {
	pid_t pid;		/* -1: not started */
	int out_fd, err_fd;
	int done_fd;		/* the child writes a byte when answered */
};

/* Start the child.  Returns -1 (with why) when it could not be forked. */
int rl_sched_start(struct rl_sched_query *q, char *why, size_t len);

/* Wait for the child and read its answer into set.  Returns 0 when
 * slurmctld answered, -1 with a one-line reason otherwise. */
int rl_sched_finish(struct rl_sched_query *q, struct exl_sched_set *set,
		    char *why, size_t len);

/* One "sacct -X -n -P -o JobID,State,Elapsed,End,ExitCode -j ids" for
 * the given job ids, killed after timeout_s; records go into set.  -1
 * with why when sacct failed, -2 (with why) when there is no accounting
 * to ask (no sacct, or accounting_storage/none). */
int rl_sacct(char *const *ids, size_t n, int timeout_s,
	     struct exl_sched_set *set, char *why, size_t len);

#endif
