/* loss_summary.c - the loss one-liner (see loss_summary.h for the rules). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/loss_summary.h"
#include "util/strbuf.h"

#define FLAT_PCT 2.0		/* |change| within this: flat */
#define RISE_PCT 5.0		/* last fifth this far above the minimum */
#define PLATEAU_BEFORE 0.8	/* a plateau must start before 80% of the span */

/* The finite points of one series, and how to name positions on it. */
struct curve {
	const char *name;	/* "train loss", "val loss" */
	struct exl_loss_point p[EXL_SERIES_MAX + 1];
	size_t n;
	unsigned long long count, nonfinite;
	long long nonfinite_step;
	int steps;		/* first and last carry steps, last > first */
};

static void load_curve(struct curve *c, const char *name,
		       const struct exl_loss_series *s)
{
	size_t i;

	c->name = name;
	c->n = 0;
	c->count = s ? s->count : 0;
	c->nonfinite = s ? s->nonfinite : 0;
	c->nonfinite_step = s ? s->nonfinite_step : -1;
	for (i = 0; s && i < s->n && i <= EXL_SERIES_MAX; i++)
		if (isfinite(s->pts[i].value))
			c->p[c->n++] = s->pts[i];
	c->steps = c->n >= 2 && c->p[0].step >= 0 &&
		   c->p[c->n - 1].step > c->p[0].step;
}

void exl_human_count(unsigned long long n, char *buf, size_t len)
{
	static const char *const unit[] = { "", "k", "M", "B", "T", "P", "E" };
	double v = (double)n;
	int u = 0;
	char num[32], *dot;

	if (n < 1000) {
		snprintf(buf, len, "%llu", n);
		return;
	}
	while (v >= 999.5 && u < 6) {
		v /= 1000;
		u++;
	}
	snprintf(num, sizeof(num), v < 9.95 ? "%.1f" : "%.0f", v);
	dot = strstr(num, ".0");
	if (dot && dot[2] == '\0')
		*dot = '\0';
	snprintf(buf, len, "%s%s", num, unit[u]);
}

static void fmt_value(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.4g", v);
}

/* change: "fell 92% (1.1 → 0.085)", "rose 12% (...)" or "flat (...)".
 * Returns -1 fell, 0 flat, 1 rose. */
static int change(struct exl_sb *b, double a, double z)
{
	char va[32], vz[32], pc[40] = "";
	double pct;
	int dir;

	fmt_value(a, va, sizeof(va));
	fmt_value(z, vz, sizeof(vz));
	if (a == 0) {
		dir = z < 0 ? -1 : z > 0;
	} else {
		pct = (z - a) / fabs(a) * 100;
		dir = pct < -FLAT_PCT ? -1 : pct > FLAT_PCT;
		pct = fabs(pct);
		if (pct < 9.95)
			snprintf(pc, sizeof(pc), " %.1f%%", pct);
		else if (pct < 1e6)
			snprintf(pc, sizeof(pc), " %.0f%%", pct);
		else
			snprintf(pc, sizeof(pc), " over 1000000%%");
	}
	if (dir == 0)
		exl_sb_printf(b, "flat (%s → %s)", va, vz);
	else
		exl_sb_printf(b, "%s%s (%s → %s)", dir < 0 ? "fell" : "rose",
			      pc, va, vz);
	return dir;
}

/* where: "step 8k" for a point with a step, else the share of the
 * series after it ("the last 30%"). */
static void where(const struct curve *c, size_t i, const char *with_step,
		  const char *without, struct exl_sb *b)
{
	char num[32];

	if (c->steps && c->p[i].step >= 0) {
		exl_human_count((unsigned long long)c->p[i].step, num,
				sizeof(num));
		exl_sb_printf(b, "%s step %s", with_step, num);
	} else {
		exl_sb_printf(b, "%s the last %.0f%%", without,
			      100.0 * (double)(c->n - 1 - i) / (double)(c->n - 1));
	}
}

/* level: the final level of a curve, the mean of its last fifth. */
static double level(const struct curve *c)
{
	size_t k = c->n / 5 ? c->n / 5 : 1, i;
	double sum = 0;

	for (i = c->n - k; i < c->n; i++)
		sum += c->p[i].value;
	return sum / (double)k;
}

/* plateau: index of the first point of the final flat run when it starts
 * early enough to be worth saying, else -1. */
static long plateau(const struct curve *c, double lvl)
{
	double tol = FLAT_PCT / 100 * fabs(lvl);
	const struct exl_loss_point *f = &c->p[0], *l = &c->p[c->n - 1];
	size_t i = c->n;

	while (i > 0 && fabs(c->p[i - 1].value - lvl) <= tol)
		i--;
	if (i == 0 || i == c->n)
		return -1;
	if (c->steps ? c->p[i].step < 0 ||
		       (double)(c->p[i].step - f->step) >=
		       PLATEAU_BEFORE * (double)(l->step - f->step) :
		       (double)i >= PLATEAU_BEFORE * (double)(c->n - 1))
		return -1;
	return (long)i;
}

