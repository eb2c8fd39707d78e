/* telemetry_test.h - helpers shared by the telemetry unit tests: where
 * the fake NVML and the hwloc fixtures are, scratch directories, fake
 * NVML scripts.  Include after tap.h. */
#ifndef EXL_TELEMETRY_TEST_H
#define EXL_TELEMETRY_TEST_H

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Monotonic seconds. */
static __attribute__((unused)) double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep secs, through signals. */
static __attribute__((unused)) void nap(double secs)
{
	struct timespec ts = { (time_t)secs,
			       (long)((secs - (time_t)secs) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The fake libnvidia-ml built by make check (tests/fake_nvml). */
static __attribute__((unused)) const char *fake_nvml(void)
{
	const char *p = getenv("EXL_FAKE_NVML");

	return p ? p : "../fake_nvml/.libs/fake_nvml.so";
}

/* An hwloc XML fixture from lib/telemetry/test/hwloc-data. */
static __attribute__((unused)) const char *hwloc_fixture(const char *name)
{
	static char buf[4][1024];
	static int i;
	const char *dir = getenv("EXL_HWLOC_DATA");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir ? dir : "hwloc-data",
		 name);
	return buf[i];
}

/* Write text to path; 0 on success. */
static __attribute__((unused)) int put_file(const char *path,
					    const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Write a fake NVML script into dir and point FAKE_NVML_SCRIPT at it. */
static __attribute__((unused)) void fake_script(const char *dir,
						const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/nvml.script", dir);
	if (put_file(path, text) == 0)
		setenv("FAKE_NVML_SCRIPT", path, 1);
}

static __attribute__((unused)) int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf dir */
static __attribute__((unused)) void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Count the lines of path that contain needle (NULL: all lines). */
static __attribute__((unused)) int count_lines(const char *path,
					       const char *needle)
{
	char line[1 << 16];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!needle || strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

#ifdef EXL_TELEMETRY_SAMPLER_H
/* Wait (at most 30 s) until the sampler has taken n samples. */
static __attribute__((unused)) int wait_samples(struct exl_sampler *s,
						unsigned long long n)
{
	struct exl_sampler_usage u;
	double until = now() + 30;

	do {
		exl_sampler_cpu_usage(s, &u);
		if (u.samples >= n)
			return 1;
		nap(0.01);
	} while (now() < until);
	return 0;
}
#endif

#endif
