/* runlog_scan.h - finding the run logs under a run-log root, fast.
 *
 * A root holds run logs directly (flat) and in group directories one
 * level down (see layout.h).  Listing uses d_type, never follows a
 * symlink (a symlinked run log is listed, and reading it fails with a
 * message), and skips the .exp-log state tree, timeline.md and
 * experiments.md.  Reading the summaries runs on several threads, each
 * with one reused buffer, so ten thousand logs cost little more than the
 * system calls to open them.
 */
#ifndef EXL_RUNLOG_SCAN_H
#define EXL_RUNLOG_SCAN_H

#include <stddef.h>

#include "util/exl_err.h"
#include "runstore/runlog_summary.h"
#include "runstore/summary_cache.h"

struct exl_scan_entry {
	const char *rel;	/* "group/name.md" or "name.md", inside path */
	char *path;		/* root joined with rel (owns the text) */
	const char *name;	/* the file name, inside rel */
	const char *group;	/* NULL: directly in the root; else the
				 * listing's groups[] string */
	int ok;			/* summary read */
	int gone;		/* not read: the file does not exist */
	char *error;		/* why not, newly allocated */
	struct exl_run_summary sum;
	struct exl_file_id id;	/* the file the summary was read from */
	const struct exl_cache_rec *cached;	/* a cached summary of rel */
	int listed;		/* the listing's stat: 0 none, 1 a regular
				 * file of identity lid, -1 not one */
	struct exl_file_id lid;
};

struct exl_scan {
	char *root;
	struct exl_scan_entry *v;
	size_t n, cap;
	char **groups;		/* group directories present, sorted */
	size_t ngroups, gcap;
};

/* Does name look like a run log (*.md, not timeline/experiments/README,
 * not hidden)? */
int exl_scan_is_runlog_name(const char *name);

/* List the run logs under root (group NULL: all groups and the flat
 * level; else that group only): the flat level first, then by rel, so
 * each group's entries are contiguous.  A missing root is an
 * error; unreadable group directories are skipped. */
int exl_scan_list(const char *root, const char *group, struct exl_scan *sc,
		  struct exl_err *err);

/* Is rel a run log path under a root: "<name>.md" or "<group>/<name>.md"
 * with a valid group and a run-log name, no "..", no leading '/'?  0
 * when it is. */
int exl_scan_valid_rel(const char *rel);

/* The group name (its first len bytes) as sc stores it: found among
 * sc->groups or added to them.  NULL when memory ran out. */
const char *exl_scan_group(struct exl_scan *sc, const char *name,
			   size_t len);

/* List only one level: the run logs of group, or with group NULL those
 * directly in the root (no groups). */
int exl_scan_list_level(const char *root, const char *group,
			struct exl_scan *sc, struct exl_err *err);

/* List the run logs named by rels[0..n) (relative to root) instead of
 * reading directories: each once, only group's when group is set, in
 * listing order.  Names that fail exl_scan_valid_rel are left out.
 * Nothing is checked on disk: an entry whose file is missing is marked
 * gone when read. */
int exl_scan_pick(const char *root, const char *group,
		  const char *const *rels, size_t n, struct exl_scan *sc,
		  struct exl_err *err);

/* Read every listed run log's summary on nthreads threads (0: one per
 * online CPU, at most 8).  An entry with a cached summary (see
 * summary_cache.h) whose file is unchanged (device, inode, size, mtime)
 * takes the cached one without opening the file.  A file that cannot
 * be read gets ok = 0 and an error text (and gone = 1 when it does not
 * exist); only running out of memory fails the call. */
int exl_scan_summaries(struct exl_scan *sc, int nthreads,
		       struct exl_err *err);

/* Read and summarise one file (at most EXL_READ_MAX bytes, no symlink),
 * reusing *buf (of *cap bytes) between calls.  Returns 0; -1 when the file cannot
 * be read (*error says why, newly allocated); -2 when memory ran out. */
int exl_scan_read_one(const char *path, char **buf, size_t *cap,
		      struct exl_run_summary *s, char **error);

void exl_scan_free(struct exl_scan *sc);

/* The summary cache applied to a scan (scan_cache.c) -------------- */

/* Point each listed entry of sc at the record with its rel (both are
 * sorted alike, so this is one merge). */
void exl_cache_match(const struct exl_summary_cache *c, struct exl_scan *sc);

/* May entry e go into a cache written at now: read, and not changed
 * within a second of now? */
int exl_cache_worthy(const struct exl_scan_entry *e, time_t now);

/* exl_scan_list, with the summary cache at cpath (NULL: none) loaded
 * into cache meanwhile on a second thread, the group directories listed
 * on up to nthreads threads (0: one per online CPU, at most 8), and each
 * run log's stat taken as it is listed, for exl_scan_summaries.  -1 with err set when the
 * listing failed or memory ran out; cache is then freed by the caller
 * as after a success (exl_cache_free). */
int exl_scan_list_cached(const char *root, const char *group,
			 const char *cpath, int nthreads, struct exl_scan *sc,
			 struct exl_summary_cache *cache, struct exl_err *err);

/* The listing behind exl_scan_list (nthreads 1, no stat) and
 * exl_scan_list_cached. */
int exl_scan_list_stat(const char *root, const char *group, int nthreads,
		       int stat_too, struct exl_scan *sc, struct exl_err *err);

/* Write the summaries of sc (the worthy entries) to path, atomically. */
int exl_cache_write(const char *path, const struct exl_scan *sc, time_t now,
		    struct exl_err *err);

#endif
