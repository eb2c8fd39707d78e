/* cmd_show.c - `runlog show RUN`: the run's reconciled status on top of
 * its run log. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "report/run_data.h"
#include "report/spark.h"
#include "rl_sched.h"
#include "rows.h"

static const char usage[] =
"Usage: runlog show RUN [--json | --raw] [--sacct] [--plain]\n"
"\n"
"Print the status of RUN (a path, a file name or a stem under the root),\n"
"reconciled with the scheduler as in `runlog status`, then its run log.\n"
"\n"
"  -j, --json   one JSON object: the status keys of `runlog status --json`\n"
"               and \"markdown\", the run log's text\n"
"  -r, --raw    only the run log, byte for byte\n"
"      --sacct  ask sacct when slurmctld no longer knows the job\n"
"      --plain  no sparklines (drawn only in a UTF-8 locale)\n"
"  -h, --help   this help\n";

static void print_block(const struct rl *c, const struct rl_row *row)
{
	const struct exl_run_summary *s = &row->e->sum;
	const struct exl_status_row *r = &row->r;
	char a[32], b[32];

	printf("%srun:%s       %s\n", rl_color(c, RL_BOLD), rl_color(c, RL_RESET),
	       row->e->path);
	printf("%sstate:%s     %s%s%s%s%s (from %s)\n", rl_color(c, RL_BOLD),
	       rl_color(c, RL_RESET), r->state, r->reason[0] ? " (" : "",
	       r->reason, r->reason[0] ? ")" : "", r->open ? ", log open" : "",
	       r->source);
	printf("%sjob:%s       %s\n", rl_color(c, RL_BOLD), rl_color(c, RL_RESET),
	       s->job_id ? s->job_id : "-");
	rl_duration(r->elapsed, a, sizeof(a));
	rl_duration(r->time_left, b, sizeof(b));
	printf("%selapsed:%s   %s%s%s%s\n", rl_color(c, RL_BOLD),
	       rl_color(c, RL_RESET), a, r->time_left >= 0 ? ", " : "",
	       r->time_left >= 0 ? b : "", r->time_left >= 0 ? " left" : "");
	rl_duration(r->evidence_age, a, sizeof(a));
	printf("%sevidence:%s  %s (%s ago)\n", rl_color(c, RL_BOLD),
	       rl_color(c, RL_RESET), s->last_status ? s->last_status : "none",
	       a);
	printf("%sW&B:%s       %s%s%s\n", rl_color(c, RL_BOLD),
	       rl_color(c, RL_RESET), r->wandb, s->wandb_url ? " " : "",
	       s->wandb_url ? s->wandb_url : "");
	printf("%spassport:%s  %s\n", rl_color(c, RL_BOLD), rl_color(c, RL_RESET),
	       exl_ckpt_state_name(row->pp));
	if (r->hint)
		printf("%shint:%s      %s\n", rl_color(c, RL_YELLOW),
		       rl_color(c, RL_RESET), r->hint);
	putchar('\n');
}

#define SPARK_W 40

/* One sparkline row: label, the line, first -> last value.  With
 * logscale, positive values that span two decades or more are drawn on
 * a log scale (a loss curve is then more than one drop). */
static void spark_row(const struct rl *c, const char *label,
		      const struct exl_rd_series *s, const char *unit,
		      int logscale)
{
	char line[SPARK_W * 3 + 1];
	double *v = exl_rd_values(s), lo = INFINITY, hi = -INFINITY;
	size_t i;
	int lg = 0;

	if (!v || !s->n) {
		free(v);
		return;
	}
	for (i = 0; i < s->n; i++) {
		lo = fmin(lo, v[i]);
		hi = fmax(hi, v[i]);
	}
	if (logscale && lo > 0 && hi / lo >= 100) {
		lg = 1;
		for (i = 0; i < s->n; i++)
			v[i] = log10(v[i]);
	}
	if (exl_spark(v, s->n, SPARK_W, line, sizeof(line)) > 0)
		printf("%s%-10s%s %s  %.4g -> %.4g%s%s\n", rl_color(c, RL_BOLD),
		       label, rl_color(c, RL_RESET), line, s->v[0].y,
		       s->v[s->n - 1].y, unit, lg ? " (log scale)" : "");
	free(v);
}

/* The loss and GPU-utilisation series of the run's state dir as
 * sparklines (GPU util: the mean over a node's GPUs per sample). */
