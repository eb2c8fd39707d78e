/* acct_close.h - runlog status: runs whose job slurmctld has forgotten
 * get their end from accounting (issue 17).
 *
 * When slurmctld answered and an open run log names a numeric job it no
 * longer lists (its state was lost, or the job ended long ago and the
 * epilog never wrote), accounting is asked once, with sacct, for all
 * such jobs.  Each job accounting reports ended is closed as the epilog
 * would have closed it (exl_run_end: state, end time, exit code, one
 * final Status line that says it was filled in from accounting; run.json
 * records ended_by "accounting").  Jobs accounting does not know stay
 * LOST, and are remembered in .exp-log/cache/acct-unknown so that the
 * default view does not ask again for RL_ACCT_RECHECK_S (so are all of
 * them when there is no accounting to ask).
 */
#ifndef RUNLOG_ACCT_CLOSE_H
#define RUNLOG_ACCT_CLOSE_H

#include "rows.h"

/* How long sacct may take before it is killed (status stays quick when
 * slurmdbd hangs), and how long "accounting does not know job N" is
 * believed. */
#define RL_ACCT_TIMEOUT 10
#define RL_ACCT_RECHECK_S 900

/* Ask accounting about the open runs of sc slurmctld forgot (nothing to
 * do, and no cost, when there are none or slurmctld did not answer);
 * close those it knows ended, and fill v->acct, v->acct_asked and
 * v->acct_closed for rl_row_fill.  force: ask again about jobs accounting
 * did not know a moment ago (--sacct).  A failure is one line on stderr;
 * accounting that is not configured (accounting_storage/none, no sacct)
 * is silent. */
void rl_acct_close(struct rl *c, const struct exl_scan *sc,
		   struct rl_sched_view *v, int force);

/* The file format of acct-unknown ("id epoch" lines, "id epoch none"
 * when there was no accounting to ask), for other questions put to
 * accounting (eff_auto.h): the ids in the file at path (NULL: none)
 * asked about less than RL_ACCT_RECHECK_S ago, into set (sorted). */
void rl_asked_load(const struct rl *c, const char *path,
		   struct exl_sched_set *set);

/* Add ids[0..n) (none: no accounting to ask), asked at when (an earlier
 * time: asked again sooner), to the file at path, beside the entries
 * still valid.  A cache: one that cannot be written only costs a
 * question next time. */
void rl_asked_add(const struct rl *c, const char *path, char *const *ids,
		  size_t n, int none, time_t when);

#endif
