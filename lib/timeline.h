/* timeline.h - the per-group chronological index, timeline.md. */
#ifndef EXL_TIMELINE_H
#define EXL_TIMELINE_H

#include <time.h>

#include "exl_err.h"

/* Add "N. `file` — Weekday, Mon Dth" to timeline text (NULL: new file
 * titled "# <Title> Timeline").  An entry already naming file is left as
 * it is.  Returns the new malloc'd text, or NULL on allocation failure;
 * *added tells whether an entry was appended. */
char *exl_timeline_add(const char *text, const char *title,
		       const char *file, time_t when, int *added);

/* Read-modify-write dir/timeline.md atomically.  The caller holds the
 * group lock.  group is NULL for a flat run_logs directory. */
int exl_timeline_update(const char *dir, const char *group,
			const char *file, time_t when, struct exl_err *err);

#endif
