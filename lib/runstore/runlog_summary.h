/* runlog_summary.h - the facts of one run log that the daily view needs,
 * read in a single pass without building a line model.
 *
 * `runlog status` reads thousands of run logs; this parser touches each
 * byte once, allocates only the strings it keeps, and never fails on a
 * hand-edited file: what it cannot find stays unset.  It reads what the
 * markdown says (the markdown wins over the sidecar).
 */
#ifndef EXL_RUNLOG_SUMMARY_H
#define EXL_RUNLOG_SUMMARY_H

#include <stddef.h>
#include <time.h>

#include "runstore/evidence.h"

struct exl_run_summary {
	char *title;		/* text after "# " */
	char *run_type;		/* Mode run_type, NULL when absent */
	char *objective;
	char *job_id;		/* execution_id of the newest job block */
	int job_blocks;		/* "## Job" and "## Job (resumed)" blocks */
	time_t start;		/* start of the newest job block, 0: unknown */
	time_t end;		/* its end, 0: not filled (open) */
	int has_end_key;	/* the newest block has an "end:" line */
	char *sched_state;	/* Results scheduler_state, a state word */
	char *exit_text;	/* Results exit */
	char *checkpoint;	/* Results checkpoint, NULL: none recorded */
	char *final_step;	/* Results final step */
	char *end_val_loss;	/* Results end_val_loss (experiments table) */
	char *end_train_loss;
	char *wandb_url;	/* W&B synced URL (https://...) */
	int wandb_local;	/* W&B local dir recorded */
	int wandb_pending;	/* synced says pending */
	time_t last_stamp;	/* newest Status line that is not a note */
	char *last_status;	/* its text */
	char *statepoints;	/* Config statepoints "k=v,k2=v2", NULL */
	struct exl_evidence ev;	/* newest step, loss and val_loss (from any
				 * Status line); gpu_util from the newest
				 * line only */
	int has_eff;		/* an "## Efficiency" block (acct_eff_block.h) */
	time_t mtime;		/* the file's (filled by the scanner) */
	int borrowed;		/* strings point into a cache buffer: not
				 * freed by exl_summary_free */
};

/* Parse text (len bytes, need not be NUL-terminated).  Returns -1 only
 * when memory runs out. */
int exl_summary_parse(const char *text, size_t len,
		      struct exl_run_summary *s);

void exl_summary_free(struct exl_run_summary *s);

/* A value as the run log shows it, with backticks and placeholders
 * ("_(...)_", "n/a", "none", "pending", "disabled", empty) taken as "no value".
 * Returns 1 when v says something, 0 otherwise. */
int exl_value_present(const char *v);

/* The scheduler state word of a Results value ("COMPLETED"), or 0 when
 * the value is not an upper-case state word. */
int exl_state_word(const char *v);

#endif
