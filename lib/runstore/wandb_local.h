/* wandb_local.h - the run log's W&B "local:" and "synced:" lines for a
 * job run with --exp-wandb=offline.
 *
 * While the job runs the plugin cannot know whether the program will
 * start W&B, so the section says "none yet"; when the job ends the
 * offline run directory found is named (with the command that syncs
 * it), or the section says that none was created and there is nothing
 * to sync.  A human's own value is kept (owned.h).
 */
#ifndef EXL_WANDB_LOCAL_H
#define EXL_WANDB_LOCAL_H

#include "runstore/run_record.h"

#include "runstore/runlog_doc.h"
#include "wandb/wandb_append.h"

/* The "local:" value written when the job starts. */
#define EXL_WANDB_LOCAL_NONE_YET "none yet"

/* "- local: none yet (offline runs go to `DIR`; named here when the job
 * ends)" into buf. */
void exl_wandb_local_start(const char *wandb_dir, char *buf, size_t len);

/* "- run id:" value: the run's W&B run id (job/wandb_id.h) into buf. */
void exl_wandb_local_run_id(const char *id, char *buf, size_t len);

/* At the end of the job: rep is what exl_wandb_finalize_dir found below
 * wandb_dir.  Rewrites local/synced in ## W&B unless a human changed
 * them.  Returns 0, or -1 on allocation failure. */
int exl_wandb_local_end(struct exl_doc *d, const char *wandb_dir,
			const struct exl_wandb_finalize_report *rep,
			struct exl_rr_map *owned);

#endif
