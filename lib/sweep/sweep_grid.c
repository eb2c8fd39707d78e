/* sweep_grid.c - expand a sweep spec's grid into tasks (see sweep.h).
 *
 * The grid's dimensions are the product axes, in spec order, and the zip
 * groups (one dimension each: their lists move together).  Combinations
 * are enumerated with the first dimension slowest, excluded ones are
 * dropped, and a sample draws count of the rest with a seeded generator
 * of our own (splitmix64), so one spec gives the same tasks everywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/names.h"
#include "util/strbuf.h"
#include "sweep/sweep.h"

/* dim_size: the size of dimension d: an axis or a zip group. */
struct dims {
	size_t n;
	size_t size[256];
	long axis[256];		/* product axis, or -1 - zip group */
};

static void make_dims(const struct exl_sweep_spec *s, struct dims *d)
{
	d->n = 0;
	for (size_t i = 0; i < s->naxes && d->n < 256; i++) {
		if (s->axes[i].zip < 0) {
			d->axis[d->n] = (long)i;
			d->size[d->n++] = s->axes[i].nvals;
		}
	}
	for (int z = 0; z < s->nzip && d->n < 256; z++) {
		for (size_t i = 0; i < s->naxes; i++) {
			if (s->axes[i].zip == z) {
				d->axis[d->n] = -1 - z;
				d->size[d->n++] = s->axes[i].nvals;
				break;
			}
		}
	}
}

long exl_sweep_combos(const struct exl_sweep_spec *s, struct exl_err *err)
{
	struct dims d;
	unsigned long long n = 1;

	make_dims(s, &d);
	for (size_t i = 0; i < d.n; i++) {
		n *= d.size[i];
		if (n > EXL_SWEEP_MAX_COMBOS)
			break;
	}
	if (n > EXL_SWEEP_MAX_COMBOS)
		return exl_errf(err, "%s:%d: grid: more than %d combinations: sweep fewer values, or split the sweep into several specs",
				s->file, s->grid_line, EXL_SWEEP_MAX_COMBOS);
	return (long)n;
}

/* splitmix64: the sample's generator; the same on every platform. */
static unsigned long long splitmix64(unsigned long long *x)
{
	unsigned long long z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* value_of: the value index of axis a in combination c. */
static size_t value_of(const struct exl_sweep_spec *s, const struct dims *d,
		       const size_t *pos, size_t a)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->axis[i] == (long)a ||
		    (s->axes[a].zip >= 0 && d->axis[i] == -1 - s->axes[a].zip))
			return pos[i];
	return 0;
}

/* excluded: the combination matches one exclude: item. */
static int excluded(const struct exl_sweep_spec *s, const struct dims *d,
		    const size_t *pos)
{
	for (size_t e = 0; e < s->nexcl; e++) {
		const struct exl_sweep_exclude *x = &s->excl[e];
		size_t k;

		for (k = 0; k < x->n; k++) {
			const struct exl_sweep_axis *a = &s->axes[x->axis[k]];

			if (strcmp(a->vals[value_of(s, d, pos, x->axis[k])],
				   x->val[k]) != 0)
				break;
		}
		if (k == x->n)
			return 1;
	}
	return 0;
}

/* fill_task: statepoints and name of the combination pos. */
static int fill_task(const struct exl_sweep_spec *s, const struct dims *d,
		     const size_t *pos, struct exl_sweep_task *t,
		     struct exl_err *err)
{
	struct exl_sb sp = { 0 }, nm = { 0 };
	char *raw;

	for (size_t a = 0; a < s->naxes; a++) {
		const char *v = s->axes[a].vals[value_of(s, d, pos, a)];

		exl_sb_printf(&sp, "%s%s=%s", a ? "," : "", s->axes[a].name, v);
		exl_sb_printf(&nm, "%s%s-%s", a ? "_" : "", s->axes[a].name, v);
	}
	raw = exl_sb_take(&nm, NULL);
	t->sp = exl_sb_take(&sp, NULL);
	if (!raw || !t->sp) {
		free(raw);
		return exl_errf(err, "sweep: out of memory");
	}
	exl_sanitize_name(raw, t->name);
	free(raw);
	return 0;
}

