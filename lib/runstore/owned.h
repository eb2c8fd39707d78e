/* owned.h - keyed lines the tools own, and the human's right to change
 * them.
 *
 * Tools write a few keyed bullets ("- end: ...", "- checkpoint: ...").
 * When a person edits one of those lines by hand, the markdown wins: the
 * tools remember the last value they wrote (in the owned map of the
 * run's run.json, run_record.h) and leave the line alone once it holds
 * something else.  A line that still shows a placeholder ("_(...)_",
 * "n/a", "pending ...") is the tools' to fill.
 */
#ifndef EXL_OWNED_H
#define EXL_OWNED_H

#include "runstore/run_record.h"
#include "runstore/runlog_doc.h"

/* Set KEY to value in the section at sec unless a human changed it.
 * scope names the section in the owned map (e.g. "Results" or
 * "job:123:0" for a job block); owned NULL: no memory of it.  Returns 0
 * when written, 1 when the human's value was kept, -1 on allocation
 * failure. */
int exl_owned_set(struct exl_doc *d, size_t sec, const char *scope,
		  const char *key, const char *value,
		  struct exl_rr_map *owned);

/* The value the tools last wrote at scope/key, NULL if none. */
const char *exl_owned_get(const struct exl_rr_map *owned, const char *scope,
			  const char *key);

/* Remember value as the tools' at scope/key (a line written without
 * exl_owned_set).  -1 on allocation failure. */
int exl_owned_remember(struct exl_rr_map *owned, const char *scope,
		       const char *key, const char *value);

/* Is value a placeholder the tools may overwrite? */
int exl_owned_placeholder(const char *value);

#endif
