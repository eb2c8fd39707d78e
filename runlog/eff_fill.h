/* eff_fill.h - runlog status --sacct: the "## Efficiency" block for
 * ended runs whose figures accounting has (issue 17). */
#ifndef RUNLOG_EFF_FILL_H
#define RUNLOG_EFF_FILL_H

#include <stddef.h>

#include "rows.h"

/* Ask sacct once (with a timeout) for the figures of the ended runs among
 * rows whose numeric job has left the running states in accounting, and
 * write each such run log's Efficiency block under its group lock, unless
 * it has one already.  Failures are reported on stderr; the number of
 * blocks written is returned. */
size_t rl_eff_fill(struct rl *c, const struct rl_row *rows, size_t n);

#endif
