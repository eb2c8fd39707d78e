/* gantt.h - a group's runs on one time axis, as inline SVG: one row per
 * run, one bar per job block (a requeue or resume starts a new segment),
 * coloured by how the run ended. */
#ifndef EXL_GANTT_H
#define EXL_GANTT_H

#include <stddef.h>
#include <time.h>

#include "util/strbuf.h"

enum exl_outcome {
	EXL_OUT_OK,		/* COMPLETED, exit 0 */
	EXL_OUT_FAILED,		/* FAILED, OUT_OF_MEMORY, NODE_FAIL, exit != 0 */
	EXL_OUT_STOPPED,	/* TIMEOUT, CANCELLED, PREEMPTED, a signal */
	EXL_OUT_RUNNING,	/* no end yet */
	EXL_OUT_UNKNOWN,
	EXL_OUT_COUNT
};

struct exl_gantt_seg {
	time_t t0, t1;		/* t1 0: still open (drawn up to "now") */
};

struct exl_gantt_row {
	const char *label;
	const char *href;	/* a relative link, NULL: none */
	enum exl_outcome outcome;
	const struct exl_gantt_seg *segs;
	size_t nsegs;
};

/* The outcome a Results scheduler state / exit text stands for (either
 * may be NULL); open: the run log has no end yet. */
enum exl_outcome exl_outcome_of(const char *sched_state,
				const char *exit_text, int open);

const char *exl_outcome_name(enum exl_outcome o);

/* Append the timeline as <figure class="gantt"><svg>...</svg></figure>;
 * now closes open segments.  Returns 0, -1 when memory ran out. */
int exl_gantt_svg(struct exl_sb *b, const struct exl_gantt_row *rows,
		  size_t n, time_t now);

#endif
