/* progress_patterns.c - progress and error patterns (see progress.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/progress.h"
#include "util/bounded_regex.h"

const char *const exl_error_patterns_default[] = {
	"CUDA out of memory|OutOfMemoryError|CUBLAS_STATUS_ALLOC_FAILED",
	"CUDA error|cuda runtime error|device-side assert",
	"NCCL error|NCCL Error|nccl[A-Za-z]*Error"
		"|Watchdog caught collective operation timeout",
	"(^|[^[:alnum:]_])Killed([^[:alnum:]_]|$)",
	"oom[-_]kill|Out of memory:|Memory cgroup out of memory",
	"slurmstepd: error:|srun: error:",
	"Segmentation fault|Bus error|core dumped|Fatal Python error",
	NULL
};

/* Most matches of one pattern tried on one line. */
#define MAX_TRIES 16
/* Val numbers remembered on one line (so loss does not take them). */
#define MAX_VALS 8

static const char *const pat_name[EXL_PAT_COUNT] = { "step", "loss",
						      "val_loss" };
static const char *const pat_default[EXL_PAT_COUNT] = {
	EXL_PAT_STEP_DEFAULT, EXL_PAT_LOSS_DEFAULT, EXL_PAT_VAL_DEFAULT
};

struct exl_regex *exl_pattern_compile(const char *src, int progress,
				     char *why, size_t whylen)
{
	struct exl_regex *re;
	size_t groups;

	re = exl_regex_compile(src, progress ? EXL_REGEX_ICASE : 0, why,
			       whylen);
	if (!re)
		return NULL;
	groups = exl_regex_groups(re);
	if (!progress || (groups >= 1 && groups <= EXL_PATTERN_GROUPS))
		return re;
	if (groups < 1)
		snprintf(why, whylen,
			 "no capture group: put the number in ( )");
	else
		snprintf(why, whylen, "more than %d capture groups",
			 EXL_PATTERN_GROUPS);
	exl_regex_free(re);
	return NULL;
}

/* compile_progress: one progress pattern, which needs a number group. */
static int compile_progress(struct exl_patterns *p, enum exl_pat which,
			    const char *src, struct exl_err *err)
{
	char why[160];

	if (!src)
		src = pat_default[which];
	if (!*src)
		return 0;
	p->re[which] = exl_pattern_compile(src, 1, why, sizeof(why));
	if (!p->re[which])
		return exl_errf(err, "%s pattern \"%.200s\": %s",
				pat_name[which], src, why);
	p->have[which] = 1;
	return 0;
}

static int compile_errors(struct exl_patterns *p, const char *const *src,
			  size_t n, struct exl_err *err)
{
	char why[160];
	size_t i;

	if (!src) {
		src = exl_error_patterns_default;
		for (n = 0; src[n]; n++)
			;
	}
	if (n == 0)
		return 0;
	p->errors = calloc(n, sizeof(*p->errors));
	if (!p->errors)
		return exl_errnof(err, ENOMEM, "couldn't compile error patterns");
	for (i = 0; i < n; i++) {
		if (!src[i] || !*src[i])
			return exl_errf(err, "error pattern %zu is empty", i + 1);
		p->errors[i] = exl_pattern_compile(src[i], 0, why, sizeof(why));
		if (!p->errors[i])
			return exl_errf(err, "error pattern \"%.200s\": %s",
					src[i], why);
		p->n_errors++;
	}
	return 0;
}

int exl_patterns_compile(struct exl_patterns *p, const char *step,
			 const char *loss, const char *val_loss,
			 const char *const *errors, size_t n_errors,
			 struct exl_err *err)
{
	memset(p, 0, sizeof(*p));
	if (compile_progress(p, EXL_PAT_STEP, step, err) < 0 ||
	    compile_progress(p, EXL_PAT_LOSS, loss, err) < 0 ||
	    compile_progress(p, EXL_PAT_VAL, val_loss, err) < 0 ||
	    compile_errors(p, errors, n_errors, err) < 0) {
		exl_patterns_free(p);
		return -1;
	}
	return 0;
}

