/* wandb_slim.h - find and remove a W&B run's transient artifact data.
 *
 * Only two kinds of data are ever candidates:
 *  - artifact staging: copies W&B makes of files added to an artifact,
 *    kept until they are uploaded ("artifacts/staging" trees, and the
 *    staged copies the run's artifact records name);
 *  - artifact cache: "artifacts/obj" trees, W&B's download/upload cache.
 * They are looked for inside the run directory (never under its files/:
 * config, summary and media live there) and around it: in the exp-log
 * state dir it belongs to, or else in its parent when that is a W&B
 * directory ("wandb", ".wandb"), skipping other runs.
 * History, config, summary and media are never candidates.
 *
 * A candidate is kept (and says why) when an unsynced run still needs it
 * to upload an artifact, unless EXL_WANDB_SLIM_UNSYNCED, or when it is,
 * holds or lies inside a path the run log names as a checkpoint.
 */
#ifndef EXL_WANDB_SLIM_H
#define EXL_WANDB_SLIM_H

#include <stddef.h>
#include <stdint.h>

#include "util/exl_err.h"
#include "wandb/wandb_rundir.h"

#define EXL_WANDB_SLIM_UNSYNCED 0x1u	/* also staging unsynced runs need */

struct exl_wandb_slim_item {
	char *path;		/* a file or a directory tree */
	uint64_t bytes;
	uint64_t files;
	int is_dir;
	const char *what;	/* "artifact staging" or "artifact cache" */
	char *keep;		/* NULL: removable, else why it stays */
	char *note;		/* a warning for a removable item, or NULL */
};

struct exl_wandb_slim_plan {
	struct exl_wandb_slim_item *items;	/* sorted by path */
	size_t n;
	uint64_t removable, kept;		/* bytes */
};

/* What the run's run log says must stay: its exp-log state directory
 * (the area around the run searched for staging) and the checkpoints
 * the log names (never removed). */
struct exl_wandb_keep {
	const char *run_log;		/* named in the reasons */
	const char *state_dir;
	char *const *checkpoints;
	size_t ncheckpoints;
};

/* Plan for the run in run (loaded with EXL_WANDB_LOAD_LOG); keep comes
 * from its run log, or is NULL when the run has none. */
int exl_wandb_slim_plan(const struct exl_wandb_run *run,
			const struct exl_wandb_keep *keep, unsigned flags,
			struct exl_wandb_slim_plan *plan, struct exl_err *err);

/* Remove the removable items (never following a symlink).  Returns the
 * number of items that could not be removed; *freed gets the bytes of
 * those that were, err the first failure. */
int exl_wandb_slim_apply(const struct exl_wandb_slim_plan *plan,
			 uint64_t *freed, struct exl_err *err);

void exl_wandb_slim_plan_free(struct exl_wandb_slim_plan *plan);

#endif
