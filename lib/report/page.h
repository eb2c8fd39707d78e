/* page.h - the report pages: one self-contained HTML file each (inline
 * CSS and SVG; no script, no font, no external address), built from a
 * run store.
 *
 *   run    loss against step (train/val, restarts marked), every other
 *          scalar of metrics.jsonl, GPU util / memory / power per GPU and
 *          CPU % / RSS per node against time with the allocation as a
 *          limit line, the Status evidence as marks and as a list, and
 *          the run log's text
 *   group  the runs on one time line (a bar per job block, coloured by
 *          outcome), for a sweep the final metric against each numeric
 *          statepoint that varies, and the experiments table
 *   root   one row per run with a link to its page
 *
 * Links between pages are relative: a run's page is <stem>.html next to
 * its run log, so group and root pages link "<stem>.html" and
 * "<group>/<stem>.html".
 */
#ifndef EXL_PAGE_H
#define EXL_PAGE_H

#include <stddef.h>
#include <time.h>

#include "util/strbuf.h"
#include "runstore/runlog_summary.h"
#include "report/gantt.h"
#include "report/run_data.h"

#define EXL_PAGE_MAX_JOBS 64

/* The job blocks of a run log: each "## Job" block's start and end. */
size_t exl_page_jobs(const char *md, struct exl_gantt_seg *out, size_t max);

/* A run's page: name is the run log's file name, md its text. */
int exl_page_run(struct exl_sb *b, const char *name, const char *md,
		 const struct exl_run_data *d);

struct exl_page_item {
	const char *rel;		/* the run log, relative to the page */
	const char *md;			/* its text, NULL: unread */
	const struct exl_run_summary *sum;	/* NULL: unread */
};

/* A group's page (group NULL: the flat level). */
int exl_page_group(struct exl_sb *b, const char *group,
		   const struct exl_page_item *it, size_t n, time_t now);

/* A root's page: every run, with links. */
int exl_page_root(struct exl_sb *b, const char *root,
		  const struct exl_page_item *it, size_t n, time_t now);

#endif
