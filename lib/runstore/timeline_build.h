/* timeline_build.h - rebuilding a group's timeline.md from the run logs
 * present, for `runlog lint --fix`.
 *
 * The title and any prose above the list are kept; every existing entry
 * keeps its text (a person's remark after the date survives) and the
 * lines below it; files missing from the list get "`file` — Weekday,
 * Mon Dth"; then entries are ordered as the plugin appends them: by the
 * run's start from the log (exl_timeline_when), then by name, and
 * renumbered 1..N.
 */
#ifndef EXL_TIMELINE_BUILD_H
#define EXL_TIMELINE_BUILD_H

#include <stddef.h>
#include <time.h>

#include "runstore/timeline.h"

struct exl_tl_file {
	const char *name;	/* "2026-02-20_train.md" */
	time_t when;		/* the run's start from the log, 0: unknown */
};

/* The rebuilt text (malloc'd; NULL when memory ran out).  old may be
 * NULL (no timeline.md yet: titled "# <title> Timeline").  *changed
 * tells whether it differs from old. */
char *exl_timeline_rebuild(const char *old, const char *title,
			   const struct exl_tl_file *files, size_t n,
			   int *changed);

#endif
