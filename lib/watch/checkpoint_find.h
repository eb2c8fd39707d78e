/* checkpoint_find.h - the newest checkpoint file a run wrote.
 *
 * Globs are relative to a base directory (the job's working directory),
 * with '/' between components: "ckpt/step_[0-9]*.pt", "last.ckpt".  Each
 * component is matched with fnmatch(3) (FNM_PERIOD: '*' does not match a
 * leading dot; FNM_EXTMATCH: "*.@(pt|bin)" is either extension).  A component that is exactly ** matches zero or more
 * directory levels, at most max_depth of them, hidden directories
 * excluded: "out" + "/" + "**" is every file below out, "runs" + "/" +
 * "**" + "/last.ckpt" every last.ckpt below runs.  Only regular files
 * count; symlinks are never followed, neither to files nor to
 * directories, so a link cannot lead the search out of the tree.
 * Subdirectories that cannot be opened are passed over, and so is every
 * run-log root below the base: skip_dir (the job's own root), and any
 * directory that holds a run-log root's hidden directory (EXL_META_DIR).
 * A root (by default run_logs/ in the submit directory) holds only run
 * logs and pages, and would be walked, one file more per run, at every
 * job's end.  The base directory itself is searched even when it is a
 * root.
 *
 * A checkpoint is often a directory of files saved together (Hugging
 * Face's checkpoint-500/, DeepSpeed's global_step1000/, Megatron's
 * iter_0001000/, a final/ of shards and config.json): with save_dirs
 * set, the newest file found below such a directory stands for the
 * directory, returned with a trailing '/'.  A directory is taken for one
 * save by its name alone (exl_checkpoint_save_dir), the deepest such
 * one of the path; a file in any other directory is returned itself
 * (ckpt/step_20.pt, checkpoints/last.ckpt).
 */
#ifndef EXL_CHECKPOINT_FIND_H
#define EXL_CHECKPOINT_FIND_H

#include <stddef.h>
#include <time.h>

#include "util/exl_err.h"

#define EXL_CKPT_MAX_DEPTH 8		/* levels one "**" may span */
#define EXL_CKPT_MAX_ENTRIES 100000	/* directory entries examined */

struct exl_ckpt_query {
	const char *base_dir;
	char *const *globs;
	size_t n_globs;
	time_t since;		/* files modified before this are ignored */
	int max_depth;		/* 0: EXL_CKPT_MAX_DEPTH */
	size_t max_entries;	/* 0: EXL_CKPT_MAX_ENTRIES */
	const char *skip_dir;	/* a directory never searched (NULL: none) */
	int save_dirs;		/* a file in a save's directory stands for
				 * the directory (see above) */
};

/* The newest matching regular file (by mtime, nanoseconds included; on a
 * tie the name that sorts last by strverscmp, so step_1000 beats
 * step_999) as base_dir/relative-path in out.  Returns 0 when found, 1
 * when nothing matches, -1 on error: base_dir not a readable directory,
 * a glob that is empty, absolute or has a ".." component, more than
 * max_entries entries examined, or out too small. */
int exl_checkpoint_search(const struct exl_ckpt_query *q, char *out,
			  size_t len, struct exl_err *err);

/* exl_checkpoint_search with the default limits and save_dirs set (the
 * answer may be a directory, ending in '/'); skip_dir: the run-log root
 * (NULL: none). */
int exl_checkpoint_newest(const char *base_dir, char *const *globs, size_t n,
			  time_t since, const char *skip_dir, char *out,
			  size_t len, struct exl_err *err);

/* Is the directory name (n bytes) that of one save: all digits
 * ("1000"), final, last, best or latest, or checkpoint, ckpt, step,
 * iter, iteration or epoch followed by a number, separators between
 * allowed ("checkpoint-500", "global_step1000", "iter_0001000",
 * "epoch=3")?  Case is ignored. */
int exl_checkpoint_save_dir(const char *name, size_t n);

/* The bytes of a checkpoint: a regular file's size, or the sum of the
 * regular files below a directory (symlinks not followed, hidden ones
 * included: they are part of a save; at most EXL_CKPT_MAX_DEPTH levels
 * and EXL_CKPT_MAX_ENTRIES entries).  -1 when path is neither. */
long long exl_checkpoint_size(const char *path);

#endif
