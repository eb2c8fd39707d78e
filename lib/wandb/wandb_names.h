/* wandb_names.h - the names W&B gives run directories and files.
 *
 * W&B keeps each run in "<mode>-<YYYYMMDD_HHMMSS>-<run id>" under its
 * wandb dir (mode "offline-run" or "run"), with the record log
 * "run-<run id>.wandb" inside and, once synced, an empty
 * "run-<run id>.wandb.synced" beside it (WANDB-FORMAT.md sections 0, 3).
 */
#ifndef EXL_WANDB_NAMES_H
#define EXL_WANDB_NAMES_H

#include <stddef.h>
#include <time.h>

#define EXL_WANDB_SYNCED_SUFFIX ".synced"

/* Where exp-log keeps W&B's data, cache and artifact dirs in a run's
 * state dir (WANDB_DATA_DIR, WANDB_CACHE_DIR, WANDB_ARTIFACT_DIR below
 * it): no run directories, maybe many files, never walked by
 * discovery. */
#define EXL_WANDB_CACHE_DIR "wandb-cache"

/* Parse a run directory name.  Returns 1 for "offline-run-...", 0 for
 * "run-..." (an online run), -1 for anything else.  *when (may be NULL)
 * gets the timespec as local time; *id (may be NULL) points into name
 * at the run id (which may carry W&B's optional "-<suffix>"). */
int exl_wandb_dir_kind(const char *name, time_t *when, const char **id);

/* 1 if name looks like a record log, "run-<id>.wandb". */
int exl_wandb_is_log_name(const char *name);

/* The record log inside run_dir: "run-<id>.wandb" for the directory's id
 * if present, else the first "run-*.wandb" by name (never a symlink).
 * Returns a new path, or NULL (errno ENOENT when there is none). */
char *exl_wandb_find_log(const char *run_dir);

#endif
