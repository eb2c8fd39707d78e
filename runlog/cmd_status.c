/* cmd_status.c - `runlog status`: one row per run, state from the
 * scheduler (one query for all jobs) reconciled with the run logs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rows.h"
#include "rl_sched.h"

static const char usage[] =
"Usage: runlog status [DIR] [--group G] [--all] [--json] [--sacct] [--strict]\n"
"\n"
"One row per run under DIR (default: the root, ./run_logs): run file,\n"
"mode, job id, state, elapsed / time left, last step and loss, GPU util,\n"
"age of the last evidence, W&B sync state, passport state.  The state\n"
"comes from slurmctld (one query for all jobs), reconciled with the logs:\n"
"an open log whose job the scheduler no longer knows is LOST.\n"
"\n"
"  -g, --group G   only the runs of group G\n"
"  -a, --all       every run (default: open runs and runs that ended in\n"
"                  the last 24 hours)\n"
"  -j, --json      a JSON array of objects (keys: see runlog(1), OUTPUT)\n"
"      --sacct     ask sacct (once) about open runs slurmctld forgot\n"
"      --strict    exit 1 when the scheduler did not answer or a run is\n"
"                  LOST\n"
"  -t, --threads N read run logs on N threads (default: one per CPU)\n"
"  -h, --help      this help\n"
"\n"
"Newest runs first.  Exit status: 0 shown, 1 --strict found a problem,\n"
"2 usage, 3 the root could not be read.\n";

struct status_opts {
	const char *group;
	int all, json, sacct, strict;
	long threads;
};

enum { COL_RUN, COL_MODE, COL_JOB, COL_STATE, COL_ELAPSED, COL_LEFT,
       COL_STEP, COL_LOSS, COL_GPU, COL_AGE, COL_WANDB, COL_PASSPORT, NCOL };

static const char *const col_name[NCOL] = { "RUN", "MODE", "JOB", "STATE",
	"ELAPSED", "LEFT", "STEP", "LOSS", "GPU", "AGE", "W&B", "PASSPORT" };

/* Evidence older than this on a running job is shown as stale. */
#define STALE_S 3600

struct cells {
	char c[NCOL][80];
	const char *color[NCOL];
};

static const char *state_color(const struct exl_status_row *r)
{
	const char *s = r->state;

	if (strcmp(s, "LOST") == 0)
		return RL_BOLDRED;
	if (strcmp(s, "RUNNING") == 0)
		return RL_GREEN;
	if (strcmp(s, "PENDING") == 0 || strcmp(s, "COMPLETING") == 0)
		return RL_YELLOW;
	if (strcmp(s, "UNKNOWN") == 0)
		return RL_MAGENTA;
	if (strcmp(s, "COMPLETED") == 0 || exl_state_is_live(s))
		return NULL;
	return RL_RED;
}

static void fill_cells(const struct rl_row *row, struct cells *k)
{
	const struct exl_run_summary *s = &row->e->sum;
	const struct exl_status_row *r = &row->r;

	memset(k->color, 0, sizeof(k->color));
	snprintf(k->c[COL_RUN], sizeof(k->c[0]), "%s", row->e->rel);
	rl_mode(s->run_type, k->c[COL_MODE], sizeof(k->c[0]));
	snprintf(k->c[COL_JOB], sizeof(k->c[0]), "%.24s", s->job_id ? s->job_id : "-");
	if (r->reason[0])
		snprintf(k->c[COL_STATE], sizeof(k->c[0]), "%s (%s)", r->state,
			 r->reason);
	else
		snprintf(k->c[COL_STATE], sizeof(k->c[0]), "%s", r->state);
	k->color[COL_STATE] = state_color(r);
	rl_duration(r->elapsed, k->c[COL_ELAPSED], sizeof(k->c[0]));
	if (r->time_left >= 0)
		rl_duration(r->time_left, k->c[COL_LEFT], sizeof(k->c[0]));
	else
		snprintf(k->c[COL_LEFT], sizeof(k->c[0]), "%s",
			 r->unlimited && !r->final ? "none" : "-");
	if (s->ev.step >= 0)
		snprintf(k->c[COL_STEP], sizeof(k->c[0]), "%lld", s->ev.step);
	else
		strcpy(k->c[COL_STEP], "-");
	if (s->ev.loss_name[0])
		snprintf(k->c[COL_LOSS], sizeof(k->c[0]), "%.4g", s->ev.loss);
	else
		strcpy(k->c[COL_LOSS], "-");
	if (s->ev.gpu_util >= 0)
		snprintf(k->c[COL_GPU], sizeof(k->c[0]), "%d%%", s->ev.gpu_util);
	else
		strcpy(k->c[COL_GPU], "-");
	rl_duration(r->evidence_age, k->c[COL_AGE], sizeof(k->c[0]));
	if (!r->final && r->evidence_age > STALE_S &&
	    strcmp(r->state, "RUNNING") == 0)
		k->color[COL_AGE] = RL_YELLOW;
	snprintf(k->c[COL_WANDB], sizeof(k->c[0]), "%s", r->wandb);
	snprintf(k->c[COL_PASSPORT], sizeof(k->c[0]), "%s",
		 exl_ckpt_state_name(row->pp));
}

static void print_cell(const struct rl *c, const char *text,
		       const char *color, int width, int last)
{
	int pad = width - (int)strlen(text);

	if (color && c->color)
		printf("%s%s%s", color, text, RL_RESET);
	else
		fputs(text, stdout);
	if (!last)
		printf("%*s", pad + 2, "");
}

