/* eff_fill.h - runlog status --sacct: the "## Efficiency" block for
 * ended runs whose figures accounting has (issue 17). */
#ifndef RUNLOG_EFF_FILL_H
#define RUNLOG_EFF_FILL_H

#include <stddef.h>
#include <stdio.h>

#include "rows.h"

/* Ask sacct once (with a timeout) for the figures of the ended runs among
 * rows whose numeric job has left the running states in accounting, and
 * write each such run log's Efficiency block under its group lock, unless
 * it has one already.  Failures are reported on stderr; the number of
 * blocks written is returned. */
size_t rl_eff_fill(struct rl *c, const struct rl_row *rows, size_t n);

/* rl_eff_fill, told apart: 0 after asking (written: blocks written; on
 * unknown, when set, an "unknown ID" line for each job accounting does
 * not list at all, a "pending ID" line for each it lists without a
 * final record yet), -2 when there is no accounting to ask (no sacct,
 * accounting_storage/none), -1 when sacct failed; why says which.  quiet:
 * no message on stderr for those. */
int rl_eff_fill_as(struct rl *c, const struct rl_row *rows, size_t n,
		   int quiet, FILE *unknown, size_t *written, char *why,
		   size_t len);

#endif
