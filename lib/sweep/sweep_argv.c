/* sweep_argv.c - the sbatch command line of a sweep (see sweep_argv.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/shword.h"
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

	if (g && *g)
		return g;
	return s->group ? s->group : s->name;
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

/* build: the argv of exl_sweep_argv and exl_sweep_stage_argv (c NULL:
 * not a chain stage). */
static char **build(const struct exl_sweep_spec *s, const char *sbatch,
		    const char *array, const char *map, int resume,
		    const struct exl_stage_sub *c)
{
	char **v = NULL;
	size_t n = 0, i;
	int bad = 0;
	const char *dir = exl_sweep_log_dir(s);

	bad |= push(&v, &n, "%s", sbatch);
	bad |= push(&v, &n, "--parsable");
	if (c && c->hold)
		bad |= push(&v, &n, "--hold");
	if (c && c->dependency)
		bad |= push(&v, &n, "--dependency=%s", c->dependency);
	if (array)
		bad |= push(&v, &n, "--array=%s", array);
	if (!pair_val(s->sbatch, s->nsbatch, "job-name") &&
	    !pair_val(s->sbatch, s->nsbatch, "J"))
		bad |= push(&v, &n, "--job-name=%s", s->name);
	if (c)
		bad |= push(&v, &n, "--export=ALL%s%s%s%s,%s=%s,%s=%u",
			    array ? "," : "", array ? EXL_SWEEP_ENV : "",
			    array ? "=" : "", array ? map : "",
			    EXL_CHAIN_ENV, c->chain, EXL_CHAIN_STAGE_ENV,
			    c->stage);
	else
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

char **exl_sweep_argv(const struct exl_sweep_spec *s, const char *sbatch,
		      const char *array, const char *map, int resume)
{
	return build(s, sbatch, array, map, resume, NULL);
}

char **exl_sweep_stage_argv(const struct exl_sweep_spec *s, const char *sbatch,
			    const char *array, const char *map,
			    const struct exl_stage_sub *c)
{
	return build(s, sbatch, array, map, 0, c);
}

void exl_sweep_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

char *exl_sweep_argv_line(char *const *argv)
{
	struct exl_sb b = { 0 };

	for (size_t i = 0; argv[i]; i++) {
		if (i)
			exl_sb_printf(&b, " ");
		exl_sb_shell_word(&b, argv[i]);
	}
	if (b.failed) {
		exl_sb_free(&b);
		return NULL;
	}
	return exl_sb_take(&b, NULL);
}
