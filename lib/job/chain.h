/* chain.h - a requeue chain's rules: what exp-run --requeue does when a
 * link's program has ended (requeue the job, leave it to the scheduler,
 * stop), told from the scheduler's facts about the job; and the line the
 * next link's header and Status carry.  No Slurm calls here: the caller
 * asks slurmctld and fills struct exl_chain_in. */
#ifndef EXL_CHAIN_H
#define EXL_CHAIN_H

#include <stddef.h>

#include "runstore/exprun_record.h"

/* Links in a row without a new checkpoint before a chain stops. */
#define EXL_CHAIN_STALL_DEFAULT 2
/* Slurm may send the --signal warning up to 60 s early (sbatch(1)). */
#define EXL_CHAIN_WARN_SLACK 65

struct exl_chain_in {
	int wstatus;		/* the program's wait status */
	int max;		/* requeues allowed (--requeue=MAX) */
	int link;		/* this link's restart count (0: the first) */
	int job_known;		/* slurmctld answered: the facts below hold */
	int cancelled;		/* the job's state is CANCELLED */
	int pending;		/* the scheduler has requeued it already */
	int preempted;		/* slurmctld set the job's preempt time */
	int warned;		/* the job's warning signal reached exp-run */
	long long warn_left;	/* seconds from the warning to the job's
				 * end (its time limit), -1: unknown */
	int warn_secs;		/* the --signal=...@SECS window, 0: none */
	int progress;		/* 1: a checkpoint newer than the link's
				 * start, 0: none, -1: unknown */
	int prev_stalled;	/* the previous link's stalled count */
	int stall_limit;	/* 0: EXL_CHAIN_STALL_DEFAULT */
	const char *checkpoint;	/* the newest checkpoint, NULL: none */
};

enum exl_chain_do {
	EXL_CHAIN_END,		/* the program finished: the chain is done */
	EXL_CHAIN_STOP,		/* not requeued (cancelled, budget, ...) */
	EXL_CHAIN_SCHEDULER,	/* Slurm requeues the job itself */
	EXL_CHAIN_REQUEUE,	/* exp-run requeues the job now */
};

/* What to do at the end of a link; out gets the decision, the reason, the
 * counts and the Status text (the caller sets out->at and, when the
 * requeue itself fails, calls exl_chain_failed). */
enum exl_chain_do exl_chain_decide(const struct exl_chain_in *in,
				   struct exl_exprun_chain *out);

/* The requeue exl_chain_decide asked for failed with why: out says the
 * chain stopped. */
void exl_chain_failed(struct exl_exprun_chain *out, const char *why);

/* Is the warning signal a time-limit warning by the scheduler's facts:
 * the job's end was at most warn_secs (+ slack) away when it came? */
int exl_chain_is_time_limit(long long warn_left, int warn_secs);

/* The Status text of a link's end (st: the scheduler's state, ex: the
 * exit text or NULL) when exp-run recorded a chain decision for the job
 * entry with restart count restart in state_dir: a requeued or
 * preempted link's verdict in verdict ("time limit: requeued by exp-run
 * (1/10) at 12:01:02 (scheduler state REQUEUED), exit code 143"), or
 * for a link that ended the chain (completed, cancelled, stopped) the
 * chain's line in extra; 1 when either is set, 0 when exp-run said
 * nothing about this link. */
int exl_chain_status(const char *state_dir, long long restart,
		     const char *st, const char *ex, char *verdict,
		     size_t vlen, char *extra, size_t elen);

#endif
