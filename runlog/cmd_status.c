/* cmd_status.c - `runlog status`: one row per run, state from the
 * scheduler (one query for all jobs) reconciled with the run logs. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runstore/layout.h"
#include "runstore/index_snapshot.h"
#include "runstore/run_index.h"
#include "runstore/summary_cache.h"
#include "util/fileio.h"
#include "util/hugehint.h"
#include "util/numfmt.h"
#include "util/side_by_side.h"
#include "util/text_utf8.h"
#include "acct_close.h"
#ifdef RUNLOG_FULL
#include "eff_fill.h"
#endif
#include "rows.h"
#include "rl_sched.h"
#include "rl_timing.h"
#include "eff_auto.h"
#include "util/timefmt.h"
#include "runstore/unlogged.h"

static const char usage[] =
"Usage: runlog status [DIR] [--group G] [--all] [--json] [--sacct] [--strict]\n"
"                     [--threads N]\n"
"\n"
"One row per run under DIR (default: the root, ./run_logs): run file,\n"
"mode, job id, state, elapsed / time left, last step and loss, GPU util,\n"
"age of the last evidence, W&B sync state, passport state.  The state\n"
"comes from slurmctld (one query for all jobs), reconciled with the logs.\n"
"An open log whose job slurmctld no longer knows is looked up in\n"
"accounting (one sacct query for all such runs): a job that ended there\n"
"gets its log closed with accounting's state, end time and exit code;\n"
"one accounting does not know either is LOST.\n"
"\n"
"  -g, --group G   only the runs of group G\n"
"  -a, --all       every run log under DIR (default: open runs and runs\n"
"                  that ended in the last 24 hours, from the run index\n"
"                  that exp-log keeps; see runlog reindex)\n"
"  -j, --json      a JSON array of objects (keys: see runlog(1), OUTPUT)\n"
"      --sacct     ask sacct (once) for the figures of ended runs: their\n"
"                  run logs get an Efficiency block (CPU, memory, time\n"
"                  limit); and ask again about LOST runs accounting did\n"
"                  not know in the last 15 minutes\n"
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

/* A cell: text in the arena, its display width (columns: a CJK
 * character takes two), and its color (an index into colors[]).  Kept
 * small: there are twelve per run. */
struct cell {
	uint32_t off;
	uint16_t len, width;
	uint8_t color;
};

enum { C_NONE, C_BOLDRED, C_GREEN, C_YELLOW, C_MAGENTA, C_RED };
static const char *const colors[] = { NULL, RL_BOLDRED, RL_GREEN,
	RL_YELLOW, RL_MAGENTA, RL_RED };

static uint8_t state_color(const struct exl_status_row *r)
{
	const char *s = r->state;

	if (strcmp(s, "LOST") == 0)
		return C_BOLDRED;
	if (strcmp(s, "RUNNING") == 0)
		return C_GREEN;
	if (strcmp(s, "PENDING") == 0 || strcmp(s, "COMPLETING") == 0)
		return C_YELLOW;
	if (strcmp(s, "UNKNOWN") == 0)
		return C_MAGENTA;
	if (strcmp(s, "COMPLETED") == 0 || exl_state_is_live(s))
		return C_NONE;
	return C_RED;
}

/* put: one cell's text into the arena. */
static void put(struct rl_out *a, struct cell *k, const char *text,
		uint8_t color)
{
	size_t len = strlen(text);

	/* a run log's name is far shorter: no cell is cut in practice */
	if (len > UINT16_MAX)
		len = UINT16_MAX;
	k->off = (uint32_t)a->len;
	rl_out_mem(a, text, len);
	k->len = (uint16_t)(a->len - k->off);
	k->width = (uint16_t)exl_utf8_width(text, k->len);
	k->color = color;
}

/* dur: rl_duration's text ("3d04h", "5h07m", "12m", "45s"), without
 * printf: it runs for every row. */
