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

#include "exl_err.h"
#include "runlog_summary.h"

struct exl_scan_entry {
	char *rel;		/* "group/name.md" or "name.md" */
	char *path;		/* root joined with rel */
	const char *name;	/* the file name, inside rel */
	char *group;		/* NULL: directly in the root */
	int ok;			/* summary read */
	char *error;		/* why not, newly allocated */
	struct exl_run_summary sum;
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

/* Read every listed run log's summary on nthreads threads (0: one per
 * online CPU, at most 8).  A file that cannot be read gets ok = 0 and an
 * error text; only running out of memory fails the call. */
int exl_scan_summaries(struct exl_scan *sc, int nthreads,
		       struct exl_err *err);

/* Read and summarise one file (at most EXL_READ_MAX bytes, no symlink),
 * reusing *buf (of *cap bytes) between calls.  Returns 0; -1 when the file cannot
 * be read (*error says why, newly allocated); -2 when memory ran out. */
int exl_scan_read_one(const char *path, char **buf, size_t *cap,
		      struct exl_run_summary *s, char **error);

void exl_scan_free(struct exl_scan *sc);

#endif
