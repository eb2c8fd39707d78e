/* acct_eff.c - seff's figures from accounting values (see acct_eff.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/acct_eff.h"

#define GIB (1024.0 * 1024 * 1024)

int exl_acct_parse_duration(const char *s, double *secs)
{
	double part[3] = { 0, 0, 0 }, frac = 0;
	long days = 0;
	int n = 0;
	const char *p = s, *dash = strchr(s, '-');
	char *end;

	if (dash) {
		days = strtol(s, &end, 10);
		if (end != dash || end == s || days < 0 || days > 1000000)
			return -1;
		p = dash + 1;
	}
	for (;;) {
		if (!isdigit((unsigned char)*p) || n == 3)
			return -1;
		errno = 0;
		part[n] = (double)strtol(p, &end, 10);
		if (errno || part[n] > 100000000)
			return -1;
		n++;
		if (*end == '.') {	/* fraction: only on the last part */
			char *fe;

			if (!isdigit((unsigned char)end[1]))
				return -1;
			frac = strtod(end, &fe);
			if (*fe != '\0')
				return -1;
			break;
		}
		if (*end == '\0')
			break;
		if (*end != ':')
			return -1;
		p = end + 1;
	}
	if (dash && n != 3)
		return -1;
	if (n == 3)
		*secs = days * 86400.0 + part[0] * 3600 + part[1] * 60 + part[2];
	else if (n == 2)
		*secs = part[0] * 60 + part[1];
	else
		*secs = part[0];
	*secs += frac;
	return 0;
}

int exl_acct_parse_mem(const char *s, uint64_t *bytes, enum exl_mem_per *per)
{
	double v, mult = 1;
	char *end;
	enum exl_mem_per pr = EXL_MEM_TOTAL;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || v < 0)
		return -1;
	switch (*end) {
	case 'K': mult = 1024.0; end++; break;
	case 'M': mult = 1024.0 * 1024; end++; break;
	case 'G': mult = GIB; end++; break;
	case 'T': mult = GIB * 1024; end++; break;
	case 'P': mult = GIB * 1024 * 1024; end++; break;
	default: break;
	}
	if (*end == 'n' || *end == 'c') {
		pr = *end == 'n' ? EXL_MEM_PER_NODE : EXL_MEM_PER_CPU;
		end++;
	}
	if (*end != '\0' || v * mult >= 1.8e19)
		return -1;
	*bytes = (uint64_t)llround(v * mult);
	if (per)
		*per = pr;
	return 0;
}

uint64_t exl_acct_req_mem_total(uint64_t req, enum exl_mem_per per,
				long nnodes, long alloc_cpus)
{
	switch (per) {
	case EXL_MEM_PER_NODE:
		return nnodes > 0 ? req * (uint64_t)nnodes : 0;
	case EXL_MEM_PER_CPU:
		return alloc_cpus > 0 ? req * (uint64_t)alloc_cpus : 0;
	default:
		return req;
	}
}