static const char *dur(long s, char *buf)
{
	long big = s, small = -1;
	char u1 = 's', u2 = 0, *p = buf + 24, *q = buf;

	if (s < 0)
		return "-";
	if (s >= 86400) {
		big = s / 86400;
		small = (s % 86400) / 3600;
		u1 = 'd';
		u2 = 'h';
	} else if (s >= 3600) {
		big = s / 3600;
		small = (s % 3600) / 60;
		u1 = 'h';
		u2 = 'm';
	} else if (s >= 60) {
		big = s / 60;
		u1 = 'm';
	}
	*p = '\0';
	do {
		*--p = (char)('0' + big % 10);
		big /= 10;
	} while (big);
	while (*p)
		*q++ = *p++;
	*q++ = u1;
	if (small >= 0) {
		*q++ = (char)('0' + small / 10);
		*q++ = (char)('0' + small % 10);
		*q++ = u2;
	}
	*q = '\0';
	return buf;
}

static void fill_cells(struct rl_out *a, const struct rl_row *row,
		       struct cell *k)
{
	const struct exl_run_summary *s = &row->e->sum;
	const struct exl_status_row *r = &row->r;
	char buf[128];

	put(a, &k[COL_RUN], row->e->rel, C_NONE);
	rl_mode(s->run_type, buf, sizeof(buf));
	put(a, &k[COL_MODE], buf, C_NONE);
	if (s->job_id) {
		size_t n = strnlen(s->job_id, 24);

		memcpy(buf, s->job_id, n);
		buf[n] = '\0';
	}
	put(a, &k[COL_JOB], s->job_id ? buf : "-", C_NONE);
	if (r->reason[0] && r->expected_start) {
		char when[32];

		exl_time_stamp(r->expected_start, when, sizeof(when));
		snprintf(buf, sizeof(buf), "%s (%.30s, start ~%.16s)", r->state,
			 r->reason, when);
	} else if (r->reason[0]) {
		snprintf(buf, sizeof(buf), "%s (%s)", r->state, r->reason);
	}
	put(a, &k[COL_STATE], r->reason[0] ? buf : r->state, state_color(r));
	put(a, &k[COL_ELAPSED], dur(r->elapsed, buf), C_NONE);
	put(a, &k[COL_LEFT], r->time_left >= 0 ? dur(r->time_left, buf) :
	    r->unlimited && !r->final ? "none" : "-", C_NONE);
	/* printf per cell cost more than the rest of the row */
	put(a, &k[COL_STEP], s->ev.step >= 0 ? exl_fmt_ll(s->ev.step, buf) :
	    "-", C_NONE);
	put(a, &k[COL_LOSS], s->ev.loss_name[0] ? exl_fmt_g4(s->ev.loss, buf) :
	    "-", C_NONE);
	if (s->ev.gpu_util >= 0)
		strcat(exl_fmt_ll(s->ev.gpu_util, buf), "%");
	put(a, &k[COL_GPU], s->ev.gpu_util >= 0 ? buf : "-", C_NONE);
	put(a, &k[COL_AGE], dur(r->evidence_age, buf),
	    !r->final && r->evidence_age > STALE_S &&
	    strcmp(r->state, "RUNNING") == 0 ? C_YELLOW : C_NONE);
	put(a, &k[COL_WANDB], r->wandb, C_NONE);
	put(a, &k[COL_PASSPORT], exl_ckpt_state_name(row->pp), C_NONE);
}

/* emit: one cell of display width cw, padded to the column width. */
static void emit(const struct rl *c, struct rl_out *o, const char *text,
		 size_t len, size_t cw, const char *color, size_t width,
		 int last)
{
	int colored = color && c->color;

	if (colored)
		rl_out_str(o, color);
	rl_out_mem(o, text, len);
	if (colored)
		rl_out_str(o, RL_RESET);
	if (!last)
		rl_out_pad(o, width - cw + 2);
}

/* One share of the rows whose cells a thread fills: its own arena, and
 * the widest cell of each column among them. */
