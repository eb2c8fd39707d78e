/* status_row.h - one row of `runlog status`: what a run log says,
 * reconciled with what the scheduler says.
 *
 * Precedence: the scheduler's own record for a job it knows (RUNNING,
 * PENDING with its reason, COMPLETING, or a final state it still
 * remembers); else the final scheduler_state the log was closed with;
 * else sacct's answer when asked; else, for a log that never closed, LOST
 * (the job is gone).  Runs outside Slurm ("local:<host>:<pid>") are
 * RUNNING while that process lives.  A pure function: the caller gathers
 * the facts, so every case is unit-tested.
 */
#ifndef EXL_STATUS_ROW_H
#define EXL_STATUS_ROW_H

#include <time.h>

#include "runstore/runlog_summary.h"
#include "runstore/sched_job.h"

struct exl_status_in {
	const struct exl_run_summary *log;
	const struct exl_sched_job *sched;	/* slurmctld's record or NULL */
	int sched_ok;		/* slurmctld answered the query */
	const struct exl_sched_job *acct;	/* sacct's record or NULL */
	int acct_asked;		/* accounting answered about this job */
	int acct_closed;	/* the log was just closed from acct */
	int local_alive;	/* local runs: 1 alive, 0 gone, -1 can't tell */
	time_t now;
};

struct exl_status_row {
	char state[32];		/* RUNNING, PENDING, COMPLETED, LOST, ... */
	char reason[64];	/* pending reason, "" */
	time_t expected_start;	/* a pending job's, from the scheduler
				 * (squeue --start); 0: unknown */
	const char *source;	/* "scheduler", "sacct", "accounting" (the
				 * log was closed from it), "log", "local",
				 * "none" */
	int open;		/* the log has not been closed */
	int final;		/* the state is final (the run is over) */
	long elapsed;		/* seconds, -1: unknown */
	long time_left;		/* seconds, -1: unknown or unlimited */
	int unlimited;		/* no time limit */
	long evidence_age;	/* seconds since the newest Status line, -1 */
	const char *wandb;	/* "synced", "pending", "n/a" */
	time_t started;		/* for sorting: start of the newest job */
	time_t finished;	/* when the run ended, 0: not over */
	char *hint;		/* what to do about a surprising state, or
				 * NULL (newly allocated: exl_status_row_free) */
};

/* Fill r (whatever it held: it is not freed first) from in. */
void exl_status_reconcile(const struct exl_status_in *in,
			  struct exl_status_row *r);

/* r's hint, replacing any; where memory runs out the row goes without
 * one (the state still says what happened). */
void exl_status_row_hint(struct exl_status_row *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Free r's hint; r stays valid, without one. */
void exl_status_row_free(struct exl_status_row *r);

/* Is the log closed (its newest job block has an end, or a hand-written
 * log without one has a final scheduler_state)? */
int exl_summary_closed(const struct exl_run_summary *s);

/* "local:<host>:<pid>" -> host and pid; -1 for other ids. */
int exl_local_id(const char *job_id, char *host, size_t len, long *pid);

/* Is state (a scheduler state name) one that Slurm still acts on? */
int exl_state_is_live(const char *state);

#endif