/* human: bytes as "4.0 GiB", "310 MiB" (no decimal from 10 up). */
static void human(double b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (b >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	snprintf(buf, len, b >= 10 || u == 0 ? "%.0f %s" : "%.1f %s", b,
		 unit[u]);
}

/* suggest_mem: twice the peak, rounded up to a power of two GiB (1 GiB at
 * least): "used 3.1 GiB" -> 8 GiB, "used 310 MiB" -> 1 GiB. */
static uint64_t suggest_mem(uint64_t used)
{
	uint64_t g = 1;

	while ((double)g * GIB < 2.0 * (double)used && g < (1ULL << 40))
		g <<= 1;
	return g;
}

/* hms: seconds as "H:MM:SS" or "D-HH:MM:SS", the form --time takes. */
static void hms(double secs, char *buf, size_t len)
{
	long s = (long)ceil(secs), d = s / 86400;

	s %= 86400;
	if (d)
		snprintf(buf, len, "%ld-%02ld:%02ld:%02ld", d, s / 3600,
			 s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
			 s % 60);
}

/* add: append "; " and a formatted piece to the advice line. */
static void add(struct exl_acct_eff *e, const char *piece)
{
	size_t n = strlen(e->advice);

	snprintf(e->advice + n, sizeof(e->advice) - n, "%s%s",
		 n ? "; " : "", piece);
}

void exl_acct_eff_compute(const struct exl_acct_job *j,
			  struct exl_acct_eff *e)
{
	char piece[128], a[32], b[32];

	e->cpu = e->mem = e->time = e->gpu = -1;
	e->ngpus = 0;
	e->advice[0] = '\0';
	if (j->elapsed > 0 && j->alloc_cpus > 0)
		e->cpu = j->total_cpu / ((double)j->alloc_cpus * j->elapsed);
	if (j->req_mem > 0)
		e->mem = (double)j->max_rss / (double)j->req_mem;
	if (j->timelimit > 0 && j->elapsed >= 0)
		e->time = j->elapsed / j->timelimit;

	if (e->cpu >= 0 && e->cpu < EXL_EFF_POOR_CPU && j->alloc_cpus > 1) {
		double used = j->total_cpu / j->elapsed;
		long want = (long)ceil(used);

		if (want < 1)
			want = 1;
		snprintf(piece, sizeof(piece),
			 "asked %ld CPUs, used %.1f on average: ask for %ld",
			 j->alloc_cpus, used, want);
		add(e, piece);
	}
	if (e->mem >= 0 && e->mem < EXL_EFF_POOR_MEM) {
		uint64_t g = suggest_mem(j->max_rss);

		if ((double)g * GIB < (double)j->req_mem) {
			human((double)j->req_mem, a, sizeof(a));
			human((double)j->max_rss, b, sizeof(b));
			snprintf(piece, sizeof(piece),
				 "asked %s, used %s: ask for %llu GiB", a, b,
				 (unsigned long long)g);
			add(e, piece);
		}
	}
	if (e->time >= 0 && e->time < EXL_EFF_POOR_TIME) {
		/* twice the run time, whole minutes */
		double want = ceil(2 * j->elapsed / 60) * 60;

		if (want < 60)
			want = 60;
		if (want < j->timelimit) {
			hms(j->timelimit, a, sizeof(a));
			hms(j->elapsed, b, sizeof(b));
			snprintf(piece, sizeof(piece),
				 "time limit %s, ran %s: ask for --time=", a, b);
			hms(want, a, sizeof(a));
			snprintf(piece + strlen(piece),
				 sizeof(piece) - strlen(piece), "%s", a);
			add(e, piece);
		}
	}
}

void exl_acct_eff_gpu(struct exl_acct_eff *e, double util_pct, int ngpus)
{
	char piece[128];

	if (ngpus <= 0 || !(util_pct >= 0) || util_pct > 100)
		return;
	e->gpu = util_pct / 100;
	e->ngpus = ngpus;
	if (e->gpu >= EXL_EFF_POOR_GPU)
		return;
	snprintf(piece, sizeof(piece), ngpus > 1 ?
		 "%d GPUs busy %.0f%% of the time on average: feed them "
		 "faster (data loading) or ask for fewer" :
		 "%d GPU busy %.0f%% of the time on average: feed it "
		 "faster (data loading) or run without one", ngpus, util_pct);
	add(e, piece);
}

/* split: cut line at '|' into at most max fields; the count. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		if (n == max)
			return -1;
		f[n++] = p;
		p = strchr(p, '|');
		if (!p)
			break;
		*p++ = '\0';
	}
	p = f[n - 1] + strlen(f[n - 1]);
	while (p > f[n - 1] && (p[-1] == '\n' || p[-1] == '\r'))
		*--p = '\0';
	return n;
}

int exl_acct_fold_line(const char *line, const char *job_id,
		       struct exl_acct_job *j)
{
	char buf[512], *f[9], *dot;
	size_t idlen = strlen(job_id);
	uint64_t rss, req;
	enum exl_mem_per per;
	double d;
	long cpus, nodes;

	int nf;

	if (snprintf(buf, sizeof(buf), "%s", line) >= (int)sizeof(buf))
		return -1;
	nf = split(buf, f, 9);
	if (nf != 8 && nf != 9)
		return -1;
	if (strncmp(f[0], job_id, idlen) != 0 ||
	    (f[0][idlen] != '\0' && f[0][idlen] != '.'))
		return -1;
	dot = f[0][idlen] == '.' ? f[0] + idlen : NULL;
	if (f[6][0]) {		/* MaxRSS: steps only, but take any */
		if (exl_acct_parse_mem(f[6], &rss, NULL) < 0)
			return -1;
		if (rss > j->max_rss)
			j->max_rss = rss;
	}
	if (dot)
		return 0;
	if (exl_acct_parse_duration(f[1], &j->elapsed) < 0 ||
	    exl_acct_parse_duration(f[3], &j->total_cpu) < 0)
		return -1;
	if (exl_acct_parse_duration(f[2], &d) < 0)
		d = -1;		/* UNLIMITED, Partition_Limit */
	j->timelimit = d;
	cpus = strtol(f[4], &dot, 10);
	if (!f[4][0] || *dot || cpus < 0)
		return -1;
	nodes = strtol(f[5], &dot, 10);
	if (!f[5][0] || *dot || nodes < 0)
		return -1;
	j->alloc_cpus = cpus;
	j->nnodes = nodes;
	j->req_mem = 0;
	if (f[7][0]) {
		if (exl_acct_parse_mem(f[7], &req, &per) < 0)
			return -1;
		j->req_mem = exl_acct_req_mem_total(req, per, nodes, cpus);
	}
	j->state[0] = '\0';
	if (nf == 9)
		snprintf(j->state, sizeof(j->state), "%.*s",
			 (int)strcspn(f[8], " "), f[8]);
	j->have_job = 1;
	return 0;
}

int exl_acct_final(const struct exl_acct_job *j)
{
	static const char *const live[] = { "RUNNING", "PENDING", "REQUEUED",
		"SUSPENDED", "RESIZING", "REQUEUE_HOLD", "REQUEUE_FED",
		"SIGNALING", "STAGE_OUT", "COMPLETING", "CONFIGURING" };
	size_t i;

	if (!j->have_job || !j->state[0])
		return 0;
	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (strcmp(j->state, live[i]) == 0)
			return 0;
	return 1;
}
