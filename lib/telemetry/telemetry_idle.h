/* telemetry_idle.h - waste while the job runs: GPUs that sit idle, or a
 * job that uses a small fraction of its CPUs, for long enough to say so.
 *
 * The batch step's monitor feeds it the newest telemetry sample of the
 * batch node every tick (telemetry_sample.h); once a figure has stayed
 * under its threshold for after_s seconds of sample time, it hands back
 * one Status line, once per stretch (a figure that recovers re-arms it).
 * Pure bookkeeping: no files, no clock.
 */
#ifndef EXL_TELEMETRY_IDLE_H
#define EXL_TELEMETRY_IDLE_H

#include <stddef.h>

#include "telemetry/telemetry_sample.h"

/* How long a figure stays low before it is told, when cfg has no time
 * (exp-log.yaml's telemetry.idle_after has the same default). */
#define EXL_IDLE_AFTER_S 1800

struct exl_idle_cfg {
	int gpu_percent;	/* mean GPU utilization under this; 0: off */
	int cpu_percent;	/* CPU use under this share of the job's
				 * CPUs on the node; 0: off */
	int after_s;		/* for this long (> 0) */
	int ncpus;		/* the job's CPUs on the node; 0: unknown
				 * (no CPU warning) */
};

struct exl_idle {
	struct exl_idle_cfg cfg;
	double last_t;		/* newest sample seen */
	double gpu_since, cpu_since;	/* first low sample, 0: not low */
	int gpu_told, cpu_told;	/* this stretch was told */
};

void exl_idle_init(struct exl_idle *w, const struct exl_idle_cfg *cfg);

/* Feed one sample (the same sample again changes nothing).  Returns how
 * many warnings are due (0-2), their Status lines in line[0..]. */
int exl_idle_feed(struct exl_idle *w, const struct exl_sample_brief *b,
		  char line[2][320]);

#endif
