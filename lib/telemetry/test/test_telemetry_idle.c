/* Unit tests: idle GPU and CPU warnings (telemetry_idle). */
#include <string.h>

#include "telemetry/telemetry_idle.h"
#include "tap.h"

/* sample: a brief at t with mean GPU util g (< 0: no GPUs) and CPU c%. */
static struct exl_sample_brief sample(double t, double g, double c)
{
	struct exl_sample_brief b;

	memset(&b, 0, sizeof(b));
	b.t = t;
	b.gpu_on = g >= 0;
	b.ngpus = b.ngpus_ok = g >= 0 ? 2 : 0;
	b.gpu_util_mean = g;
	b.cpu_pct_valid = 1;
	b.cpu_pct = c;
	b.rss_mib = -1;
	return b;
}

int main(void)
{
	struct exl_idle_cfg cfg = { .gpu_percent = 10, .cpu_percent = 10,
				    .after_s = 60, .ncpus = 8 };
	struct exl_idle w;
	struct exl_sample_brief b;
	char l[2][320];
	int i, told = 0;

	exl_idle_init(&w, &cfg);
	/* busy GPUs, busy CPUs: nothing */
	for (i = 1; i <= 10; i++) {
		b = sample(1000 + i * 30, 80, 700);
		told += exl_idle_feed(&w, &b, l);
	}
	is_int(told, 0, "busy: no warning");
	/* GPUs drop to 3% (CPUs busy): told once, after 60 s */
	b = sample(1330, 3, 700);
	is_int(exl_idle_feed(&w, &b, l), 0, "idle for 0 s: not yet");
	b = sample(1360, 3, 700);
	is_int(exl_idle_feed(&w, &b, l), 0, "idle for 30 s: not yet");
	b = sample(1390, 3, 700);
	is_int(exl_idle_feed(&w, &b, l), 1, "idle for 60 s: a warning");
	is_str(l[0], "GPUs idle: utilization under 10% for 1m (now 3%, 2 GPUs): "
	       "the allocation waits on something else (data loading, I/O, "
	       "a hang)", "its Status line");
	is_int(exl_idle_feed(&w, &b, l), 0, "the same sample again: nothing");
	b = sample(1420, 3, 700);
	is_int(exl_idle_feed(&w, &b, l), 0, "told once per stretch");
	/* recovers, then idle again: told again */
	b = sample(1450, 50, 700);
	is_int(exl_idle_feed(&w, &b, l), 0, "busy again");
	b = sample(1480, 0, 700);
	exl_idle_feed(&w, &b, l);
	b = sample(1540, 0, 700);
	is_int(exl_idle_feed(&w, &b, l), 1, "a new idle stretch is told");
	/* CPUs: 0.5 of 8 CPUs is under 10% */
	b = sample(1570, 50, 50);
	exl_idle_feed(&w, &b, l);
	b = sample(1630, 0, 50);
	is_int(exl_idle_feed(&w, &b, l), 1, "CPU stretch told; GPU re-armed");
	is_str(l[0], "CPUs idle: the job used 0.5 of its 8 CPUs (under 10%) "
	       "for 1m: stalled, or waiting on I/O?",
	       "the CPU line");
	b = sample(1690, 0, 50);
	is_int(exl_idle_feed(&w, &b, l), 1, "then the GPUs' too");
	/* no GPUs: only the CPU figure; unknown CPUs: only the GPUs */
	cfg.ncpus = 0;
	exl_idle_init(&w, &cfg);
	b = sample(10, -1, 0);
	exl_idle_feed(&w, &b, l);
	b = sample(100, -1, 0);
	is_int(exl_idle_feed(&w, &b, l), 0, "no GPUs, CPUs unknown: nothing");
	/* off */
	cfg.ncpus = 4;
	cfg.gpu_percent = cfg.cpu_percent = 0;
	exl_idle_init(&w, &cfg);
	b = sample(10, 0, 0);
	exl_idle_feed(&w, &b, l);
	b = sample(100000, 0, 0);
	is_int(exl_idle_feed(&w, &b, l), 0, "thresholds 0: off");
	/* defaults */
	cfg.after_s = 0;
	exl_idle_init(&w, &cfg);
	is_int(w.cfg.after_s, EXL_IDLE_AFTER_S, "after_s 0: the default");
	/* one CPU, two hours */
	cfg.cpu_percent = 25;
	cfg.ncpus = 1;
	cfg.after_s = 7200;
	exl_idle_init(&w, &cfg);
	b = sample(10, -1, 1);
	exl_idle_feed(&w, &b, l);
	b = sample(7210, -1, 1);
	is_int(exl_idle_feed(&w, &b, l), 1, "one CPU, 2 h");
	is_str(l[0], "CPUs idle: the job used 0.0 of its 1 CPU (under 25%) "
	       "for 2h: stalled, or waiting on I/O?",
	       "singular, hours");
	return done_testing();
}
