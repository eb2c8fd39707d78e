/* lint_tree.c - rules over a directory of run logs (see lint.h):
 * timeline.md, experiments.md, and a flat root that grew too big. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/experiments.h"
#include "util/fileio.h"
#include "runstore/lint.h"
#include "runstore/timeline.h"

/* read_opt: dir/name, NULL with *missing set when it does not exist. */
static char *read_opt(const char *dir, const char *name, char **path,
		      int *missing, struct exl_findings *out)
{
	struct exl_err err;
	char *text = NULL;

	*missing = 0;
	*path = exl_path_join(dir, name);
	if (!*path) {
		out->nomem = 1;
		return NULL;
	}
	if (exl_read_file(*path, EXL_READ_MAX, &text, NULL, &err) < 0) {
		if (errno == ENOENT)
			*missing = 1;
		else
			exl_findings_add(out, *path, 1, "unreadable", 0,
					 "make it a readable regular file",
					 "%s", err.text);
		return NULL;
	}
	return text;
}

static long last_line(const char *text)
{
	long n = 1;

	for (; *text; text++)
		n += *text == '\n' && text[1];
	return n;
}

static void rule_timeline(const char *dir, const struct exl_lint_info *info,
			  size_t n, struct exl_findings *out)
{
	int missing;
	char *path, *text = read_opt(dir, "timeline.md", &path, &missing, out);
	size_t i;

	if (missing)
		exl_findings_add(out, path, 1, "timeline-missing", 1,
				 "runlog lint --fix writes it from the run logs present",
				 "no timeline.md: the order of the %zu run%s is lost",
				 n, n == 1 ? "" : "s");
	for (i = 0; text && i < n; i++)
		if (!exl_timeline_lists(text, info[i].name))
			exl_findings_add(out, path, last_line(text),
					 "timeline-incomplete", 1,
					 "runlog lint --fix adds it (in date order)",
					 "%s is not in the timeline", info[i].name);
	free(text);
	free(path);
}

static void rule_experiments(const char *dir, const struct exl_lint_info *info,
			     size_t n, struct exl_findings *out)
{
	size_t i, exps = 0;
	int missing, has;
	char *path, *text;

	for (i = 0; i < n; i++)
		exps += info[i].experiment != 0;
	if (!exps)
		return;
	text = read_opt(dir, "experiments.md", &path, &missing, out);
	if (missing)
		exl_findings_add(out, path, 1, "experiments-missing", 1,
				 "runlog lint --fix writes it (or runlog experiments --write)",
				 "no experiments.md for %zu experiment run%s: what was "
				 "tried is not summarised", exps, exps == 1 ? "" : "s");
	for (i = 0; text && i < n; i++) {
		size_t nl = strlen(info[i].name);
		char stem[512];

		if (!info[i].experiment || nl < 4 || nl - 3 >= sizeof(stem))
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(nl - 3), info[i].name);
		has = exl_experiments_find(text, stem, NULL);
		if (has < 0)
			out->nomem = 1;
		else if (!has)
			exl_findings_add(out, path, last_line(text),
					 "experiments-missing", 1,
					 "runlog lint --fix adds the row",
					 "experiment %s has no row in the comparison "
					 "table", stem);
	}
	free(text);
	free(path);
}

void exl_lint_dir(const char *dir, const char *group,
		  const struct exl_lint_info *info, size_t n,
		  struct exl_findings *out)
{
	if (n == 0)
		return;
	rule_timeline(dir, info, n, out);
	rule_experiments(dir, info, n, out);
	if (!group && n > EXL_LINT_FLAT_MAX)
		exl_findings_add(out, dir, 1, "flat-too-many", 0,
				 "group them: move them into DIR/<group>/ with their "
				 "timeline; submit new runs with --exp-group=NAME",
				 "%zu run logs directly in the root (more than %d): "
				 "a flat list becomes unreadable", n,
				 EXL_LINT_FLAT_MAX);
}
