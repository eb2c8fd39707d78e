/* rows.h - status rows: a run log's summary reconciled with the
 * scheduler, as a table cell set or a JSON object (the keys are
 * documented in runlog(1), OUTPUT, and stay stable). */
#ifndef RUNLOG_ROWS_H
#define RUNLOG_ROWS_H

#include "runstore/ckpt_state.h"
#include "outbuf.h"
#include "runlog.h"
#include "runstore/runlog_scan.h"
#include "runstore/sched_job.h"
#include "runstore/status_row.h"

struct rl_row {
	const struct exl_scan_entry *e;
	struct exl_status_row r;
	enum exl_ckpt_state pp;
};

/* What the scheduler said, gathered once per invocation. */
struct rl_sched_view {
	struct exl_sched_set jobs;	/* slurmctld */
	int ok;				/* slurmctld answered */
	char why[256];			/* why not */
	struct exl_sched_set acct;	/* sacct, when asked */
	struct exl_sched_set acct_asked;	/* ids accounting answered
						 * about (acct_close.h) */
	struct exl_sched_set acct_closed;	/* logs closed from it */
};

/* Reconcile entry e (its summary read) into row; memo remembers the
 * checkpoint directories this machine does not see (one per thread:
 * everything else here may run on several at once). */
void rl_row_fill(const struct rl *c, const struct exl_scan_entry *e,
		 const struct rl_sched_view *v, struct rl_row *row,
		 struct exl_ckpt_memo *memo);

/* A run written at submission whose job the scheduler says left the
 * queue without starting is closed with that story (and the row says
 * so); a pending one whose dependency can never be satisfied gets that
 * Status line once.  Errors go to stderr; the row stays as it was. */
void rl_row_settle(struct rl *c, struct rl_row *row,
		   const struct rl_sched_view *v);

/* Ask sacct once about the open runs of sc whose numeric job ids
 * slurmctld did not list.  A failure is reported on stderr. */
void rl_sacct_fill(const struct exl_scan *sc, struct rl_sched_view *v);

/* The row as a JSON object, its lines indented by indent; with
 * markdown set, one more key "markdown" (runlog show). */
void rl_row_json(struct rl_out *o, const struct rl_row *row,
		 const char *indent, const char *markdown);

/* A short mode: the first word of run_type, "-" when missing. */
void rl_mode(const char *run_type, char *buf, size_t len);

void rl_sched_view_free(struct rl_sched_view *v);

#endif
