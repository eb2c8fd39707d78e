/* wandb_rundir.h - the facts about one W&B run directory.
 *
 * What its record log says (wandb_records.h), whether W&B marked it
 * synced, and where its bytes are:
 *   history  the record log itself (run-<id>.wandb: history, config,
 *            summary, console output all live in it)
 *   media    files/media/ (images, tables the dashboard shows)
 *   files    everything else in the directory (files/, logs/, tmp/)
 *   staging  W&B artifact staging or cache data: "artifacts/staging" and
 *            "artifacts/obj" trees inside the directory, plus staged
 *            copies elsewhere that the run's artifact records name
 * Sizes are apparent sizes (st_size); symlinks are not followed.
 */
#ifndef EXL_WANDB_RUNDIR_H
#define EXL_WANDB_RUNDIR_H

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "util/exl_err.h"
#include "wandb/wandb_records.h"

struct exl_wandb_sizes {
	uint64_t total, history, media, files, staging;
};

struct exl_wandb_run {
	char *dir;		/* the run directory, as given */
	char *log_path;		/* its record log, NULL when there is none */
	int offline;		/* "offline-run-..." (else an online "run-...") */
	char dir_id[128];	/* run id from the directory name */
	time_t dir_time;	/* timespec from the directory name */
	int synced;		/* W&B's ".wandb.synced" marker, or online */
	int have_sum;		/* sum is valid */
	struct exl_wandb_summary sum;
	char read_error[512];	/* why the record log could not be read */
	struct exl_wandb_sizes size;
	int have_size;
};

/* What exl_wandb_run_load reads. */
#define EXL_WANDB_LOAD_LOG 0x1u		/* the record log */
#define EXL_WANDB_LOAD_SIZES 0x2u	/* walk the directory for sizes */

/* Load the facts about run_dir.  Problems with the record log are kept
 * in r (read_error, sum.log); -1 only when out of memory. */
int exl_wandb_run_load(const char *run_dir, unsigned what,
		       struct exl_wandb_run *r, struct exl_err *err);

void exl_wandb_run_free(struct exl_wandb_run *r);

/* The run id: from the run record, else from the directory name. */
const char *exl_wandb_run_id(const struct exl_wandb_run *r);

/* When the run started: the run record's start time, else the time in
 * the directory name. */
time_t exl_wandb_run_created(const struct exl_wandb_run *r);

/* Called for every regular file below a directory with its path
 * relative to that directory, its depth (0: directly inside) and its
 * stat. */
typedef void (*exl_wandb_file_fn)(void *arg, const char *rel, int depth,
				  const struct stat *st);

/* Walk the files below dir (dir itself may be reached through a
 * symlink, nothing below it is), at most 48 levels deep, paths longer
 * than 4 KiB skipped. */
void exl_wandb_walk_files(const char *dir, exl_wandb_file_fn fn, void *arg);

/* path made absolute without touching the filesystem beyond getcwd:
 * joined onto the working directory when relative, "." components and
 * repeated slashes dropped (".." kept: symlinks make it ambiguous).
 * Newly allocated; NULL when out of memory. */
char *exl_wandb_abs_path(const char *path);

/* 1 if rel (a path inside a run or wandb directory) lies in a W&B
 * artifact staging or cache tree: it has "artifacts/staging" or
 * "artifacts/obj" as consecutive components. */
int exl_wandb_is_staging_path(const char *rel);

#endif