static void print_sparks(const struct rl *c, const struct rl_run *run)
{
	struct exl_run_data d = { 0 };
	size_t len = strlen(run->name), i, j, k;
	char *stem = strndup(run->name, len > 3 ? len - 3 : len);
	char *sd = stem ? exl_layout_state_dir(run->root, rl_group(run), stem) :
		   NULL;
	int any = 0;

	if (sd && exl_rd_load(sd, &d, NULL) == 0) {
		if (d.train.n) {
			spark_row(c, "loss:", &d.train, "", 1);
			any = 1;
		}
		if (d.val.n) {
			spark_row(c, "val loss:", &d.val, "", 1);
			any = 1;
		}
		for (i = 0; i < d.nnode; i++) {
			struct exl_rd_node *nd = &d.node[i];
			struct exl_rd_series m = { { 0 }, NULL, 0, 0 };
			char label[80];

			for (j = 0; nd->ngpu && j < nd->gpu[0].util.n; j++) {
				double sum = 0;
				size_t cnt = 0;

				for (k = 0; k < nd->ngpu; k++)
					if (j < nd->gpu[k].util.n) {
						sum += nd->gpu[k].util.v[j].y;
						cnt++;
					}
				if (exl_rd_add(&m, nd->gpu[0].util.v[j].x,
					       sum / (double)cnt) < 0)
					break;
			}
			snprintf(label, sizeof(label), "GPU %s:", nd->name);
			if (m.n) {
				spark_row(c, label, &m, "%", 0);
				any = 1;
			}
			free(m.v);
		}
	}
	if (any)
		putchar('\n');
	exl_rd_free(&d);
	free(sd);
	free(stem);
}

/* print_markdown: the run log, headers in bold on a terminal. */
static void print_markdown(const struct rl *c, const char *text)
{
	const char *p = text;

	if (!c->color) {
		fputs(text, stdout);
		return;
	}
	while (*p) {
		size_t n = strcspn(p, "\n");
		int head = p[0] == '#';

		printf("%s%.*s%s\n", head ? RL_BOLD : "", (int)n, p,
		       head ? RL_RESET : "");
		p += n + (p[n] == '\n');
	}
}

int cmd_show(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, 'r' },
		{ "sacct", no_argument, NULL, 'S' },
		{ "plain", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct exl_scan_entry e = { 0 };
	struct rl_sched_view v = { 0 };
	struct exl_scan sc = { 0 };
	struct rl_sched_query q;
	struct rl_row row = { 0 };
	struct rl_run run;
	int ch, rc, json = 0, raw = 0, sacct = 0, plain = 0;
	char *text = NULL, *buf = NULL;
	size_t cap = 0;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":jrh", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'r':
			raw = 1;
			break;
		case 'S':
			sacct = 1;
			break;
		case 'p':
			plain = 1;
			break;
		case 'h':
			return rl_help(usage);
		default:
			return cli_bad_option(ch, argv, "show");
		}
	}
	if (argc == optind)
		return cli_missing("show", "RUN", usage);
	if (argc - optind != 1 || (json && raw))
		return rl_usage("show", "give one RUN (and --json or --raw)");
	rc = rl_read_run(c, argv[optind], &run, &text);
	if (rc)
		return rc;
	if (raw) {
		fputs(text, stdout);
		free(text);
		return EXL_EXIT_OK;
	}
	if (rl_sched_start(&q, v.why, sizeof(v.why)) < 0)
		q.pid = -1;
	e.path = run.path;
	e.rel = run.path + (strncmp(run.path, run.root, strlen(run.root)) ?
			    0 : strlen(run.root) + 1);
	e.group = run.group[0] ? run.group : NULL;
	e.ok = exl_scan_read_one(run.path, &buf, &cap, &e.sum, &e.error) == 0;
	v.ok = q.pid >= 0 &&
	       rl_sched_finish(&q, &v.jobs, v.why, sizeof(v.why)) == 0;
	if (!e.ok) {
		cli_err("%s: %s", run.path, e.error ? e.error : "out of memory");
		rc = EXL_EXIT_ERROR;
		goto out;
	}
	if (!v.ok)
		cli_err("scheduler not reachable (%s): state from the run log",
			v.why);
	if (sacct) {
		sc.v = &e;
		sc.n = 1;
		rl_sacct_fill(&sc, &v);
	}
	if (rl_set_root(c, run.root) < 0) {
		rc = EXL_EXIT_ERROR;
		goto out;
	}
	rl_row_fill(c, &e, &v, &row, &c->memo);
	if (json) {
		struct rl_out o = { 0 };

		rl_row_json(&o, &row, "", text);
		rl_out_char(&o, '\n');
		if (rl_out_flush(&o, stdout) < 0) {
			cli_err("couldn't write the JSON");
			rc = EXL_EXIT_ERROR;
			goto out;
		}
	} else {
		print_block(c, &row);
		if (!plain && exl_spark_utf8_locale())
			print_sparks(c, &run);
		print_markdown(c, text);
	}
	rc = EXL_EXIT_OK;
out:
	exl_status_row_free(&row.r);
	exl_summary_free(&e.sum);
	free(e.error);
	free(buf);
	free(text);
	rl_sched_view_free(&v);
	return rc;
}
