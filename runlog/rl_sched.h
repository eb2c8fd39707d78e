/* rl_sched.h - asking Slurm about jobs: one slurm_load_jobs for all of
 * them, and sacct for the ids slurmctld has forgotten.
 *
 * The query runs on a thread while the caller reads the run logs; its
 * answer is kept as one line per job (see lib/sched_job.h).  libslurm
 * ends the process (fatal()) when its configuration is broken: an exit
 * handler turns that, on the query's thread, into "the scheduler did
 * not answer" and the caller goes on.  Where there is no slurm.conf file
 * (libslurm then looks for one by DNS, and prints how that failed) the
 * query runs in a forked child instead, whose stderr is kept.
 */
#ifndef RUNLOG_RL_SCHED_H
#define RUNLOG_RL_SCHED_H

#include <stddef.h>
#include <sys/types.h>

#include "runstore/sched_job.h"

/* How long the query may take before runlog stops waiting for it (a
 * child is killed then). */
#define RL_SCHED_TIMEOUT 60

/* Where libslurm looks for slurm.conf when SLURM_CONF is not set (the
 * file, then slurmd's copy on a configless cluster). */
#define RL_SLURM_CONF "/etc/slurm/slurm.conf"
#define RL_SLURM_CONF_CACHED "/run/slurm/conf/slurm.conf"

struct rl_sched_query {
	pid_t pid;		/* -1: not started; 0 with thread */
	int thread;		/* the query runs on a thread */
	int out_fd, err_fd;	/* the child's answer and stderr */
	int done_fd;		/* a byte comes when it answered */
};

/* Start the query.  Returns -1 (with why) when it could not be
 * started. */
int rl_sched_start(struct rl_sched_query *q, char *why, size_t len);

/* Wait for the query and read its answer into set.  Returns 0 when
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
