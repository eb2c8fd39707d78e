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
"Usage: runlog experiments [GROUP] [--write] [--sort [-]METRIC] [--json]\n"
"\n"
"Regenerate the table of the experiments (run_type experiment) of GROUP\n"
"(default: every group with experiments, and the root) from their run\n"
"logs and print it as experiments.md would read: rows already in\n"
"experiments.md keep the status (keep, discard ...) and notes a person\n"
"wrote; other rows are kept as they are.  A run's statepoints (a sweep's\n"
"lr, seed ...) get one column each.\n"
"\n"
"  -w, --write        update <group>/experiments.md (group lock, atomic\n"
"                     write)\n"
"  -s, --sort METRIC  rows in order of METRIC, smallest first (-METRIC:\n"
"                     largest first): the final metric's name (val_loss,\n"
"                     train_loss) or a statepoint; rows without it last\n"
"      --json         the runs as JSON: run, description, statepoints,\n"
"                     metric and its value, status as the table has it\n"
"  -h, --help         this help\n";

/* What the command was asked for. */
struct exp_opts {
	int write;
	int json;
	const char *sort;	/* NULL: table order */
	json_object *out;	/* --json: the groups */
};

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

/* sort_key: run r's value for --sort key; 0 when it has none. */
static int sort_key(const struct exl_exp_row *r, const char *key, double *num,
		    const char **str)
{
	const char *p = r->statepoints;
	size_t kl = strlen(key);
	char *end;

	*str = NULL;
	if (r->have_metric && strcmp(r->metric_name, key) == 0) {
		*num = r->metric_value;
		return 1;
	}
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			*str = p + kl + 1;
			*num = strtod(*str, &end);
			return end != *str && (*end == ',' || !*end) ? 1 : 2;
		}
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

static const char *sort_by;	/* qsort has no argument: the key */
static int sort_desc;

/* cmp_runs: by --sort's key; rows without it last, in their order. */
static int cmp_runs(const void *a, const void *b)
{
	const struct exp_run *x = a, *y = b;
	double nx = 0, ny = 0;
	const char *sx, *sy;
	int hx = sort_key(&x->row, sort_by, &nx, &sx);
	int hy = sort_key(&y->row, sort_by, &ny, &sy);
	int c;

	if (!hx || !hy)
		return hx ? -1 : hy ? 1 : strcmp(x->row.run, y->row.run);
	if (hx == 1 && hy == 1)
		c = nx < ny ? -1 : nx > ny;
	else
		c = strcmp(sx ? sx : "", sy ? sy : "");
	if (sort_desc)
		c = -c;
	return c ? c : strcmp(x->row.run, y->row.run);
}

/* sorted_text: text with the table's rows in the order of runs. */
static char *sorted_text(char *text, const struct exp_run *r, size_t n)
{
	const char **keys = calloc(n + 1, sizeof(*keys));
	char *out;

	if (!keys)
		return text;
	for (size_t i = 0; i < n; i++)
		keys[i] = r[i].row.run;
	out = exl_experiments_reorder(text, keys, n);
	free(keys);
	if (!out)
		return text;
	free(text);
	return out;
}

/* group_json: the runs of one table, with the status cells as text has
 * them (a person's keep/discard included). */
static json_object *group_json(const char *group, const char *path,
			       const char *text, const struct exp_run *r,
			       size_t n)
{
	json_object *g = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(g, "group", group ?
			       json_object_new_string(group) : NULL);
	json_object_object_add(g, "path", json_object_new_string(path));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		char *cell = NULL;

		json_object_object_add(o, "run", json_object_new_string(r[i].row.run));
		json_object_object_add(o, "description",
				       json_object_new_string(r[i].row.description));
		json_object_object_add(o, "statepoints",
				       exl_json_from_pairs(r[i].row.statepoints));
		json_object_object_add(o, "metric",
				       json_object_new_string(r[i].row.metric));
		if (r[i].row.have_metric)
			json_object_object_add(o, r[i].row.metric_name,
					       json_object_new_double(r[i].row.metric_value));
		if (exl_experiments_find(text, r[i].row.run, &cell) == 1 && cell)
			json_object_object_add(o, "status", json_object_new_string(cell));
		else
			json_object_object_add(o, "status",
					       json_object_new_string(r[i].row.status));
		free(cell);
		json_object_array_add(a, o);
	}
	json_object_object_add(g, "runs", a);
	return g;
}

/* exp_dir: one directory's table. */
static int exp_dir(const struct rl *c, const char *group,
		   struct exl_scan_entry *v, size_t n, void *arg)
{
	struct exp_run *runs = calloc(n ? n : 1, sizeof(*runs));
	char title[160], *dir = exl_layout_group_dir(c->root, group);
	char *path = dir ? exl_path_join(dir, "experiments.md") : NULL;
	char *old = NULL, *text = NULL;
	struct exp_opts *eo = arg;
	int write = eo->write, fd = -1, rc = -1;
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
	if (eo->sort) {
		sort_by = eo->sort[0] == '-' ? eo->sort + 1 : eo->sort;
		sort_desc = eo->sort[0] == '-';
		qsort(runs, nr, sizeof(*runs), cmp_runs);
		text = sorted_text(text, runs, nr);
		if (write && exl_write_atomic(path, text, strlen(text), 0644,
					      &err) < 0) {
			cli_err("%s", err.text);
			goto out;
		}
	}
	if (eo->json) {
		json_object_array_add(eo->out, group_json(group, path, text,
							  runs, nr));
	} else {
		fputs(text, stdout);
		putchar('\n');
	}
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
		{ "sort", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct exp_opts eo = { 0, 0, NULL, NULL };
	int ch, rc;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":ws:h", lo, NULL)) != -1) {
		if (ch == 'w')
			eo.write = 1;
		else if (ch == 's')
			eo.sort = optarg;
		else if (ch == 'j')
			eo.json = 1;
		else if (ch == 'h')
			return rl_help(usage);
		else
			return cli_bad_option(ch, argv, "experiments");
	}
	if (argc - optind > 1)
		return rl_usage("experiments", "one GROUP at most");
	if (eo.sort && (!eo.sort[eo.sort[0] == '-'] ||
			strpbrk(eo.sort + 1, ",= ")))
		return rl_usage("experiments", "--sort %s: give a metric or statepoint name, e.g. --sort val_loss",
				eo.sort);
	if (eo.json && !(eo.out = json_object_new_array()))
		return cli_usage_err("experiments", "out of memory");
	rc = rl_scan_dirs(c, argc > optind ? argv[optind] : NULL, exp_dir, &eo);
	if (eo.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "groups", eo.out);
		exl_json_print(o);
	}
	return rc;
}
