/* page.c - the report pages (see page.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/pairs.h"
#include "util/timefmt.h"
#include "runstore/evidence.h"
#include "runstore/experiments_table.h"
#include "report/html.h"
#include "report/page.h"
#include "report/plot.h"

#define MAX_MARKS 256

static const char css[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:64em;"
"color:#222;padding:0 1em}\n"
"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;"
"border-bottom:1px solid #ddd}\n"
"figure{margin:.6em 0}svg{width:100%;height:auto;font-size:11px}\n"
".area{fill:#fff;stroke:#888}.grid{stroke:#e4e4e4}.tick{stroke:#888}\n"
".s{fill:none;stroke-width:1.4;stroke-linejoin:round}\n"
".yt{text-anchor:end}.xt,.xl,.yl{text-anchor:middle}"
".title{font-weight:bold;font-size:13px}\n"
".mark{stroke:#56B4E9;stroke-dasharray:2 3}"
".warn{stroke:#D55E00;stroke-width:1.5;stroke-dasharray:4 2}\n"
".limit{stroke:#000;stroke-dasharray:6 3}.lim{text-anchor:end}"
".gl{text-anchor:end}\n"
"table{border-collapse:collapse}td,th{border:1px solid #ccc;"
"padding:.2em .5em;text-align:left}\n"
"pre{white-space:pre-wrap;background:#f6f6f6;padding:1em;"
"border:1px solid #ddd}\n"
"li.warn{color:#b33}\n"
"@media print{body{max-width:none}}\n";

static void head(struct exl_sb *b, const char *kind, const char *title)
{
	exl_sb_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
		      "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		      "content=\"width=device-width\">\n<title>exp-log %s: ",
		      kind);
	exl_html_text(b, title);
	exl_sb_printf(b, "</title>\n<style>\n%s</style></head>\n<body>\n",
		      css);
}

static void foot(struct exl_sb *b)
{
	exl_sb_printf(b, "<footer><p>Made by runlog report (exp-log).</p>"
		      "</footer>\n</body></html>\n");
}

/* An ISO time in backticks after "- key:", 0 when absent. */
static time_t key_time(const char *line, const char *key)
{
	size_t kl = strlen(key);
	char v[64];
	size_t n;
	time_t t;

	if (strncmp(line, "- ", 2) || strncmp(line + 2, key, kl) ||
	    line[2 + kl] != ':')
		return 0;
	line += 3 + kl;
	line += strspn(line, " `");
	n = strcspn(line, "`\n");
	if (n >= sizeof(v))
		return 0;
	memcpy(v, line, n);
	v[n] = '\0';
	return exl_parse_iso(v, &t) == 0 ? t : 0;
}

