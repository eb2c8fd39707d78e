/* telemetry_bench.c - what the telemetry sampler costs (issue 5, DESIGN
 * §8: at most 0.2% of one core at a 10 s interval).  Driven by
 * bench/telemetry.sh, which builds it against the build tree and points
 * it at the fake NVML with 8 GPUs.
 *
 *   telemetry_bench STATE_DIR NVML_LIB HWLOC_XML DURATION_S DIRECT_RUNS
 *                   SCALED_RUNS
 *
 * The sampler watches a synthetic job like a training run: a main
 * process with 32 threads, 8 worker processes with 4 threads each, and
 * one process doing CPU work (10 processes, 74 threads).  Three figures,
 * each against the same run without telemetry:
 *
 *  1. direct: DIRECT_RUNS pairs of DURATION_S seconds without and with
 *     the sampler at the real 10 s interval: the sampler's CPU time
 *     (getrusage RUSAGE_THREAD) as % of one core, and the job's work
 *     rate with the sampler over the rate without it.
 *  2. scaled: SCALED_RUNS runs of 200 samples at a 0.1 s interval: CPU
 *     per sample, scaled to the 10 s interval (many samples give a
 *     stable per-sample cost; a direct run has only DURATION_S / 10).
 *  3. start latency: a step start stand-in (posix_spawn of /bin/true and
 *     its reaping) alone, and with exl_sampler_start before it; also the
 *     time until the first sample line is on disk (taken asynchronously,
 *     so it delays nothing).
 * Medians throughout.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "telemetry/telemetry_sampler.h"

#define WORKERS 8
#define MAIN_THREADS 32
#define WORKER_THREADS 4
#define LATENCY_ROUNDS 101
#define SCALED_SAMPLES 200

extern char **environ;

static const char *state_dir, *nvml_lib, *hwloc_xml;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(double secs)
{
	struct timespec ts = { (time_t)secs,
			       (long)((secs - (time_t)secs) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void idle_threads(int n)
{
	pthread_t t;
	int i;

	for (i = 0; i < n; i++)
		pthread_create(&t, NULL, idle_thread, NULL);
}

/* The CPU-bound part of the job: spin for secs, report iterations. */
static void work(double secs, int fd)
{
	unsigned long long x = 88172645463325252ULL, iters = 0;
	double end = now() + secs;
	int i;

	while (now() < end) {
		for (i = 0; i < 100000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		iters++;
	}
	if (write(fd, &iters, sizeof(iters)) != sizeof(iters) || x == 42)
		_exit(1);
	_exit(0);
}

/* Fork the synthetic job; its root pid is returned, the worker rate
 * comes back through *rfd after secs (secs 0: no CPU work). */
static pid_t start_job(double secs, int *rfd)
{
	int p[2], i;
	pid_t root;

	if (pipe(p) < 0)
		return -1;
	root = fork();
	if (root == 0) {
		close(p[0]);
		for (i = 0; i < WORKERS; i++)
			if (fork() == 0) {
				idle_threads(WORKER_THREADS);
				for (;;)
					pause();
			}
		if (secs > 0 && fork() == 0)
			work(secs, p[1]);
		idle_threads(MAIN_THREADS);
		for (;;)
			pause();
	}
	close(p[1]);
	*rfd = p[0];
	return root;
}

/* Kill the synthetic job: its processes by pid, then the root. */
static void stop_job(pid_t root)
{
	struct exl_pidset s = { 0 };
	size_t i;

	if (exl_proc_descendants(root, 0, &s) > 0)
		for (i = 0; i < s.n; i++)
			kill(s.pids[i], SIGKILL);
	exl_pidset_free(&s);
	kill(root, SIGKILL);
	waitpid(root, NULL, 0);
}

static void cfg_for(struct exl_sampler_cfg *c, unsigned int ms, pid_t root,
		    const char *node)
{
	memset(c, 0, sizeof(*c));
	c->interval_ms = ms;
	c->state_dir = state_dir;
	c->node = node;
	c->job_id = "bench";
	c->step = "batch";
	c->pid_root = root;
	c->nvml_lib = nvml_lib;
	c->hardware = 1;
	c->hwloc_xml = hwloc_xml[0] ? hwloc_xml : NULL;
	c->alloc.cpus = "0-1";
	c->alloc.mem_mb = 4096;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Job work rate (iterations/s) over secs, with or without a sampler;
 * with one, its CPU % of one core goes to *pct. */
static double job_rate(double secs, int sampler, double *pct,
		       unsigned long long *samples)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *s = NULL;
	struct exl_sampler_usage u;
	struct exl_err err;
	unsigned long long iters = 0;
	int rfd;
	pid_t root = start_job(secs, &rfd);

	if (root < 0)
		return -1;
	if (sampler) {
		cfg_for(&c, 10000, root, "direct");
		if (exl_sampler_start(&c, &s, &err) < 0) {
			fprintf(stderr, "sampler: %s\n", err.text);
			exit(1);
		}
	}
	if (read(rfd, &iters, sizeof(iters)) != sizeof(iters))
		iters = 0;
	if (s) {
		exl_sampler_cpu_usage(s, &u);
		*pct = 100.0 * u.cpu_s / u.wall_s;
		*samples = u.samples;
		exl_sampler_stop(s);
	}
	close(rfd);
	stop_job(root);
	return (double)iters / secs;
}

/* CPU seconds per sample over SCALED_SAMPLES at a 0.1 s interval. */
static double per_sample(void)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *s = NULL;
	struct exl_sampler_usage u0, u;
	struct exl_err err;
	int rfd;
	pid_t root = start_job(0, &rfd);

	cfg_for(&c, 100, root, "scaled");
	if (exl_sampler_start(&c, &s, &err) < 0) {
		fprintf(stderr, "sampler: %s\n", err.text);
		exit(1);
	}
	/* leave the one-time start (NVML, hwloc) out of the steady state */
	do {
		nap(0.01);
		exl_sampler_cpu_usage(s, &u0);
	} while (u0.samples < 1);
	do {
		nap(0.05);
		exl_sampler_cpu_usage(s, &u);
	} while (u.samples < u0.samples + SCALED_SAMPLES);
	exl_sampler_stop(s);
	close(rfd);
	stop_job(root);
	return (u.cpu_s - u0.cpu_s) / (double)(u.samples - u0.samples);
}

