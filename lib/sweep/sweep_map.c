/* sweep_map.c - the task map of a submitted sweep (see sweep_map.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "util/pairs.h"
#include "util/strbuf.h"
#include "sweep/sweep_map.h"

/* Largest map read: EXL_SWEEP_MAX_TASKS lines of bounded length. */
#define MAP_MAX_BYTES (16u << 20)

char *exl_sweep_map_text(const struct exl_sweep_tasks *t)
{
	struct exl_sb b = { 0 };

	exl_sb_printf(&b, "# exp-log sweep map 1: index, task, statepoints\n");
	for (size_t i = 0; i < t->n; i++)
		exl_sb_printf(&b, "%u\t%s\t%s\n", t->t[i].index, t->t[i].name,
			      t->t[i].sp);
	if (b.failed) {
		exl_sb_free(&b);
		return NULL;
	}
	return exl_sb_take(&b, NULL);
}

int exl_sweep_map_lookup(const char *path, unsigned index, char *task,
			 char *sp, size_t splen, struct exl_err *err)
{
	char *buf, *line, *save = NULL, *end;
	struct exl_err e;
	size_t len;
	int rc = -1;

	if (exl_read_file(path, MAP_MAX_BYTES, &buf, &len, &e) < 0)
		return exl_errf(err, "sweep map: %s", e.text);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *t, *s;
		unsigned long i;

		if (line[0] == '#')
			continue;
		i = strtoul(line, &end, 10);
		if (end == line || *end != '\t' || i != index)
			continue;
		t = end + 1;
		s = strchr(t, '\t');
		if (!s || (size_t)(s - t) > 80 || strlen(s + 1) >= splen) {
			exl_errf(err, "sweep map %s: task %u: malformed line",
				 path, index);
			break;
		}
		*s++ = '\0';
		snprintf(task, 81, "%s", t);
		snprintf(sp, splen, "%s", s);
		rc = 0;
		break;
	}
	if (rc < 0 && !line)
		exl_errf(err, "sweep map %s: no task %u", path, index);
	free(buf);
	return rc;
}

void exl_sweep_env_name(const char *key, char *out, size_t len)
{
	size_t n = strlen(EXL_SWEEP_SP_ENV), i;

	snprintf(out, len, "%s", EXL_SWEEP_SP_ENV);
	for (i = 0; key[i] && n + 1 < len; i++)
		out[n++] = isalnum((unsigned char)key[i]) ?
			   (char)toupper((unsigned char)key[i]) : '_';
	if (n < len)
		out[n] = '\0';
}

struct sp_env {
	int (*fn)(void *arg, const char *env, const char *val);
	void *arg;
};

/* sp_env_one: one pair, its name made an environment variable's. */
static int sp_env_one(void *arg, const char *key, const char *val)
{
	struct sp_env *e = arg;
	char env[128];

	exl_sweep_env_name(key, env, sizeof(env));
	return e->fn(e->arg, env, val);
}

int exl_sweep_sp_each(const char *sp,
		      int (*fn)(void *arg, const char *env, const char *val),
		      void *arg)
{
	struct sp_env e = { fn, arg };

	return exl_pairs_each(sp, sp_env_one, &e);
}

char *exl_sweep_array_spec(const unsigned *idx, size_t n, long throttle)
{
	struct exl_sb b = { 0 };

	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && idx[j + 1] == idx[j] + 1)
			j++;
		if (j > i)
			exl_sb_printf(&b, "%s%u-%u", i ? "," : "", idx[i], idx[j]);
		else
			exl_sb_printf(&b, "%s%u", i ? "," : "", idx[i]);
		i = j + 1;
	}
	if (throttle > 0)
		exl_sb_printf(&b, "%%%ld", throttle);
	if (b.failed) {
		exl_sb_free(&b);
		return NULL;
	}
	return exl_sb_take(&b, NULL);
}
