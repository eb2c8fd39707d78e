/* acct_eff_block.c - the run log's "## Efficiency" block (see
 * acct_eff_block.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "runstore/acct_eff_block.h"
#include "runstore/runlog_keys.h"
#include "util/timefmt.h"
#include "util/units.h"

/* dur: seconds as H:MM:SS (exl_duration_hms), "?" when it fails. */
static void dur(double secs, char *buf, size_t len)
{
	if (exl_duration_hms((long long)llround(secs), buf, len) < 0)
		snprintf(buf, len, "?");
}

/* The three bullets' values. */
static void values(const struct exl_acct_job *j, const struct exl_acct_eff *e,
		   char v[3][160])
{
	char a[40], b[40], c[40];

	if (e->cpu >= 0) {
		dur(j->total_cpu, a, sizeof(a));
		dur(j->elapsed, b, sizeof(b));
		snprintf(v[0], 160, "%.1f%% (TotalCPU %s of %ld CPU%s x %s)",
			 e->cpu * 100, a, j->alloc_cpus,
			 j->alloc_cpus == 1 ? "" : "s", b);
	} else {
		snprintf(v[0], 160, "unknown (no elapsed time or CPUs)");
	}
	if (e->mem >= 0) {
		exl_human_bytes(j->max_rss, a, sizeof(a));
		exl_human_bytes(j->req_mem, b, sizeof(b));
		snprintf(v[1], 160, "%.1f%% (worst step %s of %s asked)",
			 e->mem * 100, a, b);
	} else {
		snprintf(v[1], 160, "unknown (no memory request)");
	}
	if (e->time >= 0) {
		dur(j->elapsed, a, sizeof(a));
		dur(j->timelimit, c, sizeof(c));
		snprintf(v[2], 160, "%.1f%% (ran %s of a %s limit)",
			 e->time * 100, a, c);
	} else {
		snprintf(v[2], 160, "unknown (no time limit)");
	}
}

int exl_acct_eff_block(struct exl_doc *d, const char *job_id,
		       const struct exl_acct_job *j,
		       const struct exl_acct_eff *e)
{
	static const char *const keys[3] = { EXL_K_CPU_EFFICIENCY,
					     EXL_K_MEMORY_EFFICIENCY,
					     EXL_K_TIME_EFFICIENCY };
	char v[3][160], src[160], line[512];
	long sec = exl_doc_find_section(d, EXL_EFF_SECTION, 0);
	size_t at, end;
	int i;

	values(j, e, v);
	snprintf(src, sizeof(src), "accounting (sacct -j %.64s)", job_id);
	if (sec >= 0) {		/* drop the old block's lines */
		end = exl_doc_section_end(d, (size_t)sec);
		while (end > (size_t)sec)
			exl_doc_delete(d, --end);
		at = (size_t)sec;
	} else {
		at = d->n;
		if (at > 0 && d->lines[at - 1][0] != '\0' &&
		    exl_doc_insert(d, at++, "") < 0)
			return -1;
	}
	if (exl_doc_insert(d, at++, "## " EXL_EFF_SECTION) < 0)
		return -1;
	for (i = 0; i < 3; i++) {
		snprintf(line, sizeof(line), "- %s: %s", keys[i], v[i]);
		if (exl_doc_insert(d, at++, line) < 0)
			return -1;
	}
	if (e->gpu >= 0) {
		snprintf(line, sizeof(line), "- " EXL_K_GPU_UTILIZATION
			 ": %.1f%% (mean over %d GPU%s, exp-log telemetry)",
			 e->gpu * 100, e->ngpus, e->ngpus == 1 ? "" : "s");
		if (exl_doc_insert(d, at++, line) < 0)
			return -1;
	}
	if (e->advice[0]) {
		snprintf(line, sizeof(line), "- " EXL_K_ADVICE ": %s",
			 e->advice);
		if (exl_doc_insert(d, at++, line) < 0)
			return -1;
	}
	snprintf(line, sizeof(line), "- " EXL_K_SOURCE ": %s", src);
	if (exl_doc_insert(d, at++, line) < 0)
		return -1;
	/* a block in the middle keeps a blank line before the next header */
	if (at < d->n && d->lines[at][0] != '\0' &&
	    exl_doc_insert(d, at, "") < 0)
		return -1;
	return 0;
}
