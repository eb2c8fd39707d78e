/* sched_job.c - scheduler job records (see sched_job.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/sched_job.h"

long long exl_job_id_num(const char *id)
{
	unsigned long long v = 0;
	const char *p;

	if (!id || !*id || strlen(id) > 10)
		return -1;
	for (p = id; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	return v > 0xffffffffull || v == 0 ? -1 : (long long)v;
}

/* field: copy the next sep-terminated field of *p into out (cut to fit). */
static void field(const char **p, char sep, char *out, size_t len)
{
	const char *e = strchr(*p, sep);
	size_t n = e ? (size_t)(e - *p) : strlen(*p);

	while (n > 0 && ((*p)[n - 1] == '\n' || (*p)[n - 1] == '\r'))
		n--;
	snprintf(out, len, "%.*s", (int)n, *p);
	*p = e ? e + 1 : *p + strlen(*p);
}

static int num(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return (errno || end == s || *end) ? -1 : 0;
}

int exl_sched_parse_line(const char *line, struct exl_sched_job *j)
{
	char f[8][64];
	long long v[5];
	const char *p = line;
	int i;

	memset(j, 0, sizeof(*j));
	for (i = 0; i < 8; i++)
		field(&p, '\t', f[i], sizeof(f[i]));
	if (exl_job_id_num(f[0]) < 0 || !f[1][0] || num(f[3], &v[0]) < 0 ||
	    num(f[4], &v[1]) < 0 || num(f[5], &v[2]) < 0 ||
	    num(f[6], &v[3]) < 0)
		return -1;
	j->job_id = (unsigned long)exl_job_id_num(f[0]);
	snprintf(j->state, sizeof(j->state), "%.*s", (int)sizeof(j->state) - 1, f[1]);
	snprintf(j->reason, sizeof(j->reason), "%s", f[2]);
	j->start = (time_t)v[0];
	j->end = (time_t)v[1];
	j->elapsed = (long)v[2];
	j->limit_min = v[3] < 0 ? EXL_NO_LIMIT : (long)v[3];
	/* the exit status: "-" or absent (an older line) when unknown */
	if (f[7][0] && strcmp(f[7], "-") != 0) {
		if (num(f[7], &v[4]) < 0 || v[4] < 0 || v[4] > 0xffff)
			return -1;
		j->have_exit = 1;
		j->exit_status = (int)v[4];
	}
	return 0;
}

/* clean: a text field without tabs, newlines or control characters. */
static void clean(const char *in, char *out, size_t len)
{
	size_t i;

	snprintf(out, len, "%s", in);
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20)
			out[i] = ' ';
}

int exl_sched_format(const struct exl_sched_job *j, char *buf, size_t len)
{
	char st[sizeof(j->state)], re[sizeof(j->reason)], ex[16] = "-";
	int n;

	clean(j->state, st, sizeof(st));
	clean(j->reason, re, sizeof(re));
	if (j->have_exit)
		snprintf(ex, sizeof(ex), "%d", j->exit_status);
	n = snprintf(buf, len, "%lu\t%s\t%s\t%lld\t%lld\t%ld\t%ld\t%s\n",
		     j->job_id, st, re, (long long)j->start, (long long)j->end,
		     j->elapsed, j->limit_min, ex);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

long exl_parse_elapsed(const char *s)
{
	long part[3] = { 0, 0, 0 }, days = 0;
	int n = 0;
	const char *p = s, *dash = strchr(s, '-');
	char *end;

	if (dash) {
		days = strtol(s, &end, 10);
		/* bounded so the sum below cannot overflow */
		if (end != dash || days < 0 || days > 1000000)
			return -1;
		p = dash + 1;
	}
	for (;;) {
		if (!isdigit((unsigned char)*p) || n == 3)
			return -1;
		part[n] = strtol(p, &end, 10);
		if (part[n++] > 100000000)
			return -1;
		if (*end == '\0')
			break;
		if (*end != ':')
			return -1;
		p = end + 1;
	}
	if (n == 3)
		return days * 86400 + part[0] * 3600 + part[1] * 60 + part[2];
	if (dash)
		return -1;
	return n == 2 ? part[0] * 60 + part[1] : part[0];
}

/* sacct_end: the optional End (epoch seconds, SLURM_TIME_FORMAT=%s) and
 * ExitCode ("code:signal") fields after Elapsed.  Fields that do not
 * parse ("Unknown", an empty ExitCode) stay unknown. */
static void sacct_end(const char *p, struct exl_sched_job *j)
{
	char end[64], ex[64], *colon;
	long long t, code, sig;

	field(&p, '|', end, sizeof(end));
	field(&p, '|', ex, sizeof(ex));
	if (num(end, &t) == 0 && t > 0)
		j->end = (time_t)t;
	colon = strchr(ex, ':');
	if (!colon)
		return;
	*colon = '\0';
	if (num(ex, &code) < 0 || num(colon + 1, &sig) < 0 || code < 0 ||
	    code > 255 || sig < 0 || sig > 127)
		return;
	j->have_exit = 1;
	j->exit_status = sig ? (int)sig : (int)code << 8;
}

int exl_sacct_parse_line(const char *line, struct exl_sched_job *j)
{
	char id[64], state[64], el[64], *sp;
	const char *p = line;
	long long v;

	memset(j, 0, sizeof(*j));
	field(&p, '|', id, sizeof(id));
	field(&p, '|', state, sizeof(state));
	field(&p, '|', el, sizeof(el));
	v = exl_job_id_num(id);
	if (v < 0 || !isupper((unsigned char)state[0]))
		return -1;
	sp = strchr(state, ' ');
	if (sp)
		*sp = '\0';
	j->job_id = (unsigned long)v;
	snprintf(j->state, sizeof(j->state), "%.*s", (int)sizeof(j->state) - 1, state);
	j->elapsed = exl_parse_elapsed(el);
	j->limit_min = EXL_NO_LIMIT;
	if (*p)
		sacct_end(p, j);
	return 0;
}

int exl_sched_add(struct exl_sched_set *set, const struct exl_sched_job *j)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		void *nv = realloc(set->v, cap * sizeof(*set->v));

		if (!nv)
			return -1;
		set->v = nv;
		set->cap = cap;
	}
	set->v[set->n] = *j;
	set->v[set->n].seq = set->n;
	set->n++;
	return 0;
}

static int cmp_job(const void *a, const void *b)
{
	unsigned long x = ((const struct exl_sched_job *)a)->job_id;
	unsigned long y = ((const struct exl_sched_job *)b)->job_id;

	return x < y ? -1 : x > y;
}

static int cmp_job_seq(const void *a, const void *b)
{
	const struct exl_sched_job *x = a, *y = b;
	int c = cmp_job(a, b);

	return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

void exl_sched_sort(struct exl_sched_set *set)
{
	size_t i, o = 0;

	if (set->n == 0)
		return;
	qsort(set->v, set->n, sizeof(*set->v), cmp_job_seq);
	/* keep the last of each id */
	for (i = 1; i < set->n; i++) {
		if (set->v[i].job_id != set->v[o].job_id)
			o++;
		set->v[o] = set->v[i];
	}
	set->n = o + 1;
}

const struct exl_sched_job *exl_sched_find(const struct exl_sched_set *set,
					   const char *job_id)
{
	struct exl_sched_job key;
	long long v = exl_job_id_num(job_id);

	if (v < 0 || set->n == 0)
		return NULL;
	key.job_id = (unsigned long)v;
	return bsearch(&key, set->v, set->n, sizeof(*set->v), cmp_job);
}

void exl_sched_free(struct exl_sched_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}