size_t exl_page_jobs(const char *md, struct exl_gantt_seg *out, size_t max)
{
	const char *p = md;
	size_t n = 0;
	int in = 0;

	while (p && *p) {
		time_t t;

		if (p[0] == '#') {
			in = strncmp(p, "## Job", 6) == 0 && max > n;
			if (in) {
				out[n].t0 = out[n].t1 = 0;
				n++;
			}
		} else if (in && (t = key_time(p, "start"))) {
			out[n - 1].t0 = t;
		} else if (in && (t = key_time(p, "end"))) {
			out[n - 1].t1 = t;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

/* Does a Status text tell of trouble (drawn in the warning colour)? */
static int is_warn(const char *t, size_t n)
{
	static const char *const words[] = {
		"stall", "error", "Error", "signal", "SIG", "kill", "requeue",
		"TIMEOUT", "CANCELLED", "FAILED", "PREEMPT", "Traceback",
		"OOM", "OUT_OF_MEMORY", "NaN", "nan", NULL,
	};
	size_t i;

	for (i = 0; words[i]; i++)
		if (memmem(t, n, words[i], strlen(words[i])))
			return 1;
	return 0;
}

struct evid {
	struct exl_plot_mark time[MAX_MARKS];	/* x: Unix time */
	struct exl_plot_mark step[MAX_MARKS];	/* x: step (warnings) */
	char *text[MAX_MARKS];
	size_t nt, ns;
};

/* The Status lines: a list on the page and marks for the plots. */
static void evidence(struct exl_sb *b, const char *md, struct evid *ev)
{
	const char *p = md;
	int in = 0, any = 0;

	while (p && *p) {
		size_t n = strcspn(p, "\n");
		const char *t;
		time_t when;

		if (p[0] == '#')
			in = strncmp(p, "## Status", 9) == 0;
		else if (in && (t = exl_status_line(p, &when))) {
			size_t tl = n - (size_t)(t - p);
			int warn = is_warn(t, tl);
			char *copy = strndup(p, n);
			const char *sp;

			if (!any)
				exl_sb_printf(b, "<h2>Status evidence</h2>"
					      "<ul class=\"ev\">\n");
			any = 1;
			exl_sb_printf(b, "<li%s>", warn ? " class=\"warn\"" :
				      "");
			exl_html_textn(b, p + 2, n - 2);
			exl_sb_printf(b, "</li>\n");
			if (copy && ev->nt < MAX_MARKS) {
				ev->text[ev->nt] = copy;
				ev->time[ev->nt].x = (double)when;
				ev->time[ev->nt].label = copy + 2;
				ev->time[ev->nt].warn = warn;
				sp = strstr(copy, "step ");
				if (warn && sp && ev->ns < MAX_MARKS) {
					ev->step[ev->ns].x = strtod(sp + 5,
								    NULL);
					ev->step[ev->ns].label = copy + 2;
					ev->step[ev->ns].warn = 1;
					ev->ns++;
				}
				ev->nt++;
			} else {
				free(copy);
			}
		}
		p += n + (p[n] == '\n');
	}
	if (any)
		exl_sb_printf(b, "</ul>\n");
}

static void loss_plot(struct exl_sb *b, const struct exl_run_data *d,
		      struct evid *ev)
{
	struct exl_plot_mark m[MAX_MARKS];
	struct exl_plot_line l[2];
	struct exl_plot p = { 0 };
	char lab[EXL_RD_MAX_LINKS][48];
	size_t i, nm = 0, nl = 0;

	if (d->train.n)
		l[nl++] = (struct exl_plot_line){ "train loss", d->train.v,
						  d->train.n, 0, 0 };
	if (d->val.n)
		l[nl++] = (struct exl_plot_line){ "val loss", d->val.v,
						  d->val.n, 1, 1 };
	for (i = 0; i < d->nlinks && nm < MAX_MARKS; i++) {
		snprintf(lab[i], sizeof(lab[i]), "restart at step %.0f",
			 d->links[i]);
		m[nm++] = (struct exl_plot_mark){ d->links[i], lab[i], 0 };
	}
	for (i = 0; i < ev->ns && nm < MAX_MARKS; i++)
		m[nm++] = ev->step[i];
	p.title = "Loss";
	p.xlabel = "step";
	p.ylabel = "loss";
	p.ylog = -1;
	p.lines = l;
	p.nlines = nl;
	p.marks = m;
	p.nmarks = nm;
	exl_plot_svg(b, &p);
	if (d->loss_source)
		exl_sb_printf(b, "<p class=\"src\">from %s</p>\n",
			      d->loss_source);
}

/* A plot of one series per line against time with the Status marks. */
static void time_plot(struct exl_sb *b, const char *title,
		      const char *ylabel, struct exl_plot_line *l, size_t n,
		      double limit, const char *limit_label,
		      const struct evid *ev)
{
	struct exl_plot p = { 0 };

	p.title = title;
	p.xlabel = "time since the first sample";
	p.ylabel = ylabel;
	p.xtime = 1;
	p.ylog = 0;
	p.lines = l;
	p.nlines = n;
	p.marks = ev->time;
	p.nmarks = ev->nt;
	if (limit > 0) {
		p.have_limit = 1;
		p.limit = limit;
		p.limit_label = limit_label;
	}
	exl_plot_svg(b, &p);
}

static void node_plots(struct exl_sb *b, const struct exl_rd_node *nd,
		       const struct evid *ev)
{
	struct exl_plot_line l[EXL_RD_MAX_GPUS];
	char name[EXL_RD_MAX_GPUS][32], title[128];
	size_t i, k;
	double memtot = 0;

	exl_sb_printf(b, "<h3>node ");
	exl_html_text(b, nd->name);
	exl_sb_printf(b, "</h3>\n");
	for (i = 0; i < nd->ngpu; i++)
		snprintf(name[i], sizeof(name[i]), "GPU %d", nd->gpu[i].index);
	if (nd->ngpu) {
		for (i = 0; i < nd->ngpu; i++)
			l[i] = (struct exl_plot_line){ name[i],
				nd->gpu[i].util.v, nd->gpu[i].util.n,
				(int)i, 0 };
		snprintf(title, sizeof(title), "GPU utilisation, %s", nd->name);
		time_plot(b, title, "GPU util %", l, nd->ngpu, 100,
			  "100%", ev);
		for (i = 0; i < nd->ngpu; i++) {
			l[i].pts = nd->gpu[i].mem.v;
			l[i].n = nd->gpu[i].mem.n;
			memtot = fmax(memtot, nd->gpu[i].mem_total);
		}
		snprintf(title, sizeof(title), "GPU memory, %s", nd->name);
		time_plot(b, title, "MiB", l, nd->ngpu, memtot,
			  "GPU memory", ev);
		for (i = k = 0; i < nd->ngpu; i++) {
			l[i].pts = nd->gpu[i].power.v;
			l[i].n = nd->gpu[i].power.n;
			k += l[i].n;
		}
		snprintf(title, sizeof(title), "GPU power, %s", nd->name);
		if (k)
			time_plot(b, title, "W", l, nd->ngpu, 0, NULL, ev);
	}
	l[0] = (struct exl_plot_line){ "CPU %", nd->cpu.v, nd->cpu.n, 4, 0 };
	snprintf(title, sizeof(title), "CPU, %s", nd->name);
	time_plot(b, title, "CPU % (100 = one core)", l, 1, nd->cpu_limit,
		  "allocated CPUs", ev);
	l[0] = (struct exl_plot_line){ "RSS", nd->rss.v, nd->rss.n, 2, 0 };
	snprintf(title, sizeof(title), "Memory (RSS), %s", nd->name);
	time_plot(b, title, "MiB", l, 1, nd->mem_limit, "allocated memory",
		  ev);
}

int exl_page_run(struct exl_sb *b, const char *name, const char *md,
		 const struct exl_run_data *d)
{
	struct evid *ev = calloc(1, sizeof(*ev));
	struct exl_sb list = { 0 };
	size_t i;
	char *lt;

	if (!ev)
		return -1;
	head(b, "run", name);
	exl_sb_printf(b, "<h1>");
	exl_html_text(b, name);
	exl_sb_printf(b, "</h1>\n");
	evidence(&list, md, ev);
	exl_sb_printf(b, "<h2>Loss</h2>\n");
	loss_plot(b, d, ev);
	if (d->nscalar)
		exl_sb_printf(b, "<h2>Other metrics</h2>\n");
	for (i = 0; i < d->nscalar; i++) {
		struct exl_plot_line l = { d->scalar[i].name, d->scalar[i].v,
					   d->scalar[i].n, (int)i + 2, 0 };
		struct exl_plot p = { 0 };

		p.title = d->scalar[i].name;
		p.xlabel = "step";
		p.ylabel = d->scalar[i].name;
		p.ylog = -1;
		p.lines = &l;
		p.nlines = 1;
		exl_plot_svg(b, &p);
	}
	if (d->nnode)
		exl_sb_printf(b, "<h2>Telemetry</h2>\n");
	for (i = 0; i < d->nnode; i++)
		node_plots(b, &d->node[i], ev);
	lt = exl_sb_take(&list, NULL);
	if (lt)
		exl_sb_printf(b, "%s", lt);
	else
		b->failed = 1;
	free(lt);
	exl_sb_printf(b, "<h2>Run log</h2>\n<pre class=\"runlog\">");
	exl_html_text(b, md);
	exl_sb_printf(b, "</pre>\n");
	foot(b);
	for (i = 0; i < ev->nt; i++)
		free(ev->text[i]);
	free(ev);
	return b->failed ? -1 : 0;
}

/* The page link of a run log "g/x.md": "g/x.html". */
static void href(struct exl_sb *b, const char *rel)
{
	size_t n = strlen(rel);

	if (n > 3 && strcmp(rel + n - 3, ".md") == 0)
		n -= 3;
	exl_html_textn(b, rel, n);
	exl_sb_printf(b, ".html");
}

static void state_cell(struct exl_sb *b, const struct exl_page_item *it)
{
	const struct exl_run_summary *s = it->sum;

	exl_sb_printf(b, "<td>%s</td>", s ? exl_outcome_name(exl_outcome_of(
			s->sched_state, s->exit_text, !s->end)) : "unread");
}

#define SWEEP_KEYS 8

struct sweep_key {
	char name[64];
	struct exl_xy *pts;
	size_t n;
	char metric[32];	/* the metric's name ("val_loss") */
};

static int by_x(const void *a, const void *b)
{
	double x = ((const struct exl_xy *)a)->x;
	double y = ((const struct exl_xy *)b)->x;

	return x < y ? -1 : x > y;
}

struct sweep_walk {
	struct sweep_key *k;
	size_t *nk, cap;
	double metric;
	const char *metric_name;
	int metric_len;
};

/* sweep_point: one statepoint with a numeric value: (value, metric)
 * into its key's point list. */
static int sweep_point(void *arg, const char *key, const char *val)
{
	struct sweep_walk *w = arg;
	struct sweep_key *k = w->k;
	char *end;
	double v;
	size_t i;

	if (strlen(key) >= sizeof(k->name))
		return 0;
	v = strtod(val, &end);
	if (end == val || *end || !isfinite(v))
		return 0;
	for (i = 0; i < *w->nk && strcmp(k[i].name, key); i++)
		;
	if (i == *w->nk) {
		if (*w->nk == SWEEP_KEYS)
			return 0;
		snprintf(k[i].name, sizeof(k[i].name), "%s", key);
		k[i].pts = calloc(w->cap, sizeof(*k[i].pts));
		k[i].n = 0;
		if (!k[i].pts)
			return 0;
		(*w->nk)++;
	}
	if (!k[i].pts || k[i].n == w->cap)
		return 0;
	k[i].pts[k[i].n].x = v;
	k[i].pts[k[i].n].y = w->metric;
	k[i].n++;
	snprintf(k[i].metric, sizeof(k[i].metric), "%.*s", w->metric_len,
		 w->metric_name);
	return 0;
}

/* One run's statepoints ("- statepoints: `k=v,k2=v2`" in Config) with a
 * numeric value, and its metric, into the keys' point lists. */
static void sweep_run(const char *md, const struct exl_run_summary *sum,
		      const char *rel, struct sweep_key *k, size_t *nk,
		      size_t cap)
{
	const char *p = md ? strstr(md, "\n- statepoints: ") : NULL;
	struct sweep_walk w = { k, nk, cap, 0, NULL, 0 };
	struct exl_exp_row r;
	char sp[512], *sep, *end;
	size_t n;

	if (!p || !sum)
		return;
	exl_exp_row(rel, sum, &r);
	sep = strchr(r.metric, ' ');
	if (!sep)
		return;
	w.metric = strtod(sep + 1, &end);
	if (end == sep + 1 || !isfinite(w.metric))
		return;
	w.metric_name = r.metric;
	w.metric_len = (int)(sep - r.metric);
	p += strlen("\n- statepoints: ");
	p += strspn(p, "`");
	n = strcspn(p, "`\n");
	if (n >= sizeof(sp))
		return;
	memcpy(sp, p, n);
	sp[n] = '\0';
	exl_pairs_each(sp, sweep_point, &w);
}

/* For a sweep: the final metric against each statepoint that varies. */
static void sweep_plots(struct exl_sb *b, const struct exl_page_item *it,
			size_t n)
{
	struct sweep_key k[SWEEP_KEYS];
	size_t nk = 0, i, j, shown = 0;

	for (i = 0; i < n; i++)
		sweep_run(it[i].md, it[i].sum, it[i].rel, k, &nk, n);
	for (i = 0; i < nk; i++) {
		struct exl_plot_line l = { 0 };
		struct exl_plot p = { 0 };
		char title[160], xl[80];
		double lo = INFINITY, hi = -INFINITY;
		int lg;

		for (j = 0; j < k[i].n; j++) {
			lo = fmin(lo, k[i].pts[j].x);
			hi = fmax(hi, k[i].pts[j].x);
		}
		if (k[i].n < 2 || !(hi > lo))
			continue;	/* not swept */
		lg = lo > 0 && hi / lo >= 100;
		for (j = 0; lg && j < k[i].n; j++)
			k[i].pts[j].x = log10(k[i].pts[j].x);
		qsort(k[i].pts, k[i].n, sizeof(*k[i].pts), by_x);
		if (!shown++)
			exl_sb_printf(b, "<h2>Sweep</h2>\n");
		snprintf(title, sizeof(title), "%.31s against %.63s", k[i].metric,
			 k[i].name);
		snprintf(xl, sizeof(xl), lg ? "log10(%.63s)" : "%.63s", k[i].name);
		l.name = k[i].metric;
		l.pts = k[i].pts;
		l.n = k[i].n;
		p.title = title;
		p.xlabel = xl;
		p.ylabel = k[i].metric;
		p.ylog = -1;
		p.lines = &l;
		p.nlines = 1;
		exl_plot_svg(b, &p);
	}
	for (i = 0; i < nk; i++)
		free(k[i].pts);
}

int exl_page_group(struct exl_sb *b, const char *group,
		   const struct exl_page_item *it, size_t n, time_t now)
{
	struct exl_gantt_seg *segs = calloc(n ? n * EXL_PAGE_MAX_JOBS : 1,
					    sizeof(*segs));
	struct exl_gantt_row *rows = calloc(n ? n : 1, sizeof(*rows));
	char **links = calloc(n ? n : 1, sizeof(*links));
	size_t i, nexp = 0;

	if (!segs || !rows || !links) {
		free(segs);
		free(rows);
		free(links);
		return -1;
	}
	head(b, "group", group ? group : "(flat)");
	exl_sb_printf(b, "<h1>Group ");
	exl_html_text(b, group ? group : "(flat)");
	exl_sb_printf(b, "</h1>\n<h2>Runs over time</h2>\n");
	for (i = 0; i < n; i++) {
		struct exl_sb h = { 0 };

		href(&h, it[i].rel);
		links[i] = exl_sb_take(&h, NULL);
		rows[i].label = it[i].rel;
		rows[i].href = links[i];
		rows[i].segs = segs + i * EXL_PAGE_MAX_JOBS;
		rows[i].nsegs = it[i].md ? exl_page_jobs(it[i].md,
			segs + i * EXL_PAGE_MAX_JOBS, EXL_PAGE_MAX_JOBS) : 0;
		rows[i].outcome = it[i].sum ? exl_outcome_of(
			it[i].sum->sched_state, it[i].sum->exit_text,
			!it[i].sum->end) : EXL_OUT_UNKNOWN;
		/* a job block that was followed by another ended there */
		if (rows[i].nsegs > 1) {
			size_t j;
			struct exl_gantt_seg *s = segs + i * EXL_PAGE_MAX_JOBS;

			for (j = 0; j + 1 < rows[i].nsegs; j++)
				if (!s[j].t1)
					s[j].t1 = s[j + 1].t0;
		}
	}
	exl_gantt_svg(b, rows, n, now);
	sweep_plots(b, it, n);
	for (i = 0; i < n; i++)
		if (it[i].sum && exl_exp_is_experiment(it[i].sum))
			nexp++;
	if (nexp) {
		exl_sb_printf(b, "<h2>Experiments</h2>\n<table><tr><th>run</th>"
			      "<th>description</th><th>metric</th>"
			      "<th>status</th><th>notes</th></tr>\n");
		for (i = 0; i < n; i++) {
			struct exl_exp_row r;
			const char *nm = strrchr(it[i].rel, '/');
			char stem[128];
			size_t l;

			if (!it[i].sum || !exl_exp_is_experiment(it[i].sum))
				continue;
			nm = nm ? nm + 1 : it[i].rel;
			l = strlen(nm);
			if (l > 3 && strcmp(nm + l - 3, ".md") == 0)
				l -= 3;
			snprintf(stem, sizeof(stem), "%.*s", (int)l, nm);
			exl_exp_row(stem, it[i].sum, &r);
			exl_sb_printf(b, "<tr><td><a href=\"");
			exl_html_text(b, links[i]);
			exl_sb_printf(b, "\">");
			exl_html_text(b, r.run);
			exl_sb_printf(b, "</a></td><td>");
			exl_html_text(b, r.description);
			exl_sb_printf(b, "</td><td>");
			exl_html_text(b, r.metric);
			exl_sb_printf(b, "</td><td>");
			exl_html_text(b, r.status);
			exl_sb_printf(b, "</td><td>");
			exl_html_text(b, r.notes);
			exl_sb_printf(b, "</td></tr>\n");
		}
		exl_sb_printf(b, "</table>\n");
	}
	foot(b);
	for (i = 0; i < n; i++)
		free(links[i]);
	free(links);
	free(rows);
	free(segs);
	return b->failed ? -1 : 0;
}

int exl_page_root(struct exl_sb *b, const char *root,
		  const struct exl_page_item *it, size_t n, time_t now)
{
	size_t i;
	char when[32];

	(void)now;
	head(b, "runs", root);
	exl_sb_printf(b, "<h1>Runs under ");
	exl_html_text(b, root);
	exl_sb_printf(b, "</h1>\n<table><tr><th>run</th><th>state</th>"
		      "<th>job</th><th>start</th><th>last evidence</th></tr>\n");
	for (i = 0; i < n; i++) {
		const struct exl_run_summary *s = it[i].sum;

		exl_sb_printf(b, "<tr><td><a href=\"");
		href(b, it[i].rel);
		exl_sb_printf(b, "\">");
		exl_html_text(b, it[i].rel);
		exl_sb_printf(b, "</a></td>");
		state_cell(b, &it[i]);
		exl_sb_printf(b, "<td>");
		exl_html_text(b, s && s->job_id ? s->job_id : "-");
		exl_sb_printf(b, "</td><td>");
		if (s && s->start && exl_time_stamp(s->start, when,
						    sizeof(when)) == 0)
			exl_html_text(b, when);
		else
			exl_sb_printf(b, "-");
		exl_sb_printf(b, "</td><td>");
		exl_html_text(b, s && s->last_status ? s->last_status : "-");
		exl_sb_printf(b, "</td></tr>\n");
	}
	exl_sb_printf(b, "</table>\n");
	foot(b);
	return b->failed ? -1 : 0;
}