struct share {
	const struct rl_row *rows;
	struct cell *k;
	size_t from, to;
	struct rl_out a;
	size_t w[NCOL];
};

static void *fill_share(void *arg)
{
	struct share *sh = arg;
	size_t r, i;

	for (r = sh->from; r < sh->to; r++) {
		struct cell *k = sh->k + r * NCOL;

		fill_cells(&sh->a, &sh->rows[r], k);
		for (i = 0; i < NCOL; i++)
			if (k[i].width > sh->w[i])
				sh->w[i] = k[i].width;
	}
	return NULL;
}

/* Rows per thread below which one thread fills every cell. */
#define SHARE_MIN 2048
#define SHARES_MAX 4

/* shares: how many threads share the work on n rows: as many as asked
 * (0: one per CPU), at most SHARES_MAX, each with SHARE_MIN rows or
 * more. */
static size_t shares(size_t n, long asked)
{
	return (size_t)exl_thread_count(asked, SHARES_MAX, n / SHARE_MIN);
}

/* fill_all: every row's cells into k, in up to SHARES_MAX shares filled
 * side by side (formatting is most of a long table's cost); the widths
 * of the columns into w.  Returns the number of shares, 0 when memory
 * ran out. */
static size_t fill_all(const struct rl_row *rows, size_t n, struct cell *k,
		       struct share *sh, size_t *w, long threads)
{
	size_t ns = shares(n, threads), s, i;
	int failed = 0;

	for (s = 0; s < ns; s++) {
		memset(&sh[s], 0, sizeof(sh[s]));
		sh[s].rows = rows;
		sh[s].k = k;
		sh[s].from = n * s / ns;
		sh[s].to = n * (s + 1) / ns;
	}
	exl_side_by_side(fill_share, sh, sizeof(sh[0]), ns);
	for (i = 0; i < NCOL; i++)
		w[i] = strlen(col_name[i]);
	for (s = 0; s < ns; s++) {
		failed |= sh[s].a.failed;
		for (i = 0; i < NCOL; i++)
			if (sh[s].w[i] > w[i])
				w[i] = sh[s].w[i];
	}
	if (!failed)
		return ns;
	for (s = 0; s < ns; s++)
		rl_out_flush(&sh[s].a, NULL);
	return 0;
}

static int print_table(const struct rl *c, struct rl_row *rows, size_t n,
		       size_t hidden, int indexed, long threads)
{
	/* not zeroed: fill_cells sets every cell of every row */
	struct cell *k = n < SIZE_MAX / NCOL / sizeof(*k) - 1 ?
			 exl_huge_alloc((n * NCOL + 1) * sizeof(*k)) : NULL;
	struct rl_out o = { .sink = stdout };
	struct share sh[SHARES_MAX];
	size_t w[NCOL], r, i, s = 0, ns;
	int rc;

	if (!k || !(ns = fill_all(rows, n, k, sh, w, threads))) {
		/* nothing printed yet: o writes out as it goes */
		free(k);
		cli_err("out of memory");
		return -1;
	}
	rl_timing("cells");
	for (i = 0; n && i < NCOL; i++)
		emit(c, &o, col_name[i], strlen(col_name[i]),
		     strlen(col_name[i]), RL_BOLD, w[i], i == NCOL - 1);
	if (n)
		rl_out_char(&o, '\n');
	for (r = 0; r < n; r++) {
		if (r == sh[s].to)
			s++;
		for (i = 0; i < NCOL; i++) {
			const struct cell *x = &k[r * NCOL + i];

			emit(c, &o, sh[s].a.p + x->off, x->len, x->width,
			     colors[x->color], w[i], i == NCOL - 1);
		}
		rl_out_char(&o, '\n');
	}
	for (r = 0; r < n; r++) {
		if (!rows[r].r.hint)
			continue;
		rl_out_str(&o, rl_color(c, RL_YELLOW));
		rl_out_str(&o, "hint:");
		rl_out_str(&o, rl_color(c, RL_RESET));
		rl_out_char(&o, ' ');
		rl_out_str(&o, rows[r].e->rel);
		rl_out_str(&o, ": ");
		rl_out_str(&o, rows[r].r.hint);
		rl_out_char(&o, '\n');
	}
	if (n == 0)
		rl_out_str(&o, "no runs to show\n");
	if (indexed) {
		/* the index lists recent runs only: how many older ones
		 * there are is not known without reading them all */
		rl_out_str(&o, "(open runs and runs that ended in the last "
			   "24 h; --all for every run)\n");
	} else if (hidden) {
		char buf[128];

		snprintf(buf, sizeof(buf), "(%zu run%s that ended more than 24 h "
			 "ago not shown: --all)\n", hidden, hidden == 1 ? "" : "s");
		rl_out_str(&o, buf);
	}
	rc = rl_out_flush(&o, stdout);
	for (s = 0; s < ns; s++)
		rl_out_flush(&sh[s].a, NULL);
	free(k);
	if (rc < 0)
		cli_err("couldn't write the table");
	return rc;
}

