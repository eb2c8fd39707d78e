/* sweep_spec.c - read and check a sweep spec (see sweep.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "util/names.h"
#include "util/yamltree.h"
#include "opts/options.h"
#include "sweep/sweep.h"
#include "sweep/spec_file.h"

static const char *const top_keys =
	"script, args, name, sbatch, exp, throttle, grid, zip, sample or exclude";

/* bad: "FILE:LINE: message" into err; always -1. */
#define bad(err, s, line, ...) exl_spec_bad(err, (s)->file, line, __VA_ARGS__)

int exl_sweep_valid_name(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > EXL_SWEEP_NAME_MAX || !isalpha((unsigned char)name[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return 0;
	return 1;
}

/* pr: a node's text cut for a message. */
static const char *pr(const char *s, char *buf, size_t len)
{
	return exl_yaml_printable(s, buf, len);
}

/* scalar: n must be a scalar; its text. */
static const char *scalar(const struct exl_sweep_spec *s,
			  const struct exl_yaml_node *n, const char *what,
			  struct exl_err *err)
{
	if (n->kind != EXL_YAML_SCALAR) {
		bad(err, s, n->line, "%s: expected one value, found a %s: write %s: VALUE",
		    what, n->kind == EXL_YAML_SEQ ? "list" : "mapping", what);
		return NULL;
	}
	return n->text;
}

/* parse_long: a whole number within [lo, hi]. */
static int parse_long(const struct exl_sweep_spec *s,
		      const struct exl_yaml_node *n, const char *what, long lo,
		      long hi, long *out, struct exl_err *err)
{
	const char *t = scalar(s, n, what, err);
	char *end, b[80];
	long v;

	if (!t)
		return -1;
	errno = 0;
	v = strtol(t, &end, 10);
	if (!*t || *end || errno || v < lo || v > hi)
		return bad(err, s, n->line, "%s: '%s' is not a whole number from %ld to %ld: give one",
			   what, pr(t, b, sizeof(b)), lo, hi);
	*out = v;
	return 0;
}

/* check_value: a statepoint value: short, one line, no ',' '=' and
 * nothing a task name could not carry. */
static int check_value(const struct exl_sweep_spec *s, const char *axis,
		       const char *v, int line, struct exl_err *err)
{
	const unsigned char *p;
	char b[80];

	if (!*v)
		return bad(err, s, line, "grid: %s: empty value: give a value or drop it",
			   axis);
	if (strlen(v) > EXL_SWEEP_VALUE_MAX)
		return bad(err, s, line, "grid: %s: value longer than %d characters: shorten it",
			   axis, EXL_SWEEP_VALUE_MAX);
	for (p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ',' || *p == '=')
			return bad(err, s, line, "grid: %s: value '%s' has a ',', '=' or control character: use letters, digits, '.', '_', '-'",
				   axis, pr(v, b, sizeof(b)));
	return 0;
}

/* add_val: append a copy of v to the axis. */
static int add_val(struct exl_sweep_axis *a, const char *v, struct exl_err *err)
{
	char **nv = realloc(a->vals, (a->nvals + 1) * sizeof(*nv));

	if (!nv)
		return exl_errf(err, "sweep: out of memory");
	a->vals = nv;
	if (!(a->vals[a->nvals] = strdup(v)))
		return exl_errf(err, "sweep: out of memory");
	a->nvals++;
	return 0;
}

/* is_int: the whole text is a decimal integer. */
static int is_int(const char *t, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(t, &end, 10);
	return *t && !*end && !errno;
}

/* range_vals: {from: A, to: B, step: C} (to included) as values. */
static int range_vals(struct exl_sweep_spec *s, struct exl_sweep_axis *a,
		      const struct exl_yaml_node *m, struct exl_err *err)
{
	const char *f = NULL, *t = NULL, *st = "1";
	long long fi, ti, si;
	double fd, td, sd, cnt;
	char *e1, *e2, *e3, buf[64];
	size_t i;

	for (i = 0; i < m->nkids; i += 2) {
		const char *k = m->kids[i]->text;
		const char *v = scalar(s, m->kids[i + 1], k, err);

		if (!v)
			return -1;
		if (strcmp(k, "from") == 0)
			f = v;
		else if (strcmp(k, "to") == 0)
			t = v;
		else if (strcmp(k, "step") == 0)
			st = v;
		else
			return bad(err, s, m->kids[i]->line, "grid: %s: unknown range key '%s': use from, to and step",
				   a->name, pr(k, buf, sizeof(buf)));
	}
	if (!f || !t)
		return bad(err, s, m->line, "grid: %s: a range needs from and to: write {from: 1, to: 4, step: 1}",
			   a->name);
	if (is_int(f, &fi) && is_int(t, &ti) && is_int(st, &si)) {
		if (si <= 0 || ti < fi)
			return bad(err, s, m->line, "grid: %s: empty range: give from <= to and a step > 0",
				   a->name);
		if ((ti - fi) / si + 1 > EXL_SWEEP_MAX_COMBOS)
			return bad(err, s, m->line, "grid: %s: range has more than %d values: raise step or narrow it",
				   a->name, EXL_SWEEP_MAX_COMBOS);
		for (long long v = fi; v <= ti; v += si) {
			snprintf(buf, sizeof(buf), "%lld", v);
			if (add_val(a, buf, err) < 0)
				return -1;
		}
		return 0;
	}
	fd = strtod(f, &e1);
	td = strtod(t, &e2);
	sd = strtod(st, &e3);
	if (*e1 || *e2 || *e3 || !isfinite(fd) || !isfinite(td) || !isfinite(sd))
		return bad(err, s, m->line, "grid: %s: range bounds must be numbers: write {from: 0.1, to: 0.5, step: 0.1}",
			   a->name);
	if (sd <= 0 || td < fd)
		return bad(err, s, m->line, "grid: %s: empty range: give from <= to and a step > 0",
			   a->name);
	cnt = floor((td - fd) / sd + 1e-9) + 1;
	if (cnt > EXL_SWEEP_MAX_COMBOS)
		return bad(err, s, m->line, "grid: %s: range has more than %d values: raise step or narrow it",
			   a->name, EXL_SWEEP_MAX_COMBOS);
	for (i = 0; i < (size_t)cnt; i++) {
		snprintf(buf, sizeof(buf), "%.10g", fd + (double)i * sd);
		if (add_val(a, buf, err) < 0)
			return -1;
	}
	return 0;
}

/* find_axis: index of the axis called name, -1 if none. */
static long find_axis(const struct exl_sweep_spec *s, const char *name)
{
	for (size_t i = 0; i < s->naxes; i++)
		if (strcmp(s->axes[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* add_axis: one "name: [values] | {range}" pair of grid: or a zip group. */
static int add_axis(struct exl_sweep_spec *s, const struct exl_yaml_node *k,
		    const struct exl_yaml_node *v, int zip, struct exl_err *err)
{
	struct exl_sweep_axis *na, *a;
	char b[80];
	size_t i;

	if (!exl_sweep_valid_name(k->text))
		return bad(err, s, k->line, "grid: '%s' is not a valid statepoint name: use a letter, then letters, digits or '_' (at most %d)",
			   pr(k->text, b, sizeof(b)), EXL_SWEEP_NAME_MAX);
	if (find_axis(s, k->text) >= 0)
		return bad(err, s, k->line, "grid: statepoint '%s' given twice: keep one",
			   k->text);
	na = realloc(s->axes, (s->naxes + 1) * sizeof(*na));
	if (!na)
		return exl_errf(err, "sweep: out of memory");
	s->axes = na;
	a = &s->axes[s->naxes++];
	memset(a, 0, sizeof(*a));
	a->zip = zip;
	a->line = k->line;
	if (!(a->name = strdup(k->text)))
		return exl_errf(err, "sweep: out of memory");
	if (v->kind == EXL_YAML_MAP) {
		if (range_vals(s, a, v, err) < 0)
			return -1;
	} else if (v->kind == EXL_YAML_SEQ) {
		for (i = 0; i < v->nkids; i++) {
			const char *t = scalar(s, v->kids[i], a->name, err);

			if (!t || add_val(a, t, err) < 0)
				return -1;
		}
	} else if (!exl_yaml_is_null(v)) {
		if (add_val(a, v->text, err) < 0)
			return -1;
	}
	if (a->nvals == 0)
		return bad(err, s, k->line, "grid: %s has no values: give a list [a, b] or a range {from: 1, to: 4}",
			   a->name);
	for (i = 0; i < a->nvals; i++) {
		if (check_value(s, a->name, a->vals[i], k->line, err) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->vals[i], a->vals[j]) == 0)
				return bad(err, s, k->line, "grid: %s: value '%s' listed twice: keep one",
					   a->name, pr(a->vals[i], b, sizeof(b)));
	}
	return 0;
}

/* parse_zip: a list of groups, each a mapping of axes of equal length. */
static int parse_zip(struct exl_sweep_spec *s, const struct exl_yaml_node *v,
		     struct exl_err *err)
{
	const struct exl_yaml_node *g;
	size_t i, j, first;

	if (v->kind == EXL_YAML_MAP)	/* one group, written without '-' */
		return parse_zip(s, &(struct exl_yaml_node){
			.kind = EXL_YAML_SEQ, .line = v->line, .nkids = 1,
			.kids = (struct exl_yaml_node **)&v }, err);
	if (v->kind != EXL_YAML_SEQ)
		return bad(err, s, v->line, "zip: expected a list of groups: write zip: [{model: [a, b], width: [64, 128]}]");
	for (i = 0; i < v->nkids; i++) {
		g = v->kids[i];
		if (g->kind != EXL_YAML_MAP || g->nkids < 4)
			return bad(err, s, g->line, "zip: a group names two or more statepoints with lists of one length: write {model: [a, b], width: [64, 128]}");
		first = s->naxes;
		for (j = 0; j < g->nkids; j += 2)
			if (add_axis(s, g->kids[j], g->kids[j + 1], s->nzip, err) < 0)
				return -1;
		for (j = first + 1; j < s->naxes; j++)
			if (s->axes[j].nvals != s->axes[first].nvals)
				return bad(err, s, s->axes[j].line, "zip: %s has %zu values but %s has %zu: zipped lists move together, give them one length",
					   s->axes[j].name, s->axes[j].nvals,
					   s->axes[first].name, s->axes[first].nvals);
		s->nzip++;
	}
	return 0;
}

/* parse_pairs: the sbatch: or exp: mapping. */
static int parse_pairs(struct exl_sweep_spec *s, const struct exl_yaml_node *v,
		       const char *sect, struct exl_sweep_pair **out,
		       size_t *nout, struct exl_err *err)
{
	char b[80];

	if (v->kind != EXL_YAML_MAP)
		return bad(err, s, v->line, "%s: expected a mapping: write %s: {KEY: VALUE}",
			   sect, sect);
	*out = calloc(v->nkids / 2 + 1, sizeof(**out));
	if (!*out)
		return exl_errf(err, "sweep: out of memory");
	for (size_t i = 0; i < v->nkids; i += 2) {
		const struct exl_yaml_node *k = v->kids[i], *x = v->kids[i + 1];
		struct exl_sweep_pair *p = &(*out)[(*nout)++];
		const char *t = scalar(s, x, k->text, err);

		if (!t)
			return -1;
		p->line = k->line;
		if (!(p->key = strdup(k->text)))
			return exl_errf(err, "sweep: out of memory");
		for (const char *c = k->text; *c; c++)
			if (!islower((unsigned char)*c) && *c != '-' &&
			    !isdigit((unsigned char)*c))
				return bad(err, s, k->line, "%s: '%s' is not an option name: write it as on the command line without '--', e.g. cpus-per-task",
					   sect, pr(k->text, b, sizeof(b)));
		/* true: a flag; a plain false drops the option */
		if (x->plain && strcmp(t, "true") == 0)
			continue;
		if (!(p->val = strdup(t)))
			return exl_errf(err, "sweep: out of memory");
	}
	return 0;
}

/* check_sbatch: options the sweep owns may not be set by hand. */
static int check_sbatch(struct exl_sweep_spec *s, struct exl_err *err)
{
	static const char *const owned[] = { "array", "parsable", "export",
					     "wrap", "a", "dependency" };

	for (size_t i = 0; i < s->nsbatch; i++)
		for (size_t j = 0; j < sizeof(owned) / sizeof(owned[0]); j++)
			if (strcmp(s->sbatch[i].key, owned[j]) == 0)
				return bad(err, s, s->sbatch[i].line, "sbatch: '%s' is set by sbatch-exp: drop it (use throttle: N for the array's %%N)",
					   owned[j]);
	return 0;
}

/* check_exp: every exp: key is an --exp-* option with a valid value. */
static int check_exp(struct exl_sweep_spec *s, struct exl_err *err)
{
	for (size_t i = 0; i < s->nexp; i++) {
		const struct exl_sweep_pair *p = &s->exp[i];
		const struct exl_option_desc *d;
		struct exl_opts o;
		struct exl_err e;
		char name[64];
		int rc;

		if (s->naxes && (strcmp(p->key, "sp") == 0 ||
				 strcmp(p->key, "task") == 0))
			return bad(err, s, p->line, "exp: '%s' is set per task by the sweep: put fixed statepoints in grid: as one value",
				   p->key);
		snprintf(name, sizeof(name), "exp-%s", p->key);
		for (d = exl_option_table; d->name; d++)
			if (strcmp(d->name, name) == 0)
				break;
		if (!d->name)
			return bad(err, s, p->line, "exp: unknown option '%s': use the --exp-* names without 'exp-' (group, mode, config, ...)",
				   p->key);
		if (!p->val && d->has_arg == 1)
			return bad(err, s, p->line, "exp: %s needs a value: write %s: VALUE",
				   p->key, p->key);
		memset(&o, 0, sizeof(o));
		rc = exl_opts_set(&o, d->id, d->has_arg ? p->val : NULL, &e);
		if (rc == 0 && d->id == EXL_OPT_GROUP && exl_valid_group(p->val) != 0)
			rc = exl_errf(&e, "exp-log: --exp-group: use 1-80 characters from [A-Za-z0-9._-]");
		exl_opts_free(&o);
		if (rc < 0)
			return bad(err, s, p->line, "exp: %s", e.text);
	}
	return 0;
}

/* parse_exclude: a list of {axis: value} combinations. */
static int parse_exclude(struct exl_sweep_spec *s, const struct exl_yaml_node *v,
			 struct exl_err *err)
{
	char b[80], b2[80];

	if (v->kind != EXL_YAML_SEQ)
		return bad(err, s, v->line, "exclude: expected a list: write exclude: [{lr: 0.1, seed: 3}]");
	s->excl = calloc(v->nkids + 1, sizeof(*s->excl));
	if (!s->excl)
		return exl_errf(err, "sweep: out of memory");
	for (size_t i = 0; i < v->nkids; i++) {
		const struct exl_yaml_node *m = v->kids[i];
		struct exl_sweep_exclude *x = &s->excl[s->nexcl++];

		x->line = m->line;
		if (m->kind != EXL_YAML_MAP || m->nkids == 0)
			return bad(err, s, m->line, "exclude: each item is a combination: write {lr: 0.1, seed: 3}");
		x->axis = calloc(m->nkids / 2, sizeof(*x->axis));
		x->val = calloc(m->nkids / 2, sizeof(*x->val));
		if (!x->axis || !x->val)
			return exl_errf(err, "sweep: out of memory");
		for (size_t j = 0; j < m->nkids; j += 2) {
			const char *k = m->kids[j]->text;
			const char *t = scalar(s, m->kids[j + 1], k, err);
			long a = find_axis(s, k);
			size_t q;

			if (!t)
				return -1;
			if (a < 0)
				return bad(err, s, m->kids[j]->line, "exclude: '%s' is not a swept statepoint: use one named in grid: or zip:",
					   pr(k, b, sizeof(b)));
			for (q = 0; q < s->axes[a].nvals; q++)
				if (strcmp(s->axes[a].vals[q], t) == 0)
					break;
			if (q == s->axes[a].nvals)
				return bad(err, s, m->kids[j]->line, "exclude: %s has no value '%s': use one of its values as written in grid:",
					   k, pr(t, b2, sizeof(b2)));
			x->axis[x->n] = (size_t)a;
			x->val[x->n++] = s->axes[a].vals[q];
		}
	}
	return 0;
}

/* parse_sample: {count: N, seed: S}. */
static int parse_sample(struct exl_sweep_spec *s, const struct exl_yaml_node *v,
			struct exl_err *err)
{
	char b[80];
	long seed = 0;

	if (v->kind != EXL_YAML_MAP)
		return bad(err, s, v->line, "sample: expected a mapping: write sample: {count: 10, seed: 1}");
	for (size_t i = 0; i < v->nkids; i += 2) {
		const char *k = v->kids[i]->text;

		if (strcmp(k, "count") == 0) {
			if (parse_long(s, v->kids[i + 1], "sample: count", 1,
				       EXL_SWEEP_MAX_TASKS, &s->sample, err) < 0)
				return -1;
		} else if (strcmp(k, "seed") == 0) {
			if (parse_long(s, v->kids[i + 1], "sample: seed", 0,
				       2147483647L, &seed, err) < 0)
				return -1;
		} else {
			return bad(err, s, v->kids[i]->line, "sample: unknown key '%s': use count and seed",
				   pr(k, b, sizeof(b)));
		}
	}
	if (!s->sample)
		return bad(err, s, v->line, "sample: count missing: write sample: {count: 10, seed: 1}");
	s->seed = (unsigned long long)seed;
	return 0;
}

/* default_name: the spec file's base name without .yaml/.yml. */
static int default_name(struct exl_sweep_spec *s, struct exl_err *err)
{
	char base[256], out[EXL_NAME_MAX + 1];
	size_t n;

	snprintf(base, sizeof(base), "%s", exl_basename(s->file));
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		base[n - 5] = '\0';
	else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
		base[n - 4] = '\0';
	exl_sanitize_name(base, out);
	if (!(s->name = strdup(out)))
		return exl_errf(err, "sweep: out of memory");
	return 0;
}

/* parse_after: a chain stage's "after: ok|any". */
static int parse_after(struct exl_sweep_spec *s, const struct exl_yaml_node *v,
		       struct exl_err *err)
{
	const char *t = scalar(s, v, "after", err);
	char b[80];

	if (!t)
		return -1;
	if (strcmp(t, "ok") == 0)
		s->after_any = 0;
	else if (strcmp(t, "any") == 0)
		s->after_any = 1;
	else
		return bad(err, s, v->line, "after: '%s': use ok (start when the stage before succeeded) or any (when it ended)",
			   pr(t, b, sizeof(b)));
	return 0;
}

int exl_sweep_parse_node(struct exl_sweep_spec *s,
			 const struct exl_yaml_node *root, struct exl_err *err)
{
	const struct exl_yaml_node *excl = NULL, *grid = NULL, *zip = NULL;
	char b[80];
	size_t i;

	if (!root || root->kind != EXL_YAML_MAP)
		return bad(err, s, root ? root->line : 1, s->stage ?
			   "a stage is a mapping: write - {name: prep, script: prep.sh}" :
			   "a sweep spec is a mapping: start with script: train.sh and grid:");
	for (i = 0; i < root->nkids; i += 2) {
		const struct exl_yaml_node *k = root->kids[i], *v = root->kids[i + 1];
		const char *t;

		if (s->stage && strcmp(k->text, "after") == 0) {
			if (parse_after(s, v, err) < 0)
				return -1;
		} else if (strcmp(k->text, "script") == 0) {
			if (!(t = scalar(s, v, "script", err)))
				return -1;
			if (!*t)
				return bad(err, s, k->line, "script: empty: name the job script");
			if (!(s->script = strdup(t)))
				return exl_errf(err, "sweep: out of memory");
			s->script_line = k->line;
		} else if (strcmp(k->text, "args") == 0) {
			if (v->kind != EXL_YAML_SEQ)
				return bad(err, s, v->line, "args: expected a list: write args: [--epochs, 3]");
			s->args = calloc(v->nkids + 1, sizeof(*s->args));
			if (!s->args)
				return exl_errf(err, "sweep: out of memory");
			for (size_t j = 0; j < v->nkids; j++) {
				if (!(t = scalar(s, v->kids[j], "args", err)))
					return -1;
				if (!(s->args[s->nargs++] = strdup(t)))
					return exl_errf(err, "sweep: out of memory");
			}
		} else if (strcmp(k->text, "name") == 0) {
			if (!(t = scalar(s, v, "name", err)))
				return -1;
			if (exl_valid_group(t) != 0)
				return bad(err, s, k->line, "name: '%s' is not a valid group name: use 1-80 characters from [A-Za-z0-9._-], not starting with '.'",
					   pr(t, b, sizeof(b)));
			if (!(s->name = strdup(t)))
				return exl_errf(err, "sweep: out of memory");
		} else if (strcmp(k->text, "sbatch") == 0) {
			if (parse_pairs(s, v, "sbatch", &s->sbatch, &s->nsbatch, err) < 0)
				return -1;
		} else if (strcmp(k->text, "exp") == 0) {
			if (parse_pairs(s, v, "exp", &s->exp, &s->nexp, err) < 0)
				return -1;
		} else if (strcmp(k->text, "throttle") == 0) {
			if (parse_long(s, v, "throttle", 1, EXL_SWEEP_MAX_TASKS,
				       &s->throttle, err) < 0)
				return -1;
		} else if (strcmp(k->text, "grid") == 0) {
			grid = v;
			s->grid_line = k->line;
		} else if (strcmp(k->text, "zip") == 0) {
			zip = v;
		} else if (strcmp(k->text, "sample") == 0) {
			if (parse_sample(s, v, err) < 0)
				return -1;
		} else if (strcmp(k->text, "exclude") == 0) {
			excl = v;
		} else {
			return bad(err, s, k->line, "unknown key '%s': use %s%s",
				   pr(k->text, b, sizeof(b)),
				   s->stage ? "after, " : "", top_keys);
		}
	}
	if (!s->script)
		return bad(err, s, root->line, "no script: name the job script, e.g. script: train.sh");
	if (!s->grid_line)
		s->grid_line = zip ? zip->line : 1;
	if (grid && grid->kind == EXL_YAML_MAP) {
		for (i = 0; i < grid->nkids; i += 2)
			if (add_axis(s, grid->kids[i], grid->kids[i + 1], -1, err) < 0)
				return -1;
	} else if (grid && !exl_yaml_is_null(grid)) {
		return bad(err, s, grid->line, "grid: expected a mapping of statepoints: write grid: {lr: [0.1, 0.01]}");
	}
	if (zip && parse_zip(s, zip, err) < 0)
		return -1;
	/* a chain stage without grid: is one job, not an array */
	if (s->naxes == 0 && s->stage && !grid && !zip)
		goto checks;
	if (s->naxes == 0)
		return bad(err, s, s->grid_line, "grid: empty: give at least one statepoint, e.g. grid: {lr: [0.1, 0.01]}");
	if (excl && parse_exclude(s, excl, err) < 0)
		return -1;
checks:
	if (excl && s->naxes == 0)
		return bad(err, s, excl->line, "exclude: the stage has no grid: drop exclude: or add grid:");
	if (s->sample && s->naxes == 0)
		return bad(err, s, root->line, "sample: the stage has no grid: drop sample: or add grid:");
	if (!s->name && default_name(s, err) < 0)
		return -1;
	if (check_sbatch(s, err) < 0 || check_exp(s, err) < 0)
		return -1;
	if (s->naxes == 0)
		return 0;
	return exl_sweep_combos(s, err) < 0 ? -1 : 0;
}

/* spec_node, free_spec: exl_sweep_parse_node and exl_sweep_free for
 * exl_spec_parse. */
static int spec_node(void *s, const struct exl_yaml_node *root,
		     struct exl_err *err)
{
	return exl_sweep_parse_node(s, root, err);
}

static void free_spec(void *s)
{
	exl_sweep_free(s);
}

int exl_sweep_parse(const char *file, const char *buf, size_t len,
		    struct exl_sweep_spec *s, struct exl_err *err)
{
	memset(s, 0, sizeof(*s));
	return exl_spec_parse(file, buf, len, &s->file, s, spec_node,
			      free_spec, err);
}

/* sweep_parse: exl_sweep_parse as an exl_spec_parse_fn. */
static int sweep_parse(const char *file, const char *buf, size_t len,
		       void *s, struct exl_err *err)
{
	return exl_sweep_parse(file, buf, len, s, err);
}

int exl_sweep_load(const char *path, struct exl_sweep_spec *s,
		   struct exl_err *err)
{
	memset(s, 0, sizeof(*s));
	return exl_spec_load(path, "sweep spec", sweep_parse, s, err);
}

/* free_pairs: the sbatch: or exp: list. */
static void free_pairs(struct exl_sweep_pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].key);
		free(p[i].val);
	}
	free(p);
}

void exl_sweep_free(struct exl_sweep_spec *s)
{
	size_t i, j;

	free(s->file);
	free(s->script);
	for (i = 0; i < s->nargs; i++)
		free(s->args[i]);
	free(s->args);
	free(s->name);
	free_pairs(s->sbatch, s->nsbatch);
	free_pairs(s->exp, s->nexp);
	for (i = 0; i < s->naxes; i++) {
		for (j = 0; j < s->axes[i].nvals; j++)
			free(s->axes[i].vals[j]);
		free(s->axes[i].vals);
		free(s->axes[i].name);
	}
	free(s->axes);
	for (i = 0; i < s->nexcl; i++) {
		free(s->excl[i].axis);
		free(s->excl[i].val);
	}
	free(s->excl);
	free(s->group);
	memset(s, 0, sizeof(*s));
}