int exl_patterns_default(struct exl_patterns *p, struct exl_err *err)
{
	return exl_patterns_compile(p, NULL, NULL, NULL, NULL, 0, err);
}

void exl_patterns_free(struct exl_patterns *p)
{
	size_t i;

	for (i = 0; i < EXL_PAT_COUNT; i++)
		exl_regex_free(p->re[i]);
	for (i = 0; i < p->n_errors; i++)
		exl_regex_free(p->errors[i]);
	free(p->errors);
	memset(p, 0, sizeof(*p));
}

struct number {
	size_t at;		/* offset of the number in the line */
	long long ll;
	double d;
};

/* parse: the number at s.  Steps are integers >= 0.  A "nan"/"inf" that
 * is the start of a word ("info", "nanoseconds") is not a number. */
static int parse(const char *s, int integer, struct number *n)
{
	char *end;

	errno = 0;
	if (integer) {
		n->ll = strtoll(s, &end, 10);
		return end != s && errno == 0 && n->ll >= 0;
	}
	n->d = strtod(s, &end);
	if (end == s)
		return 0;
	return isfinite(n->d) || !isalpha((unsigned char)*end);
}

/* next_number: the next match of re in line at or after *off whose number
 * (the last capture group that took part) parses; *off moves past it. */
static int next_number(struct exl_regex *re, const char *line, size_t len,
		       size_t *off, int integer, struct number *n)
{
	struct exl_regex_span m[EXL_PATTERN_GROUPS + 1];
	size_t g, start, groups = exl_regex_groups(re);
	int tries;

	for (tries = 0; tries < MAX_TRIES && *off <= len; tries++) {
		start = *off;
		/* a match that gives up counts as none (see
		 * exl_patterns_take_warning) */
		if (exl_regex_match(re, line + start, len - start,
				    start ? EXL_REGEX_NOTBOL : 0, m,
				    groups + 1) != 1)
			return 0;
		*off = start + (size_t)(m[0].eo > 0 ? m[0].eo : 1);
		for (g = groups; g > 0 && m[g].so < 0; g--)
			;
		if (g > 0 && parse(line + start + m[g].so, integer, n)) {
			n->at = start + (size_t)m[g].so;
			return 1;
		}
	}
	return 0;
}

int exl_patterns_match(const struct exl_patterns *p, const char *line,
		       struct exl_line_facts *out)
{
	size_t len = strlen(line), off, vals[MAX_VALS], nval = 0, i;
	struct number n;

	memset(out, 0, sizeof(*out));
	off = 0;
	if (p->have[EXL_PAT_STEP] &&
	    next_number(p->re[EXL_PAT_STEP], line, len, &off, 1, &n)) {
		out->have_step = 1;
		out->step = n.ll;
	}
	off = 0;
	while (p->have[EXL_PAT_VAL] && nval < MAX_VALS &&
	       next_number(p->re[EXL_PAT_VAL], line, len, &off, 0, &n)) {
		if (!out->have_val) {
			out->have_val = 1;
			out->val = n.d;
		}
		vals[nval++] = n.at;
	}
	off = 0;
	while (p->have[EXL_PAT_LOSS] && !out->have_loss &&
	       next_number(p->re[EXL_PAT_LOSS], line, len, &off, 0, &n)) {
		for (i = 0; i < nval && vals[i] != n.at; i++)
			;
		if (i == nval) {
			out->have_loss = 1;
			out->loss = n.d;
		}
	}
	return out->have_step || out->have_loss || out->have_val;
}

int exl_patterns_error(const struct exl_patterns *p, const char *line)
{
	size_t i;

	for (i = 0; i < p->n_errors; i++)
		if (exl_regex_match(p->errors[i], line, strlen(line), 0, NULL,
				    0) == 1)
			return (int)i;
	return -1;
}

int exl_patterns_take_warning(const struct exl_patterns *p, char *buf,
			      size_t len)
{
	size_t i;

	for (i = 0; i < EXL_PAT_COUNT; i++)
		if (p->have[i] && exl_regex_take_warning(p->re[i], buf, len))
			return 1;
	for (i = 0; i < p->n_errors; i++)
		if (exl_regex_take_warning(p->errors[i], buf, len))
			return 1;
	return 0;
}