/* cmp_name: for the duplicate-name check. */
static int cmp_name(const void *a, const void *b)
{
	const struct exl_sweep_task *x = *(struct exl_sweep_task *const *)a;
	const struct exl_sweep_task *y = *(struct exl_sweep_task *const *)b;

	return strcmp(x->name, y->name);
}

/* unique_names: two tasks with one name would share a run log. */
static int unique_names(const struct exl_sweep_spec *s,
			const struct exl_sweep_tasks *o, struct exl_err *err)
{
	struct exl_sweep_task **p = calloc(o->n + 1, sizeof(*p));
	int rc = 0;

	if (!p)
		return exl_errf(err, "sweep: out of memory");
	for (size_t i = 0; i < o->n; i++)
		p[i] = &o->t[i];
	qsort(p, o->n, sizeof(*p), cmp_name);
	for (size_t i = 1; i < o->n && rc == 0; i++)
		if (strcmp(p[i - 1]->name, p[i]->name) == 0)
			rc = exl_errf(err, "%s:%d: grid: tasks %s and %s get the same name '%s': use values that differ in letters or digits, or shorter ones",
				      s->file, s->grid_line, p[i - 1]->sp,
				      p[i]->sp, p[i]->name);
	free(p);
	return rc;
}

int exl_sweep_expand(const struct exl_sweep_spec *s, struct exl_sweep_tasks *o,
		     struct exl_err *err)
{
	struct dims d;
	long total = exl_sweep_combos(s, err);
	size_t *pos, *keep, nkeep = 0;
	unsigned long long rng = s->seed;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	if (total < 0)
		return -1;
	make_dims(s, &d);
	pos = calloc(d.n + 1, sizeof(*pos));
	keep = calloc((size_t)total + 1, sizeof(*keep));
	if (!pos || !keep) {
		exl_errf(err, "sweep: out of memory");
		goto out;
	}
	for (long c = 0; c < total; c++) {
		long r = c;

		for (size_t i = d.n; i-- > 0;) {
			pos[i] = (size_t)r % d.size[i];
			r /= (long)d.size[i];
		}
		if (!excluded(s, &d, pos))
			keep[nkeep++] = (size_t)c;
	}
	if (nkeep == 0) {
		exl_errf(err, "%s:%d: grid: every combination is excluded: loosen exclude:",
			 s->file, s->grid_line);
		goto out;
	}
	/* sample: a partial Fisher-Yates, then back into grid order */
	if (s->sample > 0 && (size_t)s->sample < nkeep) {
		for (size_t i = 0; i < (size_t)s->sample; i++) {
			size_t j = i + (size_t)(splitmix64(&rng) % (nkeep - i));
			size_t t = keep[i];

			keep[i] = keep[j];
			keep[j] = t;
		}
		nkeep = (size_t)s->sample;
		for (size_t i = 1; i < nkeep; i++)
			for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
				size_t t = keep[j];

				keep[j] = keep[j - 1];
				keep[j - 1] = t;
			}
	}
	if (nkeep > EXL_SWEEP_MAX_TASKS) {
		exl_errf(err, "%s:%d: grid: %zu tasks, more than one sweep may submit (%d): add sample: {count: N, seed: 1} or sweep fewer values",
			 s->file, s->grid_line, nkeep, EXL_SWEEP_MAX_TASKS);
		goto out;
	}
	o->t = calloc(nkeep, sizeof(*o->t));
	if (!o->t) {
		exl_errf(err, "sweep: out of memory");
		goto out;
	}
	for (size_t k = 0; k < nkeep; k++) {
		long r = (long)keep[k];

		for (size_t i = d.n; i-- > 0;) {
			pos[i] = (size_t)r % d.size[i];
			r /= (long)d.size[i];
		}
		o->t[k].index = (unsigned)k;
		o->n++;
		if (fill_task(s, &d, pos, &o->t[k], err) < 0)
			goto out;
	}
	rc = unique_names(s, o, err);
out:
	free(pos);
	free(keep);
	if (rc < 0)
		exl_sweep_tasks_free(o);
	return rc;
}

void exl_sweep_tasks_free(struct exl_sweep_tasks *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->t[i].sp);
	free(t->t);
	memset(t, 0, sizeof(*t));
}
