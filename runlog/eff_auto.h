/* eff_auto.h - runlog status writes the Efficiency block of a run that
 * ended without one, unasked (issue 17: every run log ends with one).
 *
 * The epilog is too early for accounting's figures (slurmdbd records the
 * job's end after it), so the first `runlog status` that shows an ended
 * run without the block, after slurmctld answered, asks accounting for
 * it: one sacct for all such runs, after the table is printed, in
 * runlog-full (settle.h).  Only the caller's own, writable run logs of
 * jobs that ended in the last RL_EFF_AUTO_S are asked for.  Jobs
 * accounting does not know, or all of them when there is no accounting
 * to ask or it did not answer, are remembered in
 * .exp-log/cache/eff-asked (acct_close.h's format and RL_ACCT_RECHECK_S),
 * so that the default view does not pay again (a job whose record is
 * not final yet for RL_EFF_PENDING_S); `runlog status --sacct` asks
 * regardless.
 */
#ifndef RUNLOG_EFF_AUTO_H
#define RUNLOG_EFF_AUTO_H

#include <stddef.h>

#include "rows.h"

/* How far back an ended run is given its block unasked (the default
 * view's window, so that --all over years of runs logged before the
 * block existed does not ask about each), and how many runs one call
 * asks for (the rest wait for the next call). */
#define RL_EFF_AUTO_S 86400
#define RL_EFF_AUTO_MAX 256
/* How soon a job accounting lists without its final record yet is
 * asked about again. */
#define RL_EFF_PENDING_S 30

/* The blocks of rows' ended runs that lack one, as above.  A failure is
 * one line on stderr; no accounting to ask is silent. */
void rl_eff_auto(struct rl *c, const struct rl_row *rows, size_t n);

#endif
