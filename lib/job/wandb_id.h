/* wandb_id.h - the one W&B run id of a run, and the environment that
 * keeps W&B inside the run's state dir.
 *
 * A run with --exp-wandb=offline gets a W&B run id when its run log is
 * made (run.json's wandb_run_id, shown in the run log's ## W&B as
 * "- run id:").  Every job of the run, a Slurm requeue or a job that
 * continues it with --exp-resume, exports the same id as WANDB_RUN_ID
 * with WANDB_RESUME=allow, so W&B writes one run, and each allocation's
 * offline directory carries that id (exp-wandb-sync syncs them as one
 * chain, wandb_chain.h).
 */
#ifndef EXL_WANDB_ID_H
#define EXL_WANDB_ID_H

#include <stddef.h>

#include "util/exl_err.h"
#include "runstore/run_facts.h"

/* A new run (its W&B dir set in f): a new id into f->wandb_run_id.  A
 * failure leaves it empty (no id is exported) and is not fatal. */
void exl_wandb_id_new(struct exl_run_facts *f);

/* A job that continues a run (requeued, resumed, started after its
 * submission): f->wandb_run_id from state_dir's run.json; when that W&B
 * run is synced already (its URL in ## W&B), the job's block gets the
 * URL too: the job appends to that run.  A run made
 * before exp-log knew ids gets one now: saved in run.json and named in
 * the run log.  A person's id that W&B would refuse is not used: a
 * Status line says so.  Caller holds the group lock.  0, or -1 with err
 * set when run.json or the run log cannot be read or written. */
int exl_wandb_id_continue(const char *run_log, const char *state_dir,
			  struct exl_run_facts *f, struct exl_err *err);

/* One variable of the job's environment for W&B. */
struct exl_wandb_env {
	const char *name;
	char value[4300];
	int overwrite;		/* 0: a value the job already has stays */
};

#define EXL_WANDB_ENV_MAX 6

/* The W&B variables for a job of a run with state dir state_dir and run
 * id (may be "": none): WANDB_RUN_ID and WANDB_RESUME=allow, and W&B's
 * data, cache and artifact dirs below the state dir, none of them
 * overwriting the job's own.  Returns how many were filled in. */
size_t exl_wandb_env(const char *state_dir, const char *id,
		     struct exl_wandb_env *env, size_t max);

#endif