static void print_table(const struct rl *c, struct rl_row *rows, size_t n,
			size_t hidden)
{
	struct cells *k = calloc(n ? n : 1, sizeof(*k));
	int w[NCOL], i;
	size_t r;

	if (!k) {
		cli_err("out of memory");
		return;
	}
	for (i = 0; i < NCOL; i++)
		w[i] = (int)strlen(col_name[i]);
	for (r = 0; r < n; r++) {
		fill_cells(&rows[r], &k[r]);
		for (i = 0; i < NCOL; i++)
			if ((int)strlen(k[r].c[i]) > w[i])
				w[i] = (int)strlen(k[r].c[i]);
	}
	if (n) {
		for (i = 0; i < NCOL; i++)
			print_cell(c, col_name[i], RL_BOLD, w[i], i == NCOL - 1);
		putchar('\n');
	}
	for (r = 0; r < n; r++) {
		for (i = 0; i < NCOL; i++)
			print_cell(c, k[r].c[i], k[r].color[i], w[i], i == NCOL - 1);
		putchar('\n');
	}
	for (r = 0; r < n; r++)
		if (rows[r].r.hint[0])
			printf("%shint:%s %s: %s\n", rl_color(c, RL_YELLOW),
			       rl_color(c, RL_RESET), rows[r].e->rel,
			       rows[r].r.hint);
	if (n == 0)
		printf("no runs to show\n");
	if (hidden)
		printf("(%zu run%s that ended more than 24 h ago not shown: "
		       "--all)\n", hidden, hidden == 1 ? "" : "s");
	free(k);
}

static void print_json(struct rl_row *rows, size_t n)
{
	json_object *a = json_object_new_array();
	size_t r;

	for (r = 0; r < n; r++)
		json_object_array_add(a, rl_row_json(&rows[r]));
	rl_json_print(a);
}

static int newest_first(const void *a, const void *b)
{
	const struct rl_row *x = a, *y = b;

	if (x->r.started != y->r.started)
		return x->r.started > y->r.started ? -1 : 1;
	return strcmp(x->e->rel, y->e->rel);
}

static int parse(int argc, char **argv, struct status_opts *o,
		 struct rl *c)
{
	static const struct option lo[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "sacct", no_argument, NULL, 'S' },
		{ "strict", no_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, "g:ajt:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'g':
			o->group = optarg;
			break;
		case 'a':
			o->all = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'S':
			o->sacct = 1;
			break;
		case 's':
			o->strict = 1;
			break;
		case 't':
			o->threads = rl_parse_count(optarg);
			if (o->threads < 1 || o->threads > 64)
				return rl_usage("status", "--threads %s: give 1-64",
						optarg);
			break;
		case 'h':
			return -1;
		default:
			return rl_usage("status", "unknown option");
		}
	}
	if (argc - optind > 1)
		return rl_usage("status", "one DIR at most");
	if (argc - optind == 1 && rl_set_root(c, argv[optind]) < 0)
		return EXL_EXIT_USAGE;
	return 0;
}

int cmd_status(struct rl *c, int argc, char **argv)
{
	struct rl_sched_query q;
	struct rl_sched_view v = { 0 };
	struct status_opts o;
	struct exl_scan sc;
	struct exl_err err;
	struct rl_row *rows = NULL;
	size_t i, n = 0, hidden = 0, lost = 0;
	int rc;

	rc = parse(argc, argv, &o, c);
	if (rc)
		return rc < 0 ? rl_help(usage) : rc;
	/* the query runs while the logs are read */
	if (rl_sched_start(&q, v.why, sizeof(v.why)) < 0)
		q.pid = -1;
	if (exl_scan_list(c->root, o.group, &sc, &err) < 0 ||
	    exl_scan_summaries(&sc, (int)o.threads, &err) < 0) {
		cli_err("%s", err.text);
		rl_sched_finish(&q, &v.jobs, v.why, sizeof(v.why));
		rl_sched_view_free(&v);
		exl_scan_free(&sc);
		return EXL_EXIT_ERROR;
	}
	v.ok = q.pid >= 0 &&
	       rl_sched_finish(&q, &v.jobs, v.why, sizeof(v.why)) == 0;
	if (!v.ok)
		cli_err("scheduler not reachable (%s): states come from the "
			"run logs", v.why);
	if (o.sacct)
		rl_sacct_fill(&sc, &v);
	rows = calloc(sc.n ? sc.n : 1, sizeof(*rows));
	if (!rows) {
		cli_err("out of memory");
		rc = EXL_EXIT_ERROR;
		goto out;
	}
	for (i = 0; i < sc.n; i++) {
		struct rl_row *row = &rows[n];

		if (!sc.v[i].ok) {
			cli_err("%s: %s", sc.v[i].path, sc.v[i].error ?
				sc.v[i].error : "unreadable");
			continue;
		}
		rl_row_fill(c, &sc.v[i], &v, row);
		if (!o.all && row->r.final &&
		    row->r.finished < c->now - 86400) {
			hidden++;
			continue;
		}
		lost += strcmp(row->r.state, "LOST") == 0;
		n++;
	}
	qsort(rows, n, sizeof(*rows), newest_first);
	if (o.json)
		print_json(rows, n);
	else
		print_table(c, rows, n, hidden);
	rc = (o.strict && (!v.ok || lost)) ? EXL_EXIT_CHECK : EXL_EXIT_OK;
out:
	free(rows);
	rl_sched_view_free(&v);
	exl_scan_free(&sc);
	return rc;
}
