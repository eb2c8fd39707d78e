/* cmd_experiments.c - `runlog experiments [GROUP]`: the comparison table
 * of a group's experiments (run | description | metric | status |
 * notes), each run's row upserted from its run log by lib/experiments.c
 * and printed; --write updates experiments.md, keeping a person's
 * status and notes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runstore/experiments_table.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "runstore/layout.h"
#include "runlog.h"

static const char usage[] =
"Usage: runlog experiments [GROUP] [--write]\n"
"\n"
"Regenerate the table of the experiments (run_type experiment) of GROUP\n"
"(default: every group with experiments, and the root) from their run\n"
"logs and print it as experiments.md would read: rows already in\n"
"experiments.md keep the status (keep, discard ...) and notes a person\n"
"wrote; other rows are kept as they are.\n"
"\n"
"  -w, --write  update <group>/experiments.md (group lock, atomic write)\n"
"  -h, --help   this help\n";

/* One experiment of the directory: its row, its run.json (sdir NULL:
 * none) and the status the machine wrote last into the row (see
 * exl_exp_prev_status). */
struct exp_run {
	struct exl_exp_row row;
	struct exl_run_record rec;
	char *sdir;		/* its state dir, NULL: no run.json */
	char *prev;
};

/* upsert_all: the table with every run's row upserted in memory (text
 * NULL: no experiments.md yet).  NULL after a message. */
static char *upsert_all(const char *text, const char *title,
			const struct exp_run *r, size_t n)
{
	struct exl_experiment_row row;
	char *cur = text ? strdup(text) : NULL, *next;
	struct exl_err err;
	int changed;
	size_t i;

	if (text && !cur) {
		cli_err("out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		exl_exp_upsert_row(&r[i].row, &row);
		next = exl_experiments_upsert(cur, title, &row, r[i].prev,
					      &changed, &err);
		free(cur);
		if (!(cur = next)) {
			cli_err("%s", err.text);
			return NULL;
		}
	}
	return cur;
}

/* write_all: every run's row upserted into dir/experiments.md, then the
 * file's text.  The caller holds the group lock.  NULL after a
 * message. */
static char *write_all(const char *dir, const char *path, const char *title,
		       const struct exp_run *r, size_t n)
{
	struct exl_experiment_row row;
	struct exl_err err;
	char *text;
	size_t i;

	for (i = 0; i < n; i++) {
		exl_exp_upsert_row(&r[i].row, &row);
		if (exl_experiments_update(dir, title, &row, r[i].prev,
					   &err) < 0) {
			cli_err("%s", err.text);
			return NULL;
		}
	}
	if (exl_read_file(path, EXL_READ_MAX, &text, NULL, &err) < 0) {
		cli_err("%s", err.text);
		return NULL;
	}
	return text;
}

/* record_status: a status --write left in a run's row goes into its
 * run.json as experiments_status, as the plugin records the status it
 * writes, so that either may update the other's later.  A run without a
 * run.json has nothing to record; a sidecar that cannot be written is
 * reported (experiments.md is written already). */
static void record_status(struct exp_run *r, size_t n, const char *text)
{
	struct exl_err err;
	char *cell;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *was = r[i].rec.experiments_status;

		cell = NULL;
		if (r[i].sdir &&
		    exl_experiments_find(text, r[i].row.run, &cell) == 1 &&
		    strcmp(cell, r[i].row.status) == 0 &&
		    (!was || strcmp(was, cell) != 0)) {
			if (exl_rr_str_set(&r[i].rec.experiments_status, cell) < 0)
				cli_err("out of memory");
			else if (exl_run_record_save(r[i].sdir, &r[i].rec,
						     &err) < 0)
				cli_err("%s", err.text);
		}
		free(cell);
	}
}

/* read_prev: each run's run.json and the status the machine wrote last:
 * runlog's own status words, else what its run.json records. */
static void read_prev(const struct rl *c, const char *group, const char *old,
		      struct exp_run *runs, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		(void)rl_run_record(c->root, group, runs[i].row.run,
				    &runs[i].rec, &runs[i].sdir);
		runs[i].prev = exl_exp_prev_status(old, runs[i].row.run,
				runs[i].rec.experiments_status);
	}
}

/* exp_dir: one directory's table. */
static int exp_dir(const struct rl *c, const char *group,
		   struct exl_scan_entry *v, size_t n, void *arg)
{
	struct exp_run *runs = calloc(n ? n : 1, sizeof(*runs));
	char title[160], *dir = exl_layout_group_dir(c->root, group);
	char *path = dir ? exl_path_join(dir, "experiments.md") : NULL;
	char *old = NULL, *text = NULL;
	int write = *(int *)arg, fd = -1, rc = -1;
	struct exl_err err;
	size_t i, nr = 0;

	if (!runs || !path) {
		cli_err("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t nl = strlen(v[i].name);
		char stem[EXL_NAME_MAX + 64];

		if (!v[i].ok || !exl_exp_is_experiment(&v[i].sum) ||
		    nl - 3 >= sizeof(stem))
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(nl - 3), v[i].name);
		exl_exp_row(stem, &v[i].sum, &runs[nr++].row);
	}
	rc = 0;
	if (!nr)
		goto out;
	rc = -1;
	if (write && (fd = rl_lock(c->root, group)) < 0)
		goto out;
	if (exl_read_file(path, EXL_READ_MAX, &old, NULL, &err) < 0 &&
	    errno != ENOENT) {
		cli_err("%s", err.text);
		goto out;
	}
	read_prev(c, group, old, runs, nr);
	if (group)
		exl_title_case(group, title, sizeof(title));
	text = write ? write_all(dir, path, group ? title : NULL, runs, nr) :
		       upsert_all(old, group ? title : NULL, runs, nr);
	if (!text)
		goto out;
	fputs(text, stdout);
	putchar('\n');
	if (write && (!old || strcmp(old, text) != 0))
		fprintf(stderr, "%s: wrote %s\n", cli_prog(), path);
	if (write)
		record_status(runs, nr, text);
	rc = 0;
out:
	exl_unlock(fd);
	for (i = 0; i < nr; i++) {
		exl_run_record_free(&runs[i].rec);
		free(runs[i].sdir);
		free(runs[i].prev);
	}
	free(text);
	free(old);
	free(path);
	free(dir);
	free(runs);
	return rc;
}

int cmd_experiments(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "write", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, write = 0;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":wh", lo, NULL)) != -1) {
		if (ch == 'w')
			write = 1;
		else if (ch == 'h')
			return rl_help(usage);
		else
			return cli_bad_option(ch, argv, "experiments");
	}
	if (argc - optind > 1)
		return rl_usage("experiments", "one GROUP at most");
	return rl_scan_dirs(c, argc > optind ? argv[optind] : NULL, exp_dir, &write);
}
