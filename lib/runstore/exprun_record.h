/* exprun_record.h - what exp-run leaves in a run's state dir, written by
 * exp-run inside the job and read by the epilog and the plugin's end:
 *
 *   exp-run.json (rank 0), exp-run.<rank>.json   how CMD ended
 *   signals.jsonl                                 each signal exp-run saw
 *
 * This codec is the only code that knows these files' names and keys.
 */
#ifndef EXL_EXPRUN_RECORD_H
#define EXL_EXPRUN_RECORD_H

#include "util/exl_err.h"

struct exl_exprun_result {
	int exit_code;		/* as a shell reports it (128+N: signal N) */
	int wstatus;		/* waitpid()'s status */
	char exit[64];		/* "exit code 1", "killed by SIGKILL" */
	double start, end;	/* epoch seconds */
	int rank;
	char host[256];
	/* a terminating signal reached exp-run (term_signal[0] != 0) */
	char term_signal[32];	/* "SIGTERM" */
	double term_time;
	int grace;		/* seconds of grace given */
	double exited_after;	/* CMD exited this long after the signal */
	int killed;		/* the grace ran out: SIGKILL sent */
	struct exl_exprun_chain {	/* exp-run --requeue: chain[0] != 0 */
		/* "requeued" (by exp-run), "scheduler" (Slurm requeued it),
		 * "stopped" (not requeued), "ended" (exit 0) */
		char decision[16];
		/* why the link ended: "time limit", "preempted",
		 * "cancelled", "failed", "finished" */
		char reason[32];
		char text[600];		/* the Status line that tells it */
		double at;		/* when it was decided (requeued) */
		int link;		/* the link's restart count (0: first) */
		int max;		/* requeues allowed */
		int stalled;		/* links in a row without progress */
		int stall_limit;	/* stop after this many */
		char checkpoint[4096];	/* newest checkpoint at the end */
	} chain;
};

/* Write r as the result of its rank in state_dir, atomically. */
int exl_exprun_write(const char *state_dir, const struct exl_exprun_result *r,
		     struct exl_err *err);

/* Read rank 0's result from state_dir: 0 and r filled, 1 when there is
 * none (or it has no exit code), -1 out of memory. */
int exl_exprun_read(const char *state_dir, struct exl_exprun_result *r);

/* One signal exp-run saw (sig_name NULL: an event without a signal) and
 * what it did, appended to signals.jsonl. */
int exl_exprun_signal_add(const char *state_dir, double when,
			  const char *sig_name, int rank, const char *host,
			  const char *action, struct exl_err *err);

/* When exp-run first saw signal sig_name ("SIGUSR1") at or after since
 * (a requeued job's state dir holds every link's signals), 0 if never. */
double exl_exprun_signal_first(const char *state_dir, const char *sig_name,
			       double since);

#endif
