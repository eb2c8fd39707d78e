/* cmd_sweep.c - `runlog sweep GROUP`: a sweep's progress from the run
 * logs of its group (sbatch-exp(1) puts a sweep in one group): how many
 * runs are done, running and failed, and the best so far by the final
 * metric, with each run's statepoints. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "runstore/experiments_table.h"
#include "sweep/sweep_state.h"
#include "runlog.h"
#include "util/jsonfile.h"

static const char usage[] =
"Usage: runlog sweep GROUP [--metric NAME] [--json]\n"
"\n"
"The progress of the sweep whose run logs are in GROUP: how many runs\n"
"are done, running and failed, the best so far by the final metric\n"
"(smallest first; failed runs are not ranked) and one line per run with\n"
"its state, metric and statepoints, best first.\n"
"\n"
"  -m, --metric NAME  the metric to rank by (default: val_loss when a run\n"
"                     has one, else train_loss)\n"
"      --json         counts, best and runs as JSON\n"
"  -h, --help         this help\n";

/* One run of the sweep. */
struct sw_run {
	struct exl_exp_row row;
	enum exl_sweep_state st;
	int ranked;		/* has the metric ranked by */
};

struct sw_arg {
	const char *metric;	/* --metric, NULL: default */
	int json;
	int found;		/* the group had run logs */
};

/* cmp_rank: ranked runs by metric, smallest first; then by name. */
static int cmp_rank(const void *a, const void *b)
{
	const struct sw_run *x = a, *y = b;

	if (x->ranked != y->ranked)
		return x->ranked ? -1 : 1;
	if (x->ranked && x->row.metric_value != y->row.metric_value)
		return x->row.metric_value < y->row.metric_value ? -1 : 1;
	return strcmp(x->row.run, y->row.run);
}

/* print_json: the sweep as one object. */
static void print_json(const char *group, const char *metric,
		       const struct sw_run *r, size_t n, const size_t cnt[4])
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "group", json_object_new_string(group));
	json_object_object_add(o, "runs_total", json_object_new_int64((int64_t)n));
	json_object_object_add(o, "done", json_object_new_int64((int64_t)cnt[EXL_SWEEP_DONE]));
	json_object_object_add(o, "running", json_object_new_int64((int64_t)cnt[EXL_SWEEP_RUNNING]));
	json_object_object_add(o, "failed", json_object_new_int64((int64_t)cnt[EXL_SWEEP_FAILED]));
	json_object_object_add(o, "metric", json_object_new_string(metric));
	json_object_object_add(o, "best", n && r[0].ranked ?
			       json_object_new_string(r[0].row.run) : NULL);
	for (size_t i = 0; i < n; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "run", json_object_new_string(r[i].row.run));
		json_object_object_add(x, "state",
				       json_object_new_string(exl_sweep_state_name(r[i].st)));
		json_object_object_add(x, "statepoints",
				       json_object_new_string(r[i].row.statepoints));
		json_object_object_add(x, metric, r[i].ranked ?
				       json_object_new_double(r[i].row.metric_value) : NULL);
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "runs", a);
	exl_json_print(o);
}

/* print_text: counts, best, and a line per run. */
static void print_text(const char *group, const char *metric,
		       const struct sw_run *r, size_t n, const size_t cnt[4])
{
	size_t w = 3;

	printf("sweep %s: %zu run%s: %zu done, %zu running, %zu failed\n",
	       group, n, n == 1 ? "" : "s", cnt[EXL_SWEEP_DONE],
	       cnt[EXL_SWEEP_RUNNING], cnt[EXL_SWEEP_FAILED]);
	if (n && r[0].ranked)
		printf("best so far: %s %s %.6g%s%s%s\n", r[0].row.run, metric,
		       r[0].row.metric_value, r[0].row.statepoints[0] ? " (" : "",
		       r[0].row.statepoints, r[0].row.statepoints[0] ? ")" : "");
	else
		printf("best so far: none (no run has %s yet)\n", metric);
	for (size_t i = 0; i < n; i++)
		if (strlen(r[i].row.run) > w)
			w = strlen(r[i].row.run);
	printf("%-8s %-12s %-*s  %s\n", "state", metric, (int)w, "run",
	       "statepoints");
	for (size_t i = 0; i < n; i++) {
		char v[32] = "-";

		if (r[i].ranked)
			snprintf(v, sizeof(v), "%.6g", r[i].row.metric_value);
		printf("%-8s %-12s %-*s  %s\n", exl_sweep_state_name(r[i].st), v,
		       (int)w, r[i].row.run, r[i].row.statepoints[0] ?
		       r[i].row.statepoints : "-");
	}
}

/* sweep_dir: the group's runs. */
static int sweep_dir(const struct rl *c, const char *group,
		     struct exl_scan_entry *v, size_t n, void *arg)
{
	struct sw_arg *a = arg;
	struct sw_run *r = calloc(n ? n : 1, sizeof(*r));
	const char *metric = a->metric;
	size_t i, nr = 0, cnt[4] = { 0 };

	(void)c;
	if (!r) {
		cli_err("out of memory");
		return EXL_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		size_t nl = strlen(v[i].name);
		char stem[EXL_NAME_MAX + 64];

		if (!v[i].ok || nl < 4 || nl - 3 >= sizeof(stem))
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(nl - 3), v[i].name);
		exl_exp_row(stem, &v[i].sum, &r[nr].row);
		r[nr].st = exl_sweep_state_of(&v[i].sum);
		cnt[r[nr].st]++;
		if (!metric && r[nr].row.have_metric &&
		    strcmp(r[nr].row.metric_name, "val_loss") == 0)
			metric = "val_loss";
		nr++;
	}
	if (!metric)
		metric = "train_loss";
	/* a failed run's last metric is no result: not ranked */
	for (i = 0; i < nr; i++)
		r[i].ranked = r[i].row.have_metric &&
			      r[i].st != EXL_SWEEP_FAILED &&
			      strcmp(r[i].row.metric_name, metric) == 0;
	qsort(r, nr, sizeof(*r), cmp_rank);
	a->found = nr > 0;
	if (nr && a->json)
		print_json(group ? group : "", metric, r, nr, cnt);
	else if (nr)
		print_text(group ? group : "(flat)", metric, r, nr, cnt);
	free(r);
	return 0;
}

int cmd_sweep(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "metric", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sw_arg a = { NULL, 0, 0 };
	int ch, rc;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":m:h", lo, NULL)) != -1) {
		if (ch == 'm')
			a.metric = optarg;
		else if (ch == 'j')
			a.json = 1;
		else if (ch == 'h')
			return rl_help(usage);
		else
			return cli_bad_option(ch, argv, "sweep");
	}
	if (optind >= argc)
		return cli_missing("sweep", "GROUP", usage);
	if (argc - optind > 1)
		return rl_usage("sweep", "one GROUP");
	rc = rl_scan_dirs(c, argv[optind], sweep_dir, &a);
	if (rc == 0 && !a.found) {
		cli_err("sweep: no run logs in group %s under %s: give the sweep's group (sbatch-exp names it)",
			argv[optind], c->root);
		return EXL_EXIT_ERROR;
	}
	return rc;
}
