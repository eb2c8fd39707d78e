/* experiments_table.h - the comparison table of a group's experiments
 * (experiments.md: run | description | metric | status | notes), built
 * from the run logs.
 *
 * Read side only, kept in this one file so it can be folded into the
 * upsert of lib/experiments.c (branch `progress`) when both land: rows
 * come from runs with run_type "experiment"; a row already in
 * experiments.md keeps the status and notes a person wrote there, and
 * rows of runs that are gone are kept as they are.
 */
#ifndef EXL_EXPERIMENTS_TABLE_H
#define EXL_EXPERIMENTS_TABLE_H

#include <stddef.h>

#include "runlog_summary.h"

struct exl_exp_row {
	char run[128];		/* the run log's stem */
	char description[256];
	char metric[64];	/* "val_loss 0.025" */
	char status[32];	/* the run's state, lower case */
	char notes[256];
};

/* Is this run an experiment (run_type starts with "experiment")? */
int exl_exp_is_experiment(const struct exl_run_summary *s);

/* A row for the run log stem with summary s. */
void exl_exp_row(const char *stem, const struct exl_run_summary *s,
		 struct exl_exp_row *r);

/* Does experiments.md text have a row for run (stem)? */
int exl_exp_has_row(const char *text, const char *run);

/* The new experiments.md text: old (NULL: none yet, titled
 * "# <title> Experiments") with rows for the given runs upserted: an
 * existing row keeps its status and notes cells when they are filled,
 * description and metric are refreshed; new rows are appended.  Lines
 * outside the table are kept.  *added counts the new rows.  NULL when
 * memory ran out. */
char *exl_exp_render(const char *old, const char *title,
		     const struct exl_exp_row *rows, size_t n, int *added);

#endif
