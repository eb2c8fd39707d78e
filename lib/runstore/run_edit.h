/* run_edit.h - the one way to change a run log that exists: under the
 * run's lock, re-read the file (and its sidecar), let the caller change
 * it, write it back atomically.  People edit run logs with editors that
 * do not take our lock; a save that lands while we work is noticed and
 * the whole change is redone on their version, so a hand edit is never
 * lost.  The plugin, exp-wandb-sync's URL write and every runlog writer
 * go through here.
 */
#ifndef EXL_RUN_EDIT_H
#define EXL_RUN_EDIT_H

#include <time.h>

#include "util/exl_err.h"
#include "runstore/run_record.h"
#include "runstore/runlog_doc.h"

struct exl_run_edit {
	/* set by the caller */
	const char *run_log;	/* the markdown file */
	const char *state_dir;	/* its state dir: run.json is loaded and
				 * saved with it; NULL: the log alone */
	/* filled for the callback, freed before exl_run_edit returns */
	struct exl_doc doc;
	struct exl_run_record *run;	/* its run.json (run_record.h), NULL
					 * without state_dir */
	/* set by the callback, kept for the caller */
	int closed;		/* the change recorded the run's end */
	time_t end;		/* and when it ended */
};

/* The change: 0 to write it, 1 when there is nothing to write, -1 on
 * failure (err, when the callback has one, says why; otherwise the
 * edit reports "couldn't update RUN_LOG"). */
typedef int (*exl_run_edit_fn)(struct exl_run_edit *e, void *arg);

/* Locks.  A run log and its sidecar change under the run's own lock
 * (exl_run_lock); the files of a whole group (timeline.md,
 * experiments.md) and the choice of a new run log's name under the group
 * lock (exl_layout_lock).  So the jobs of one group, a job array say,
 * each change their own log side by side and queue only to be named.
 * Whoever needs both takes the group lock first, then the run lock,
 * never the other way round. */

/* The run lock's path for run_log (its stem: the file name without
 * ".md") in group (NULL: flat) under root; NULL when out of memory. */
char *exl_run_lock_path(const char *root, const char *group,
			const char *run_log);

/* Take run_log's run lock, its directory made when missing.  Returns the
 * fd for exl_unlock, -1 with err set. */
int exl_run_lock(const char *root, const char *group, const char *run_log,
		 struct exl_err *err);

/* How often a change races a person's editor before we give up. */
#define EXL_EDIT_RETRIES 5

/* Take lock (the run lock's path, exl_run_lock_path: its directory made
 * when missing; NULL when the caller already holds the run's lock), then
 * load, call fn, write.  Returns 0, 1 when fn had nothing to write, -1
 * with err set. */
int exl_run_edit(struct exl_run_edit *e, const char *lock, exl_run_edit_fn fn,
		 void *arg, struct exl_err *err);

#endif