static double spawn_true(void)
{
	char *argv[] = { "true", NULL };
	double t0 = now();
	pid_t pid;

	if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0)
		return -1;
	waitpid(pid, NULL, 0);
	return now() - t0;
}

/* One step start with a sampler: start it, spawn; *first gets the time
 * until its first sample is on disk. */
static double start_with(pid_t root, double *call, double *first)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *s;
	struct exl_sampler_usage u;
	struct exl_err err;
	double t0 = now(), w;

	cfg_for(&c, 10000, root, "latency");
	if (exl_sampler_start(&c, &s, &err) < 0) {
		fprintf(stderr, "sampler: %s\n", err.text);
		exit(1);
	}
	*call = now() - t0;
	if (spawn_true() < 0)
		exit(1);
	w = now() - t0;
	for (;;) {
		exl_sampler_cpu_usage(s, &u);
		if (u.samples)
			break;
		nap(0.0002);
	}
	*first = now() - t0;
	exl_sampler_stop(s);
	return w;
}

/* Step start stand-in with and without starting a sampler, in
 * alternating order, each after a short pause. */
static void latency(double *base, double *with, double *call, double *first)
{
	double b[LATENCY_ROUNDS], w[LATENCY_ROUNDS], f[LATENCY_ROUNDS];
	double c[LATENCY_ROUNDS];
	int i, rfd;
	pid_t root = start_job(0, &rfd);

	for (i = 0; i < LATENCY_ROUNDS; i++) {
		nap(0.02);
		if (i % 2) {
			w[i] = start_with(root, &c[i], &f[i]);
			nap(0.02);
			b[i] = spawn_true();
		} else {
			b[i] = spawn_true();
			nap(0.02);
			w[i] = start_with(root, &c[i], &f[i]);
		}
	}
	close(rfd);
	stop_job(root);
	*base = median(b, LATENCY_ROUNDS);
	*with = median(w, LATENCY_ROUNDS);
	*call = median(c, LATENCY_ROUNDS);
	*first = median(f, LATENCY_ROUNDS);
}

