/* experiments_table.h - experiments.md rows built from run logs, for
 * `runlog experiments` and `runlog lint --fix`.
 *
 * The table itself (finding a run's row, who owns which cell, repairs)
 * is lib/experiments.c's; this file only makes a row from a run log's
 * summary and says which status cells runlog writes itself.  Rows come
 * from runs with run_type "experiment".
 */
#ifndef EXL_EXPERIMENTS_TABLE_H
#define EXL_EXPERIMENTS_TABLE_H

#include <stddef.h>

#include "runstore/experiments.h"
#include "runstore/runlog_summary.h"

struct exl_exp_row {
	char run[128];		/* the run log's stem */
	char description[256];
	char metric[64];	/* "val_loss 0.025" */
	char status[32];	/* the run's state, lower case */
	char notes[256];
	char statepoints[512];	/* "k=v,k2=v2", "" when none */
	char metric_name[32];	/* "val_loss", "train_loss", "" */
	double metric_value;	/* the final metric as a number */
	int have_metric;	/* metric_value is set */
};

/* Is this run an experiment (run_type starts with "experiment")? */
int exl_exp_is_experiment(const struct exl_run_summary *s);

/* A row for the run log stem with summary s. */
void exl_exp_row(const char *stem, const struct exl_run_summary *s,
		 struct exl_exp_row *r);

/* r as exl_experiments_upsert takes it, in runlog's plain style (the
 * strings stay r's). */
void exl_exp_upsert_row(const struct exl_exp_row *r,
			struct exl_experiment_row *out);

/* Is a status cell one exl_exp_row writes ("open", "ended", a final
 * scheduler state in lower case), not a person's verdict ("keep")? */
int exl_exp_generated_status(const char *cell);

/* The prev_status to upsert run's row of text with: its status cell
 * when that is one exl_exp_row writes, else recorded (the status the
 * plugin wrote last, from the run's sidecar; may be NULL).  Newly
 * allocated; NULL for none. */
char *exl_exp_prev_status(const char *text, const char *run,
			  const char *recorded);

#endif
