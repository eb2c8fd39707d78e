/* ending.h - how a job ended, told from every witness: the scheduler's
 * state, the batch script's exit status, and exp-run's records in the
 * run's state dir (signals.jsonl, exp-run.json).
 *
 *   time limit: SIGTERM at 14:02:11 (grace 90 s), exited 143 after 31 s
 *   cancelled: SIGTERM at 10:00:03, exited 143 after 2 s
 *   preempted / out of memory / node failure / completed, exit code 0
 *   time limit warning: the batch shell was killed by SIGTERM
 *     (--signal=B:TERM@20) at 06:00:30, before the program could save
 */
#ifndef EXL_ENDING_H
#define EXL_ENDING_H

#include <stddef.h>
#include <time.h>

struct exl_ending_in {
	const char *sched_state;	/* NULL: unknown */
	int have_status;
	int wstatus;			/* batch script's wait status */
	time_t start;
	time_t end;			/* 0: unknown */
	unsigned int time_limit_min;	/* 0xffffffff: none */
	const char *signal_spec;	/* normalized "B:TERM@90", "" none */
	const char *state_dir;		/* where exp-run wrote, may be NULL */
};

/* The one-line "ended:" text for Results. */
void exl_ending_text(const struct exl_ending_in *in, char *buf, size_t len);

/* The Status note about the warning signal: when it was due (start +
 * limit - secs) and when exp-run saw it, or that nobody saw it; when it
 * killed the batch shell (exp-run not exec'd, or not used), that, when the
 * shell died, and the fix (never the due time as an arrival time).  Returns
 * 0 with buf filled, -1 when the job had no signal spec or no limit, or
 * ended before the signal was due. */
int exl_ending_signal_note(const struct exl_ending_in *in, char *buf,
			   size_t len);

#endif