int main(int argc, char **argv)
{
	double duration, rate0, rate1, pct = 0, rates[16], pcts[16], ps[16];
	double base, with, call, first, ps_med;
	unsigned long long samples = 0;
	int direct, scaled, i;

	if (argc != 7) {
		fprintf(stderr, "usage: %s STATE_DIR NVML_LIB HWLOC_XML "
			"DURATION_S DIRECT_RUNS SCALED_RUNS\n", argv[0]);
		return 2;
	}
	state_dir = argv[1];
	nvml_lib = argv[2];
	hwloc_xml = argv[3];
	duration = atof(argv[4]);
	direct = atoi(argv[5]);
	scaled = atoi(argv[6]);
	if (duration < 10 || direct < 1 || direct > 16 || scaled < 1 ||
	    scaled > 16) {
		fprintf(stderr, "telemetry_bench: DURATION_S >= 10, runs 1..16\n");
		return 2;
	}
	printf("job: %d processes, %d threads; 8 fake NVML GPUs\n",
	       1 + WORKERS + 1,
	       1 + MAIN_THREADS + WORKERS * (1 + WORKER_THREADS) + 1);
	fflush(stdout);

	printf("direct, 10 s interval, %.0f s, %d pair(s) of runs:\n", duration,
	       direct);
	for (i = 0; i < direct; i++) {
		/* alternate the order: a machine that slows down over time
		 * (CPU credits, heat) must not look like our overhead */
		if (i % 2) {
			rate1 = job_rate(duration, 1, &pct, &samples);
			rate0 = job_rate(duration, 0, &pct, &samples);
		} else {
			rate0 = job_rate(duration, 0, &pct, &samples);
			rate1 = job_rate(duration, 1, &pct, &samples);
		}
		rates[i] = rate1 / rate0;
		pcts[i] = pct;
		printf("  pair %d (%s first): sampler CPU %.4f%% of one core "
		       "over %llu samples; job work rate %.4fx\n", i + 1,
		       i % 2 ? "with" : "without", pct, samples, rates[i]);
		fflush(stdout);
	}
	printf("  median: sampler CPU %.4f%% of one core (target <= 0.2%%); "
	       "job work rate with/without telemetry %.4fx\n",
	       median(pcts, direct), median(rates, direct));
	fflush(stdout);

	for (i = 0; i < scaled; i++)
		ps[i] = per_sample();
	ps_med = median(ps, scaled);
	printf("scaled, %d samples at 0.1 s, %d run(s):\n"
	       "  %.3f ms CPU per sample -> %.4f%% of one core at 10 s "
	       "(%.3f%% at 1 s)\n", SCALED_SAMPLES, scaled, ps_med * 1e3,
	       100 * ps_med / 10, 100 * ps_med / 1);
	fflush(stdout);

	latency(&base, &with, &call, &first);
	printf("start latency (medians of %d):\n"
	       "  step start stand-in (posix_spawn /bin/true + wait): %.3f ms "
	       "without, %.3f ms with exl_sampler_start first -> %.3fx\n"
	       "  the exl_sampler_start call alone: %.3f ms -> %.3fx of the "
	       "stand-in\n"
	       "  first sample on disk %.1f ms after start (sampler thread, "
	       "incl. NVML open and hwloc topology; the step does not wait)\n",
	       LATENCY_ROUNDS, base * 1e3, with * 1e3, with / base,
	       call * 1e3, (base + call) / base, first * 1e3);
	return 0;
}
