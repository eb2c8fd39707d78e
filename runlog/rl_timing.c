/* rl_timing.c - phase timings of runlog status (see rl_timing.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "rl_timing.h"

static int on;
static struct timespec t0;

void rl_timing_init(void)
{
	const char *v = getenv("EXP_LOG_TIMING");

	on = v && strcmp(v, "1") == 0;
	if (on)
		(void)clock_gettime(CLOCK_MONOTONIC, &t0);
}

void rl_timing(const char *phase)
{
	struct timespec t;
	struct rusage ru;

	if (!on || clock_gettime(CLOCK_MONOTONIC, &t) < 0 ||
	    getrusage(RUSAGE_SELF, &ru) < 0)
		return;
	fprintf(stderr, "runlog timing: %-12s %.2f ms (cpu %.2f ms)\n", phase,
		(double)(t.tv_sec - t0.tv_sec) * 1e3 +
		(double)(t.tv_nsec - t0.tv_nsec) / 1e6,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
}