static int print_json(struct rl_row *rows, size_t n)
{
	struct rl_out o = { .sink = stdout };
	size_t r;

	rl_out_str(&o, "[");
	for (r = 0; r < n; r++) {
		rl_out_str(&o, r ? ",\n" : "\n");
		rl_row_json(&o, &rows[r], "  ", NULL);
	}
	rl_out_str(&o, n ? "\n]\n" : "]\n");
	if (rl_out_flush(&o, stdout) < 0) {
		cli_err("couldn't write the JSON");
		return -1;
	}
	return 0;
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
	while ((ch = getopt_long(argc, argv, ":g:ajt:h", lo, NULL)) != -1) {
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
			if (cli_parse_jobs("status", "--threads", optarg, 64,
					   &o->threads) < 0)
				return EXL_EXIT_USAGE;
			break;
		case 'h':
			return -1;
		default:
			return cli_bad_option(ch, argv, "status");
		}
	}
	if (argc - optind > 1)
		return rl_usage("status", "one DIR at most");
	if (argc - optind == 1 && rl_set_root(c, argv[optind]) < 0)
		return EXL_EXIT_USAGE;
	return 0;
}

/* has_meta: is root a root exp-log writes to (.exp-log exists)? */
static int has_meta(const struct rl *c)
{
	char *meta = exl_layout_meta(c->root);
	int yes = meta && access(meta, F_OK) == 0;

	free(meta);
	return yes;
}

/* save_cache: remember the summaries for the next run when one that
 * can be cached was read afresh or a cached run log is gone, in a root
 * exp-log manages (.exp-log exists).  A cache that cannot be written
 * only costs speed. */
static void save_cache(const struct rl *c, const struct exl_scan *sc,
		       const struct exl_summary_cache *cache, const char *path)
{
	struct exl_err err;
	size_t i, fresh = 0, used = 0;

	for (i = 0; i < sc->n; i++) {
		fresh += sc->v[i].ok && !sc->v[i].sum.borrowed &&
			 exl_cache_worthy(&sc->v[i], c->now);
		used += sc->v[i].sum.borrowed;
	}
	if (path && (fresh || used != cache->n) && rl_meta_writable(c))
		exl_cache_write(path, sc, c->now, &err);
}

/* How far back the default view looks, and the slack it gives clocks
 * when it picks ended runs from the index (the log decides). */
#define RECENT_S 86400
#define INDEX_SLACK_S (6 * 3600)

/* load_recent: the default view's cache of root into cache.  -1 after
 * a message. */
static int load_recent(const struct rl *c, struct exl_summary_cache *cache)
{
	char *path = exl_cache_recent_path(c->root);
	int rc = path ? exl_cache_load(path, cache) : -1;

	free(path);
	if (rc < 0)
		cli_err("out of memory");
	return rc;
}

/* readers_beside_query: threads for the default view's few run logs
 * while the scheduler query runs: one CPU left to it (and to
 * slurmctld answering it), since that query is what the view waits on. */
