/* telemetry_idle.c - idle GPUs and CPUs while the job runs (see
 * telemetry_idle.h). */
#include <stdio.h>
#include <string.h>

#include "telemetry/telemetry_idle.h"

void exl_idle_init(struct exl_idle *w, const struct exl_idle_cfg *cfg)
{
	memset(w, 0, sizeof(*w));
	w->cfg = *cfg;
	if (w->cfg.after_s <= 0)
		w->cfg.after_s = EXL_IDLE_AFTER_S;
}

/* span: seconds as "45s", "12m", "1h30m". */
static void span(long s, char *buf, size_t len)
{
	if (s < 60)
		snprintf(buf, len, "%lds", s);
	else if (s < 3600 || s % 3600 == 0)
		snprintf(buf, len, s < 3600 ? "%ldm" : "%ldh",
			 s < 3600 ? s / 60 : s / 3600);
	else
		snprintf(buf, len, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
}

/* low: track one figure; 1 when its stretch under the threshold has
 * just lasted long enough to be told. */
static int low(struct exl_idle *w, int is_low, double t, double *since,
	       int *told)
{
	if (!is_low) {
		*since = 0;
		*told = 0;
		return 0;
	}
	if (*since == 0)
		*since = t;
	if (*told || t - *since < w->cfg.after_s)
		return 0;
	*told = 1;
	return 1;
}

int exl_idle_feed(struct exl_idle *w, const struct exl_sample_brief *b,
		  char line[2][320])
{
	int n = 0, gpus = b->gpu_on && b->ngpus_ok > 0;
	char d[32];

	if (b->t <= w->last_t)
		return 0;
	w->last_t = b->t;
	span(w->cfg.after_s, d, sizeof(d));
	if (w->cfg.gpu_percent > 0 && gpus &&
	    low(w, b->gpu_util_mean < w->cfg.gpu_percent, b->t,
		&w->gpu_since, &w->gpu_told))
		snprintf(line[n++], 320, "GPU%s idle: utilization under %d%% "
			 "for %s (now %.0f%%, %d GPU%s): the allocation waits "
			 "on something else (data loading, I/O, a hang)",
			 b->ngpus_ok == 1 ? "" : "s", w->cfg.gpu_percent, d,
			 b->gpu_util_mean, b->ngpus_ok,
			 b->ngpus_ok == 1 ? "" : "s");
	if (w->cfg.cpu_percent > 0 && w->cfg.ncpus > 0 && b->cpu_pct_valid &&
	    low(w, b->cpu_pct < (double)w->cfg.cpu_percent * w->cfg.ncpus,
		b->t, &w->cpu_since, &w->cpu_told))
		snprintf(line[n++], 320, "CPUs idle: the job used %.1f of its "
			 "%d CPU%s (under %d%%) for %s: stalled, or waiting on "
			 "I/O?", b->cpu_pct / 100,
			 w->cfg.ncpus, w->cfg.ncpus == 1 ? "" : "s",
			 w->cfg.cpu_percent, d);
	return n;
}
