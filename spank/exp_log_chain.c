/* exp_log_chain.c - the batch step's environment for a requeue chain
 * (--exp-requeue, lib/job/chain.h): the budget exp-run reads, where it
 * looks for the checkpoints that tell progress, and, in a requeued link,
 * the checkpoint and step it resumes from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slurm/spank.h>

#include "exp_log.h"

/* setenv_nonempty: NAME=val in the job's environment when val says
 * something. */
static void setenv_nonempty(spank_t sp, const char *name, const char *val)
{
	if (val && *val && spank_setenv(sp, name, val, 1) != ESPANK_SUCCESS)
		slurm_verbose("exp-log: couldn't set %s", name);
}

void exp_log_export_chain(spank_t sp, const struct exp_log_ctx *c,
			  const struct exl_run_paths *p,
			  const struct exl_job_facts *j)
{
	char max[16], *globs = NULL;
	size_t i, len = 0;

	if (c->opts->requeue_max > 0) {
		snprintf(max, sizeof(max), "%d", c->opts->requeue_max);
		setenv_nonempty(sp, "EXP_LOG_REQUEUE", max);
	}
	for (i = 0; i < c->cfg.n_checkpoint_patterns; i++)
		len += strlen(c->cfg.checkpoint_patterns[i]) + 1;
	if (len && (globs = calloc(1, len))) {
		for (i = 0; i < c->cfg.n_checkpoint_patterns; i++) {
			if (i)
				strcat(globs, "\n");
			strcat(globs, c->cfg.checkpoint_patterns[i]);
		}
		setenv_nonempty(sp, "EXP_LOG_CHECKPOINT_GLOBS", globs);
	}
	free(globs);
	setenv_nonempty(sp, "EXP_LOG_CHECKPOINT_DIR",
			j->work_dir[0] ? j->work_dir : j->submit_dir);
	setenv_nonempty(sp, "EXP_LOG_RESUME_CHECKPOINT", p->resume_checkpoint);
	setenv_nonempty(sp, "EXP_LOG_RESUME_STEP", p->resume_step);
}