static long readers_beside_query(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus > 2 ? cpus - 1 : 1;
}

/* pick_runs: the open and recently ended runs the run index lists, read,
 * unchanged ones from the default view's cache (loaded into cache).
 * 1 when the root has no usable index (the caller reads every run log);
 * -1 after a message. */
static int pick_runs(const struct rl *c, const struct status_opts *o,
		     struct exl_scan *sc, struct exl_summary_cache *cache)
{
	struct exl_index_list l;
	struct exl_err err;
	const char **rels;
	char *snap;
	size_t i;
	int rc;

	memset(sc, 0, sizeof(*sc));
	if (!exl_index_ready(c->root))
		return 1;
	snap = exl_layout_index_snapshot(c->root);
	rc = exl_index_read_snap(c->root, c->now - RECENT_S - INDEX_SLACK_S,
				 snap, rl_meta_writable(c), &l, NULL, &err);
	free(snap);
	if (rc < 0) {
		exl_index_list_free(&l);
		if (errno != ENOMEM)
			return 1;
		cli_err("%s", err.text);
		return -1;
	}
	rels = malloc((l.n ? l.n : 1) * sizeof(*rels));
	if (!rels) {
		exl_index_list_free(&l);
		cli_err("out of memory");
		return -1;
	}
	for (i = 0; i < l.n; i++)
		rels[i] = l.v[i].rel;
	rc = exl_scan_pick(c->root, o->group, rels, l.n, sc, &err);
	free(rels);
	exl_index_list_free(&l);
	if (rc == 0 && (rc = load_recent(c, cache)) < 0)
		return -1;
	exl_cache_match(cache, sc);
	if (rc == 0)
		rc = exl_scan_summaries(sc, (int)o->threads, &err);
	if (rc < 0)
		cli_err("%s", err.text);
	return rc;
}

/* read_runs: list the run logs and read their summaries, unchanged ones
 * from the cache at cpath (NULL: none).  -1 after a message. */
static int read_runs(const struct rl *c, const struct status_opts *o,
		     const char *cpath, struct exl_scan *sc,
		     struct exl_summary_cache *cache)
{
	struct exl_err err;

	if (exl_scan_list_cached(c->root, o->group, cpath, (int)o->threads, sc,
				 cache, &err) < 0) {
		cli_err("%s", err.text);
		return -1;
	}
	rl_timing("listed");
	exl_cache_match(cache, sc);
	rl_timing("cache-match");
	if (exl_scan_summaries(sc, (int)o->threads, &err) < 0) {
		cli_err("%s", err.text);
		return -1;
	}
	return 0;
}

/* The notes' job ids, to point the rows of their open logs at the
 * warning. */
#define NOTES_MAX 20
struct notes {
	char job_id[NOTES_MAX][32];
	char root[NOTES_MAX][1024];
	int n;
};

/* warn_unlogged: a job whose run log could not be written left a note in
 * the user's home (lib/unlogged.h); say so until it is removed. */
static void warn_unlogged(const struct exl_unlogged *u, void *arg)
{
	struct notes *nt = arg;
	char when[32];

	if (nt->n < NOTES_MAX) {
		snprintf(nt->job_id[nt->n], sizeof(nt->job_id[0]), "%s",
			 u->job_id);
		snprintf(nt->root[nt->n++], sizeof(nt->root[0]), "%s",
			 u->root);
	}
	exl_time_stamp(u->when, when, sizeof(when));
	cli_err("warning: job %s (%s): its run log in %s could not be written: "
		"%s; remove %s once read", u->job_id, when, u->root, u->error,
		u->path);
}

/* under: path inside dir as written, or once both are resolved (the
 * epilog may have named the root through a symlink this view does not
 * use). */
static int under(const char *path, const char *dir)
{
	char *rp, *rd;
	int yes;

	if (exl_path_inside(path, dir))
		return 1;
	rp = realpath(path, NULL);
	rd = realpath(dir, NULL);
	yes = rp && rd && exl_path_inside(rp, rd);
	free(rp);
	free(rd);
	return yes;
}

