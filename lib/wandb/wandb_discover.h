/* wandb_discover.h - find W&B run directories under some roots, fast.
 *
 * A parallel walk: worker threads share a stack of directories, read
 * each with readdir and decide from d_type alone (a stat only when the
 * filesystem does not fill it in).  A directory named like a W&B run
 * ("offline-run-<time>-<id>" or "run-<time>-<id>") is reported and not
 * entered; symlinks are never followed below a root, and exp-log's
 * EXL_WANDB_CACHE_DIR (wandb_names.h) is not entered.
 */
#ifndef EXL_WANDB_DISCOVER_H
#define EXL_WANDB_DISCOVER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/exl_err.h"

struct exl_wandb_found {
	char *path;		/* root-relative path joined onto the root */
	int offline;		/* "offline-run-" (1) or "run-" (0) */
	time_t when;		/* from the directory name (local time) */
};

struct exl_wandb_discovery {
	struct exl_wandb_found *runs;	/* sorted by path, no duplicates */
	size_t n;
	uint64_t dirs;		/* directories read */
	unsigned errors;	/* directories that could not be read */
	char first_error[512];
};

/* Called now and then from a worker (serialised): directories read and
 * runs found so far. */
typedef void (*exl_wandb_walk_fn)(void *arg, uint64_t dirs, uint64_t runs);

/* Walk roots with nthreads workers (<= 0: a default for this machine).
 * Unreadable directories are counted, not fatal.  Returns -1 only when
 * out of memory or no thread could start. */
int exl_wandb_discover(const char *const *roots, size_t nroots, int nthreads,
		       exl_wandb_walk_fn fn, void *arg,
		       struct exl_wandb_discovery *out, struct exl_err *err);

void exl_wandb_discovery_free(struct exl_wandb_discovery *d);

/* The default worker count: 2 per online CPU, between 2 and 16 (a walk
 * waits on the filesystem more than it computes). */
int exl_wandb_default_threads(void);

#endif
