/* sweep_discard.c - discarded runs of a group (see sweep_discard.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/fileio.h"
#include "runstore/experiments.h"
#include "runstore/layout.h"
#include "runstore/runlog_keys.h"
#include "runstore/runlog_scan.h"
#include "runstore/runlog_summary.h"
#include "sweep/sweep_discard.h"

/* Largest run log read. */
#define LOG_MAX_BYTES (64u << 20)

/* config_sha: the sha256 of the "- config: `PATH` (sha256 `HEX`)" line. */
static void config_sha(const char *text, char *sha, size_t len)
{
	const char *p = strstr(text, "\n- " EXL_K_CONFIG ": "), *h, *e;

	sha[0] = '\0';
	if (!p)
		return;
	e = strchr(p + 1, '\n');
	h = strstr(p, "(sha256 `");
	if (!h || (e && h > e))
		return;
	h += 9;
	snprintf(sha, len, "%.*s", (int)strcspn(h, "`\n"), h);
}

/* add_run: the discarded run stem of dir, if its log can be read. */
static int add_run(struct exl_discards *d, const char *dir, const char *stem)
{
	struct exl_discarded *nv, *x;
	struct exl_run_summary s;
	char name[160], *path, *text;
	size_t len;

	snprintf(name, sizeof(name), "%s.md", stem);
	if (!(path = exl_path_join(dir, name)))
		return -1;
	if (exl_read_file(path, LOG_MAX_BYTES, &text, &len, NULL) < 0) {
		free(path);
		return 0;
	}
	free(path);
	nv = realloc(d->v, (d->n + 1) * sizeof(*nv));
	if (!nv) {
		free(text);
		return -1;
	}
	d->v = nv;
	x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->stem, sizeof(x->stem), "%s", stem);
	memset(&s, 0, sizeof(s));
	if (exl_summary_parse(text, len, &s) == 0 && s.statepoints)
		snprintf(x->sp, sizeof(x->sp), "%s", s.statepoints);
	exl_summary_free(&s);
	config_sha(text, x->sha, sizeof(x->sha));
	free(text);
	return 0;
}

int exl_sweep_discards(const char *root, const char *group,
		       struct exl_discards *out)
{
	char *dir = exl_layout_group_dir(root, group), *path, *table = NULL;
	struct dirent *de;
	DIR *dp;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!dir)
		return -1;
	path = exl_path_join(dir, "experiments.md");
	if (!path || exl_read_file(path, EXL_READ_MAX, &table, NULL, NULL) < 0 ||
	    !(dp = opendir(dir))) {
		free(path);
		free(table);
		free(dir);
		return path ? 0 : -1;
	}
	while (rc == 0 && (de = readdir(dp))) {
		size_t n = strlen(de->d_name);
		char stem[128], *cell = NULL;

		if (!exl_scan_is_runlog_name(de->d_name) || n - 3 >= sizeof(stem))
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(n - 3), de->d_name);
		if (exl_experiments_find(table, stem, &cell) == 1 && cell &&
		    strncasecmp(cell, "discard", 7) == 0)
			rc = add_run(out, dir, stem);
		free(cell);
	}
	closedir(dp);
	free(path);
	free(table);
	free(dir);
	if (rc < 0)
		exl_sweep_discards_free(out);
	return rc;
}

const struct exl_discarded *exl_sweep_discarded(const struct exl_discards *d,
						const char *sp,
						const char *sha)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].sp, sp) == 0 &&
		    strcmp(d->v[i].sha, sha ? sha : "") == 0)
			return &d->v[i];
	return NULL;
}

void exl_sweep_discards_free(struct exl_discards *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}