/* noted_hint: an open log of an ended job with a note above was not
 * closed because it could not be written (full or read-only directory):
 * no epilog will come back to it.  The note must name the log's
 * directory too: job ids repeat across clusters that share a home. */
static void noted_hint(const struct notes *nt, struct rl_row *row)
{
	const char *id = row->e->sum.job_id;
	int i;

	if (!id || !row->r.open || !row->r.final)
		return;
	for (i = 0; i < nt->n; i++)
		if (strcmp(nt->job_id[i], id) == 0 &&
		    under(row->e->path, nt->root[i]))
			break;
	if (i == nt->n)
		return;
	exl_status_row_hint(&row->r, "the scheduler says %s; its log could not "
			    "be closed (warning above): `runlog close %s` "
			    "records the scheduler's state", row->r.state,
			    row->e->path);
}

/* A share of the rows reconciled on one thread (fill_rows). */
struct row_share {
	const struct rl *c;
	const struct exl_scan *sc;
	const struct rl_sched_view *v;
	struct rl_row *rows;
	size_t *next;
	struct exl_ckpt_memo memo;
};

#define ROW_CHUNK 256

static void *fill_row_share(void *arg)
{
	struct row_share *sh = arg;
	size_t i, end;

	while ((i = __atomic_fetch_add(sh->next, ROW_CHUNK,
				       __ATOMIC_RELAXED)) < sh->sc->n) {
		end = i + ROW_CHUNK < sh->sc->n ? i + ROW_CHUNK : sh->sc->n;
		for (; i < end; i++)
			if (sh->sc->v[i].ok)
				rl_row_fill(sh->c, &sh->sc->v[i], sh->v,
					    &sh->rows[i], &sh->memo);
	}
	return NULL;
}

/* fill_rows: rows[i] reconciled for every entry of sc that was read, on
 * up to SHARES_MAX threads for long lists (what writes to a run log or
 * prints comes after, on this thread). */
static void fill_rows(struct rl *c, const struct exl_scan *sc,
		      const struct rl_sched_view *v, struct rl_row *rows,
		      long threads)
{
	struct row_share sh[SHARES_MAX];
	size_t next = 0, ns = shares(sc->n, threads), s;

	for (s = 0; s < ns; s++) {
		sh[s].c = c;
		sh[s].sc = sc;
		sh[s].v = v;
		sh[s].rows = rows;
		sh[s].next = &next;
		sh[s].memo = c->memo;
	}
	/* a share that runs late finds the rows taken: no harm */
	exl_side_by_side(fill_row_share, sh, sizeof(sh[0]), ns);
	c->memo = sh[0].memo;
}

