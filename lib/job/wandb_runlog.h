/* wandb_runlog.h - the exp-log run log an offline W&B run belongs to.
 *
 * With --exp-wandb=offline the plugin points WANDB_DIR into the run's
 * state dir, so a W&B run directory below
 *     <root>/.exp-log/runs/<group or +flat>/<stem>/...
 * belongs to the run log that state dir's run.json names.  Its job block
 * is the one whose [start, end] holds the W&B run's start time (else the
 * last one).  The run log's "## W&B" section may name the destination
 * with "- entity:" and "- project:" bullets.
 */
#ifndef EXL_WANDB_RUNLOG_H
#define EXL_WANDB_RUNLOG_H

#include <stddef.h>
#include <time.h>

#include "util/exl_err.h"

struct exl_wandb_link {
	char *root;		/* run-log root */
	char *group;		/* NULL: a flat root */
	char *state_dir;
	char *run_log;		/* absolute path of the markdown file */
	char *job_id;		/* the job block's execution_id, or NULL */
	int job_running;	/* that job has no end time yet */
	char *entity;		/* from "## W&B", NULL when not set */
	char *project;
	char **checkpoints;	/* paths named by "- checkpoint:" and
				 * "- resumed from:" bullets, absolute */
	size_t ncheckpoints;
};

/* Find the run log of the W&B run in run_dir, which started at
 * run_start.  Returns 0 and fills l, 1 when the run is not inside an
 * exp-log state dir (or its run.json is gone), -1 on error. */
int exl_wandb_link_find(const char *run_dir, time_t run_start,
			struct exl_wandb_link *l, struct exl_err *err);

void exl_wandb_link_free(struct exl_wandb_link *l);

/* Record a synced URL: "- wandb: URL" in the run's job block (every job
 * block with all_jobs: a W&B run that several jobs wrote) and
 * "- synced: URL" in "## W&B" (replacing "n/a" or "pending ..."; a
 * different URL already there is kept and this one added after it).
 * Under the group lock, re-reading the file, changing only those lines,
 * written atomically. */
int exl_wandb_link_record_url(const struct exl_wandb_link *l,
			      const char *url, int all_jobs,
			      struct exl_err *err);

#endif
