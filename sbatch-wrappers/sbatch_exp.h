/* sbatch_exp.h - sbatch-exp's parts: one sweep being submitted. */
#ifndef SBATCH_EXP_H
#define SBATCH_EXP_H

#include <limits.h>
#include <stddef.h>

#include "sweep/sweep.h"

struct sweep_run {
	struct exl_sweep_spec spec;
	struct exl_sweep_tasks tasks;
	unsigned char *sel;	/* tasks to submit, NULL: all */
	size_t nsel;
	int rerun;		/* --rerun failed */
	char root[PATH_MAX];	/* the run-log root */
	char map[PATH_MAX];	/* the task map's path */
};

/* Is task i among those submitted? */
int sweep_selected(const struct sweep_run *r, size_t i);

/* --rerun failed: select the tasks whose newest run log ended failed
 * (sbatch_exp_rerun.c).  Returns 0, or an exit code after a message. */
int sweep_rerun_select(struct sweep_run *r);

/* The sbatch argv for the selected tasks (array is their --array). */
char **sweep_sbatch_argv(const struct sweep_run *r, const char *sbatch,
			 const char *array);

#endif
