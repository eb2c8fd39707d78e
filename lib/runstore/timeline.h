/* timeline.h - the per-group chronological index, timeline.md.
 *
 *   # Arx5 Multitask Timeline
 *
 *   1. `2026-02-20_train.md` — Friday, Feb 20th
 *   2. `2026-02-21_eval.md` — Saturday, Feb 21st (a person's remark)
 *
 * An entry is a line "N. text" (N any run of digits); the file it names
 * is the first "`name`" of the text.  exl_timeline_add appends one entry
 * (the plugin, runlog new); timeline_build.h rebuilds the whole list.
 */
#ifndef EXL_TIMELINE_H
#define EXL_TIMELINE_H

#include <time.h>

#include "util/exl_err.h"
#include "util/strbuf.h"

/* Does the timeline text (may be NULL) list file (as "`file`")? */
int exl_timeline_lists(const char *text, const char *file);

/* Where text (may be NULL) first names file (as "`file`"): an offset
 * that orders the runs it lists, or -1 when it does not list file. */
long exl_timeline_offset(const char *text, const char *file);

/* If line is an entry "N. text", return text and store N in *n (may be
 * NULL; LONG_MAX when it does not fit); else NULL. */
const char *exl_timeline_entry(const char *line, long *n);

/* The one order of a group, used by the plugin (it appends at job
 * start), `runlog timeline` and `runlog lint --fix`: a run's start as
 * its log records it; without one, the date of its file name (noon).
 * Ties (array tasks that start in the same second) keep the order
 * timeline.md lists them in, which is the order their starts appended
 * them; runs it does not list go after those, by file name.  Returns 0
 * with *when set, -1 when neither is known. */
int exl_timeline_when(const char *name, time_t start, time_t *when);

/* The tie rule above, for two runs of one start second, as a qsort
 * comparison: x at position xpos of timeline.md (-1: not listed) with
 * file name xname (may be NULL), y likewise.  Listed runs come first,
 * by position; then the others by name.  0 when neither tells. */
int exl_timeline_tie(long xpos, const char *xname, long ypos,
		     const char *yname);

/* Append the title "# <title> Timeline" and a blank line to b. */
void exl_timeline_put_title(struct exl_sb *b, const char *title);

/* Append the generated entry "N. `file` — human" (one line) to b. */
void exl_timeline_put_entry(struct exl_sb *b, long n, const char *file,
			    const char *human);

/* Add "N. `file` — Weekday, Mon Dth" to timeline text (NULL: new file
 * titled "# <Title> Timeline"), then " — note" when note is given (a
 * chain stage's links).  An entry already naming file is left as it is.
 * Returns the new malloc'd text, or NULL on allocation failure; *added
 * tells whether an entry was appended. */
char *exl_timeline_add(const char *text, const char *title,
		       const char *file, time_t when, const char *note,
		       int *added);

/* Timeline text without its entry for file (the first line "N. `file`
 * ..."; the numbers of the others are kept), malloc'd; NULL on
 * allocation failure.  *dropped tells whether there was one. */
char *exl_timeline_drop(const char *text, const char *file, int *dropped);

/* Take file's entry out of dir/timeline.md (a run taken back after its
 * entry was written), atomically; no entry or no file is not an error.
 * The caller holds the group lock. */
int exl_timeline_remove(const char *dir, const char *spare,
			const char *file, struct exl_err *err);

/* Read-modify-write dir/timeline.md atomically.  The caller holds the
 * group lock.  group is NULL for a flat run_logs directory.  Both take
 * spare, the group's spare file (exl_layout_timeline_spare; NULL: none),
 * for the lock holder alone: each write then reuses the version before
 * last instead of creating a file and freeing the old one. */
int exl_timeline_update(const char *dir, const char *spare, const char *group,
			const char *file, time_t when, const char *note,
			struct exl_err *err);

#endif