/* rising: index of the minimum when the curve ends clearly above it. */
static long rising(const struct curve *c, double lvl)
{
	size_t i, m = 0;

	for (i = 1; i < c->n; i++)
		if (c->p[i].value < c->p[m].value)
			m = i;
	if (m + 1 >= c->n || c->p[c->n - 1].value <= c->p[m].value)
		return -1;
	if (lvl - c->p[m].value <= RISE_PCT / 100 * fabs(c->p[m].value))
		return -1;
	return (long)m;
}

static int train_clause(struct exl_sb *b, const struct curve *c)
{
	char v[32], num[32];
	const struct exl_loss_point *f = &c->p[0], *l = &c->p[c->n - 1];
	int dir;

	if (c->n == 1) {
		fmt_value(f->value, v, sizeof(v));
		exl_sb_printf(b, "one %s value (%s", c->name, v);
		if (f->step >= 0) {
			exl_human_count((unsigned long long)f->step, num,
					sizeof(num));
			exl_sb_printf(b, " at step %s", num);
		}
		exl_sb_printf(b, ")");
		return 0;
	}
	exl_sb_printf(b, "%s ", c->name);
	dir = change(b, f->value, l->value);
	if (c->steps) {
		exl_human_count((unsigned long long)(l->step - f->step), num,
				sizeof(num));
		exl_sb_printf(b, " over %s step%s", num,
			      l->step - f->step == 1 ? "" : "s");
	} else if (f->step >= 0 && f->step == l->step) {
		exl_human_count((unsigned long long)f->step, num, sizeof(num));
		exl_sb_printf(b, " at step %s", num);
	} else {
		exl_human_count(c->count, num, sizeof(num));
		exl_sb_printf(b, " over %s logged values", num);
	}
	return dir;
}

static void val_clause(struct exl_sb *b, const struct curve *c,
		       int train_fell)
{
	double lvl;
	char v[32];
	long m, i;

	if (c->n == 1) {
		train_clause(b, c);
		return;
	}
	exl_sb_printf(b, "val ");
	change(b, c->p[0].value, c->p[c->n - 1].value);
	lvl = level(c);
	m = rising(c, lvl);
	if (m > 0) {
		fmt_value(c->p[m].value, v, sizeof(v));
		where(c, (size_t)m, ", rising since", ", rising over", b);
		exl_sb_printf(b, " (min %s%s)", v,
			      train_fell ? ", possible overfitting" : "");
	} else if (m == 0) {
		if (train_fell)
			exl_sb_printf(b, ", possible overfitting");
	} else if ((i = plateau(c, lvl)) > 0) {
		where(c, (size_t)i, ", flat after", ", flat over", b);
	}
}

static void nonfinite_clause(struct exl_sb *b, const struct curve *c)
{
	char num[32];

	if (!c->nonfinite)
		return;
	if (c->nonfinite == 1)
		exl_sb_printf(b, "; %s was NaN/inf once", c->name);
	else
		exl_sb_printf(b, "; %s was NaN/inf %llu times", c->name,
			      c->nonfinite);
	if (c->nonfinite_step >= 0) {
		exl_human_count((unsigned long long)c->nonfinite_step, num,
				sizeof(num));
		exl_sb_printf(b, c->nonfinite == 1 ? " at step %s" :
			      " from step %s on", num);
	}
	exl_sb_printf(b, " (ignored)");
}

int exl_loss_summary(const struct exl_loss_series *train,
		     const struct exl_loss_series *val, char *buf, size_t len)
{
	struct curve *t = malloc(2 * sizeof(*t)), *v;
	struct exl_sb b = { 0 };
	int dir = 0;

	if (len)
		buf[0] = '\0';
	if (!t)
		return -1;
	v = t + 1;
	load_curve(t, "train loss", train);
	load_curve(v, "val loss", val);
	if (!t->n && !v->n && !t->nonfinite && !v->nonfinite)
		exl_sb_printf(&b, "no loss values found in the output");
	else if (t->n)
		dir = train_clause(&b, t);
	else
		exl_sb_printf(&b, "no train loss found");
	if (v->n) {
		exl_sb_printf(&b, "; ");
		val_clause(&b, v, t->n >= 2 && dir < 0);
	}
	nonfinite_clause(&b, t);
	nonfinite_clause(&b, v);
	free(t);
	return exl_sb_copy_out(&b, buf, len);
}