int cmd_status(struct rl *c, int argc, char **argv)
{
	struct exl_summary_cache cache = { 0 };
	char *cpath = NULL;
	struct rl_sched_query q;
	struct rl_sched_view v = { 0 };
	struct status_opts o;
	struct exl_scan sc;
	struct notes notes = { .n = 0 };
	struct rl_row *rows = NULL;
	size_t i, n = 0, hidden = 0, lost = 0;
	int rc, indexed = 0;

	rc = parse(argc, argv, &o, c);
	if (rc)
		return rc < 0 ? rl_help(usage) : rc;
#ifndef RUNLOG_FULL
	/* the Efficiency blocks are written by runlog-full (eff_fill.h) */
	if (o.sacct)
		return rl_exec_full(c->argv);
#endif
	exl_unlogged_each(getenv("HOME"), NOTES_MAX, warn_unlogged, &notes);
	if (rl_check_root(c) < 0)
		return EXL_EXIT_ERROR;
	/* the query runs while the logs are read */
	rl_timing("start");
	if (rl_sched_start(&q, v.why, sizeof(v.why)) < 0)
		q.pid = -1;
	rl_timing("query");
	if (!o.all && !o.threads && q.pid >= 0)
		o.threads = readers_beside_query();
	if (!o.all) {
		rc = pick_runs(c, &o, &sc, &cache);
		indexed = rc == 0;
		if (rc > 0)
			exl_scan_free(&sc);
		if (rc > 0 && has_meta(c))
			cli_err("%s has no run index (older exp-log, or run logs "
				"written by hand): every run log read; `runlog "
				"reindex` builds it", c->root);
	}
	/* a group's view would leave the others out of the cache */
	if (rc >= 0 && !o.group)
		cpath = indexed ? exl_cache_recent_path(c->root) :
				  exl_cache_path(c->root);
	if (rc < 0 || (!indexed && read_runs(c, &o, cpath, &sc, &cache) < 0)) {
		rl_sched_finish(&q, &v.jobs, v.why, sizeof(v.why));
		rl_sched_view_free(&v);
		exl_scan_free(&sc);
		exl_cache_free(&cache);
		free(cpath);
		return EXL_EXIT_ERROR;
	}
	rl_timing("read");
	v.ok = q.pid >= 0 &&
	       rl_sched_finish(&q, &v.jobs, v.why, sizeof(v.why)) == 0;
	rl_timing("scheduler");
	if (!v.ok)
		cli_err("scheduler not reachable (%s): states come from the "
			"run logs", v.why);
	rl_acct_close(c, &sc, &v, o.sacct);
	rl_timing("accounting");
	/* not zeroed: rl_row_fill sets the whole row (the rows are
	 * 7 MiB at 10,000 runs, and zeroing is most of their cost) */
	rows = sc.n < SIZE_MAX / sizeof(*rows) ?
	       exl_huge_alloc((sc.n ? sc.n : 1) * sizeof(*rows)) : NULL;
	if (!rows) {
		cli_err("out of memory");
		rc = EXL_EXIT_ERROR;
		goto out;
	}
	fill_rows(c, &sc, &v, rows, (long)o.threads);
	for (i = 0; i < sc.n; i++) {
		struct rl_row *row = &rows[n];

		if (!sc.v[i].ok) {
			/* an index entry may outlive its log (runlog(1)) */
			if (indexed && sc.v[i].gone)
				continue;
			cli_err("%s: %s", sc.v[i].path, sc.v[i].error ?
				sc.v[i].error : "unreadable");
			continue;
		}
		if (n != i)
			*row = rows[i];
		rl_row_settle(c, row, &v);
		noted_hint(&notes, row);
		if (!o.all && row->r.final &&
		    row->r.finished < c->now - 86400) {
			exl_status_row_free(&row->r);
			hidden++;
			continue;
		}
		lost += strcmp(row->r.state, "LOST") == 0;
		n++;
	}
#ifdef RUNLOG_FULL
	if (o.sacct)
		rl_eff_fill(c, rows, n);
#endif
	rl_timing("rows");
	qsort(rows, n, sizeof(*rows), newest_first);
	rl_timing("sorted");
	if ((o.json ? print_json(rows, n) :
	     print_table(c, rows, n, hidden, indexed, (long)o.threads)) < 0)
		rc = EXL_EXIT_ERROR;
	else
		rc = (o.strict && (!v.ok || lost)) ? EXL_EXIT_CHECK : EXL_EXIT_OK;
	save_cache(c, &sc, &cache, cpath);
	rl_timing("printed");
	/* after the table: the user has the answer while accounting is
	 * asked (where slurmctld answered, the cluster's configuration
	 * works; --sacct asked above already) */
	if (v.ok && !o.sacct && fflush(stdout) == 0) {
		rl_eff_auto(c, rows, n);
		rl_timing("efficiency");
	}
out:
	for (i = 0; rows && i < n; i++)
		exl_status_row_free(&rows[i].r);
	free(rows);
	rl_sched_view_free(&v);
	exl_scan_free(&sc);
	exl_cache_free(&cache);
	free(cpath);
	return rc;
}
