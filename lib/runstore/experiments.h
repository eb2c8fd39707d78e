/* experiments.h - the per-group experiments.md comparison table.
 *
 *   # Arx5 Multitask Experiments
 *
 *   | run | description | metric | status | notes |
 *   |-----|-------------|--------|--------|-------|
 *   | [2026-03-11_train_baseline](2026-03-11_train_baseline.md) | ... |
 *
 * One row per run, keyed by the run cell: the run log's file stem, read
 * from a link "[stem](...)", a plain "stem", "`stem`" or "stem.md".  New
 * rows are written as links to the run log next to the table.
 *
 * Who owns which cell, on every update of an existing row:
 *   run          never rewritten (a person may have changed its form);
 *   description, metric
 *                the machine's: rewritten when the row passes a value
 *                (NULL leaves the cell alone);
 *   status       written only when the cell is empty, still holds the
 *                value the machine wrote last time (prev_status, which the
 *                caller remembers), or already equals the new value;
 *                anything else is a person's verdict ("keep", "discard")
 *                and stays;
 *   notes        a person's: written only into a new row.
 * Rows are found by key and changed in place; other rows, their order and
 * every other line stay byte for byte.  New rows go after the table's
 * last row.  Columns are found by their header names ("metric" may carry
 * another name, "val_loss": the one column that is none of the others);
 * a header without one of the five gets it appended (with its delimiter
 * cell), which leaves the rows valid markdown.  A missing delimiter row
 * is put back.  A file without a table gets one appended.
 *
 * Statepoints (a sweep's lr, seed, ...) get one column each, named after
 * the statepoint and appended to the header the first time a run has
 * it; their cells are the machine's, like description.  A statepoint
 * named like one of the five columns gets no column of its own.
 *
 * Two writers share these rules: the plugin (a new row names its run as
 * a link, as above) and `runlog experiments` / `runlog lint --fix`, which
 * write rows in their plain style (row.plain): the run cell of a new row
 * is the bare stem, an empty cell reads "|  |" in every row they write,
 * and a table they start has a delimiter row as wide as its header:
 *
 *   | run | description | metric | status | notes |
 *   |-----|-------------|--------|--------|-------|
 *   | 2026-03-11_train_baseline | ... | completed |  |
 */
#ifndef EXL_EXPERIMENTS_H
#define EXL_EXPERIMENTS_H

#include "util/exl_err.h"

/* Longest text written into one cell (bytes, cut with "…"). */
#define EXL_EXP_CELL_MAX 400

struct exl_experiment_row {
	const char *run;		/* run-log file stem (required) */
	const char *description;	/* NULL: leave as it is */
	const char *metric;		/* "val_loss 0.028"; NULL: leave */
	const char *status;		/* "running", "completed", "failed
					 * (exit 1)"; NULL: leave */
	const char *notes;		/* for a new row only; NULL: empty */
	const char *statepoints;	/* "k=v,k2=v2": one column per key,
					 * the machine's; NULL: none */
	int plain;			/* runlog's plain style (above) */
};

/* The experiments.md text with row added or updated.  text may be NULL
 * (no file yet): a new file titled "# <title> Experiments" ("#
 * Experiments" when title is NULL).  Returns the new malloc'd text with
 * *changed telling whether it differs, or NULL with err set. */
char *exl_experiments_upsert(const char *text, const char *title,
			     const struct exl_experiment_row *row,
			     const char *prev_status, int *changed,
			     struct exl_err *err);

/* Does experiments.md text have a row for run (found as an upsert would
 * find it)?  Returns 1 with the row's status cell as text in *status
 * (newly allocated; status may be NULL), 0 when there is none, -1 when
 * out of memory. */
int exl_experiments_find(const char *text, const char *run, char **status);

/* The experiments.md text with the table's rows in the order of runs
 * (n run stems); rows of other runs follow in their own order.  Only
 * whole row lines move.  Newly allocated, NULL when out of memory. */
char *exl_experiments_reorder(const char *text, const char *const *runs,
			      size_t n);

/* Read-modify-write dir/experiments.md atomically (written only when it
 * changes).  The caller holds the group lock. */
int exl_experiments_update(const char *dir, const char *title,
			   const struct exl_experiment_row *row,
			   const char *prev_status, struct exl_err *err);

#endif
