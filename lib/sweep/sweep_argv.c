/* sweep_argv.c - the sbatch command line of a sweep (see sweep_argv.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "sweep/sweep_argv.h"
#include "sweep/sweep_map.h"

/* pair_val: the value of key in an sbatch:/exp: list, "" for a flag,
 * NULL when absent. */
static const char *pair_val(const struct exl_sweep_pair *p, size_t n,
			    const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].key, key) == 0)
			return p[i].val ? p[i].val : "";
	return NULL;
}

const char *exl_sweep_group(const struct exl_sweep_spec *s)
{
	const char *g = pair_val(s->exp, s->nexp, "group");

	return g && *g ? g : s->name;
}

const char *exl_sweep_log_dir(const struct exl_sweep_spec *s)
{
	const char *d = pair_val(s->exp, s->nexp, "log");

	return d && *d ? d : NULL;
}

/* push: append a formatted argument; -1 when out of memory. */
static int push(char ***v, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int push(char ***v, size_t *n, const char *fmt, ...)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(*nv));
	va_list ap;
	int rc;

	if (!nv)
		return -1;
	*v = nv;
	va_start(ap, fmt);
	rc = vasprintf(&nv[*n], fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	nv[++*n] = NULL;
	return 0;
}

/* push_opt: "--key=val" or "--key" for a flag. */
static int push_opt(char ***v, size_t *n, const char *prefix,
		    const struct exl_sweep_pair *p)
{
	if (p->val)
		return push(v, n, "--%s%s=%s", prefix, p->key, p->val);
	return push(v, n, "--%s%s", prefix, p->key);
}

char **exl_sweep_argv(const struct exl_sweep_spec *s, const char *sbatch,
		      const char *array, const char *map, int resume)
{
	char **v = NULL;
	size_t n = 0, i;
	int bad = 0;
	const char *dir = exl_sweep_log_dir(s);

	bad |= push(&v, &n, "%s", sbatch);
	bad |= push(&v, &n, "--parsable");
	bad |= push(&v, &n, "--array=%s", array);
	if (!pair_val(s->sbatch, s->nsbatch, "job-name") &&
	    !pair_val(s->sbatch, s->nsbatch, "J"))
		bad |= push(&v, &n, "--job-name=%s", s->name);
	bad |= push(&v, &n, "--export=ALL,%s=%s", EXL_SWEEP_ENV, map);
	for (i = 0; i < s->nsbatch; i++)
		bad |= push_opt(&v, &n, "", &s->sbatch[i]);
	bad |= dir ? push(&v, &n, "--exp-log=%s", dir) : push(&v, &n, "--exp-log");
	bad |= push(&v, &n, "--exp-group=%s", exl_sweep_group(s));
	for (i = 0; i < s->nexp; i++)
		if (strcmp(s->exp[i].key, "log") != 0 &&
		    strcmp(s->exp[i].key, "group") != 0)
			bad |= push_opt(&v, &n, "exp-", &s->exp[i]);
	if (resume)
		bad |= push(&v, &n, "--exp-resume");
	bad |= push(&v, &n, "%s", s->script);
	for (i = 0; i < s->nargs; i++)
		bad |= push(&v, &n, "%s", s->args[i]);
	if (bad) {
		exl_sweep_argv_free(v);
		return NULL;
	}
	return v;
}

void exl_sweep_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* plain: s needs no quoting in a POSIX shell. */
static int plain(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_./=:,%@+", *s))
			return 0;
	return 1;
}

char *exl_sweep_argv_line(char *const *argv)
{
	struct exl_sb b = { 0 };

	for (size_t i = 0; argv[i]; i++) {
		if (i)
			exl_sb_printf(&b, " ");
		if (plain(argv[i])) {
			exl_sb_printf(&b, "%s", argv[i]);
			continue;
		}
		exl_sb_printf(&b, "'");
		for (const char *c = argv[i]; *c; c++)
			exl_sb_printf(&b, *c == '\'' ? "'\\''" : "%c", *c);
		exl_sb_printf(&b, "'");
	}
	if (b.failed) {
		exl_sb_free(&b);
		return NULL;
	}
	return exl_sb_take(&b, NULL);
}
