/* cmd_list.c - exp-wandb-sync list: every W&B run under some roots. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/units.h"
#include "util/timefmt.h"
#include "wandb/wandb_chain.h"
#include "wsync.h"

static const char list_usage[] =
	"Usage: exp-wandb-sync list [ROOT...] [--json | --paths] [--jobs N]\n"
	"\n"
	"Find W&B run directories under each ROOT (default: ./run_logs/.exp-log/runs,\n"
	"$EXP_LOG_DIR/.exp-log/runs, ./wandb, ./.wandb) and show for each run: its id,\n"
	"the entity/project it recorded, when it started, its size by kind, whether it\n"
	"is synced, how it ended, its last step and the run log it belongs to.  The\n"
	"offline directories of one W&B run (a requeued or resumed job: the same run\n"
	"id, side by side) are shown as that one run with its links, in order.\n"
	"\n"
	"  --json        JSON output for scripts (schema in exp-wandb-sync(1))\n"
	"  --paths       only the run directories, one per line\n"
	"  -j, --jobs N  parallel directory walkers and readers (default: 2 per CPU)\n"
	"  -h, --help    this help\n";

struct list_opts {
	int json, paths;
	long jobs;
};

static json_object *sizes_json(const struct exl_wandb_sizes *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "total", json_object_new_int64((int64_t)s->total));
	json_object_object_add(o, "history", json_object_new_int64((int64_t)s->history));
	json_object_object_add(o, "media", json_object_new_int64((int64_t)s->media));
	json_object_object_add(o, "files", json_object_new_int64((int64_t)s->files));
	json_object_object_add(o, "staging", json_object_new_int64((int64_t)s->staging));
	return o;
}

static json_object *log_json(const struct exl_wandb_run *r)
{
	json_object *o = json_object_new_object(), *probs, *kinds;
	const struct exl_wandb_summary *s = &r->sum;
	unsigned i;

	probs = json_object_new_array();
	if (!r->have_sum) {
		/* the same keys, so scripts need no special case */
		json_object_object_add(o, "end", json_object_new_string("unreadable"));
		json_object_object_add(o, "size", NULL);
		json_object_object_add(o, "valid_until", NULL);
		if (r->read_error[0])
			json_object_array_add(probs, json_object_new_string(r->read_error));
		json_object_object_add(o, "problems", probs);
		json_object_object_add(o, "records", NULL);
		return o;
	}
	json_object_object_add(o, "end",
			       json_object_new_string(exl_wandb_end_name(s->log.end)));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)s->log.size));
	json_object_object_add(o, "valid_until",
			       json_object_new_int64((int64_t)s->log.valid_until));
	for (i = 0; i < s->log.nproblems && i < EXL_WANDB_MAX_PROBLEMS; i++)
		json_object_array_add(probs, json_object_new_string(s->log.problems[i]));
	json_object_object_add(o, "problems", probs);
	kinds = json_object_new_object();
	json_object_object_add(kinds, "total", json_object_new_int64((int64_t)s->records));
	for (i = 0; i < EXL_WK_COUNT; i++)
		if (s->kinds[i])
			json_object_object_add(kinds, exl_wandb_kind_name(i),
					       json_object_new_int64((int64_t)s->kinds[i]));
	json_object_object_add(o, "records", kinds);
	return o;
}

/* chain_json: where a run directory sits in its W&B run; null for a
 * run of one directory. */
static json_object *chain_json(const struct wrun *w,
			       const struct exl_wandb_chain_pos *p)
{
	json_object *o;

	if (p->links < 2)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "run_id", jstr(exl_wandb_run_id(&w->run)));
	json_object_object_add(o, "link", json_object_new_int64((int64_t)p->link));
	json_object_object_add(o, "links", json_object_new_int64((int64_t)p->links));
	return o;
}

/* run_json: one element of "runs" (documented in the man page). */
static json_object *run_json(const struct wrun *w,
			     const struct exl_wandb_chain_pos *p)
{
	const struct exl_wandb_run *r = &w->run;
	const struct exl_wandb_summary *s = &r->sum;
	json_object *o = json_object_new_object();
	time_t created = exl_wandb_run_created(r);
	char iso[40];
	int hs = r->have_sum;

	json_object_object_add(o, "dir", jpath(r->dir));
	json_object_object_add(o, "mode", json_object_new_string(r->offline ?
							       "offline" : "online"));
	json_object_object_add(o, "run_id", jstr(exl_wandb_run_id(r)));
	json_object_object_add(o, "log_file", jpath(r->log_path));
	json_object_object_add(o, "entity", jstr(hs ? s->entity : NULL));
	json_object_object_add(o, "project", jstr(hs ? s->project : NULL));
	json_object_object_add(o, "display_name", jstr(hs ? s->display_name : NULL));
	json_object_object_add(o, "created",
			       jstr(created && exl_time_iso(created, iso, sizeof(iso)) == 0 ?
				    iso : NULL));
	json_object_object_add(o, "created_epoch", jint_or_null(created != 0, created));
	json_object_object_add(o, "synced", json_object_new_boolean(r->synced));
	json_object_object_add(o, "state", json_object_new_string(hs ?
		exl_wandb_run_state(s) : "unreadable"));
	json_object_object_add(o, "exit_code", jint_or_null(hs && s->has_exit, s->exit_code));
	json_object_object_add(o, "runtime_s", jint_or_null(hs && s->has_exit, s->runtime_s));
	json_object_object_add(o, "last_step", jint_or_null(hs && s->has_step, s->last_step));
	json_object_object_add(o, "log", log_json(r));
	json_object_object_add(o, "size", r->have_size ? sizes_json(&r->size) : NULL);
	json_object_object_add(o, "run_log", jstr(w->linked ? w->link.run_log : NULL));
	json_object_object_add(o, "job_id", jstr(w->linked ? w->link.job_id : NULL));
	json_object_object_add(o, "run_log_entity", jstr(w->linked ? w->link.entity : NULL));
	json_object_object_add(o, "run_log_project", jstr(w->linked ? w->link.project : NULL));
	json_object_object_add(o, "run_log_error", jstr(w->link_error));
	json_object_object_add(o, "chain", chain_json(w, p));
	return o;
}

struct totals {
	size_t runs, dirs, unsynced, unfinished, damaged;
	uint64_t bytes, staging;
};

static void add_totals(struct totals *t, const struct wrun *w,
		       const struct exl_wandb_chain_pos *p)
{
	const struct exl_wandb_run *r = &w->run;

	t->runs += p->link == 1;	/* the links of a chain: one run */
	t->dirs++;
	t->unsynced += !r->synced;
	t->unfinished += !r->have_sum || !r->sum.has_exit;
	t->damaged += !r->have_sum || r->sum.log.end != EXL_WANDB_END_CLEAN;
	t->bytes += r->size.total;
	t->staging += r->size.staging;
}

/* The runs in chain order and where each sits. */
struct listing {
	const struct wrun *runs;
	size_t n, *order;
	struct exl_wandb_chain_pos *pos;
};

static void print_json_list(const struct listing *l, const struct totals *t)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	json_object *tot = json_object_new_object();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_object_array_add(a, run_json(&l->runs[l->order[i]],
						  &l->pos[l->order[i]]));
	json_object_object_add(o, "schema", json_object_new_int(WSYNC_JSON_SCHEMA));
	json_object_object_add(o, "runs", a);
	json_object_object_add(tot, "runs", json_object_new_int64((int64_t)t->runs));
	json_object_object_add(tot, "directories", json_object_new_int64((int64_t)t->dirs));
	json_object_object_add(tot, "unsynced", json_object_new_int64((int64_t)t->unsynced));
	json_object_object_add(tot, "unfinished", json_object_new_int64((int64_t)t->unfinished));
	json_object_object_add(tot, "damaged", json_object_new_int64((int64_t)t->damaged));
	json_object_object_add(tot, "bytes", json_object_new_int64((int64_t)t->bytes));
	json_object_object_add(tot, "staging_bytes", json_object_new_int64((int64_t)t->staging));
	json_object_object_add(o, "totals", tot);
	print_json(o);
}

/* print_state: "finished (exit 0)", "unfinished", ... */
static void print_state(const struct exl_wandb_run *r)
{
	const struct exl_wandb_summary *s = &r->sum;

	if (!r->have_sum) {
		printf("unreadable");
		return;
	}
	printf("%s", exl_wandb_run_state(s));
	if (s->has_exit)
		printf(" (exit %d)", s->exit_code);
}

/* print_chain: the line that opens a W&B run of several directories:
 * its id, its links and how many are synced. */
static void print_chain(const struct listing *l, size_t at)
{
	const struct exl_wandb_chain_pos *p = &l->pos[l->order[at]];
	size_t i, synced = 0;
	char a[512];

	for (i = at; i < at + p->links && i < l->n; i++)
		synced += l->runs[l->order[i]].run.synced;
	printf("%s  one W&B run in %zu links, %zu synced\n",
	       tty_safe(exl_wandb_run_id(&l->runs[l->order[at]].run), a, sizeof(a)),
	       p->links, synced);
}

static void print_run(const struct wrun *w, const struct exl_wandb_chain_pos *p)
{
	const struct exl_wandb_run *r = &w->run;
	const struct exl_wandb_summary *s = &r->sum;
	char a[512], b[512], c[4096], t[32];
	char tot[32], hist[32], med[32], fil[32], stg[32];
	unsigned i;

	if (p->links > 1)
		printf("  link %zu of %zu: ", p->link, p->links);
	printf("%s  ", tty_safe(exl_wandb_run_id(r), a, sizeof(a)));
	print_state(r);
	printf("  %s", r->synced ? "synced" : "unsynced");
	if (r->have_sum && s->has_step)
		printf("  step %lld", (long long)s->last_step);
	printf("  created %s", show_time(exl_wandb_run_created(r), t, sizeof(t)));
	if (r->have_sum && (s->entity[0] || s->project[0]))
		printf("  %s/%s", tty_safe(s->entity, a, sizeof(a)),
		       tty_safe(s->project, b, sizeof(b)));
	printf("\n  dir: %s\n", tty_safe(show_path(r->dir, c, sizeof(c)), b, sizeof(b)));
	if (r->have_size) {
		exl_human_bytes(r->size.total, tot, sizeof(tot));
		exl_human_bytes(r->size.history, hist, sizeof(hist));
		exl_human_bytes(r->size.media, med, sizeof(med));
		exl_human_bytes(r->size.files, fil, sizeof(fil));
		exl_human_bytes(r->size.staging, stg, sizeof(stg));
		printf("  size: %s (history %s, media %s, files %s, staging %s)\n",
		       tot, hist, med, fil, stg);
	}
	if (w->linked)
		printf("  run log: %s%s%s\n",
		       tty_safe(show_path(w->link.run_log, c, sizeof(c)), b, sizeof(b)),
		       w->link.job_id ? ", job " : "",
		       w->link.job_id ? tty_safe(w->link.job_id, a, sizeof(a)) : "");
	else if (w->link_error[0])
		printf("  run log: unreadable: %s\n", tty_safe(w->link_error, b, sizeof(b)));
	if (!r->have_sum)
		printf("  ! %s\n", tty_safe(r->read_error, b, sizeof(b)));
	for (i = 0; r->have_sum && i < s->log.nproblems && i < EXL_WANDB_MAX_PROBLEMS; i++)
		printf("  ! %s\n", s->log.problems[i]);
	if (r->have_sum && s->log.nproblems > EXL_WANDB_MAX_PROBLEMS)
		printf("  ! ... %u problems in all\n", s->log.nproblems);
}

static void print_text_list(const struct listing *l, const struct totals *t)
{
	char tot[32], stg[32];
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct exl_wandb_chain_pos *p = &l->pos[l->order[i]];

		if (p->links > 1 && p->link == 1)
			print_chain(l, i);
		print_run(&l->runs[l->order[i]], p);
	}
	exl_human_bytes(t->bytes, tot, sizeof(tot));
	exl_human_bytes(t->staging, stg, sizeof(stg));
	printf("%zu run%s", t->runs, t->runs == 1 ? "" : "s");
	if (t->dirs != t->runs)
		printf(" (%zu directories)", t->dirs);
	printf(": %zu unsynced, %zu unfinished, %zu damaged; %s, staging %s\n",
	       t->unsynced, t->unfinished, t->damaged, tot, stg);
}

/* chain_runs: group the runs into W&B runs (wandb_chain.h).  -1 when
 * out of memory (message printed). */
static int chain_runs(const struct wrun *runs, size_t n, struct listing *l)
{
	struct exl_wandb_chain_in *in = calloc(n ? n : 1, sizeof(*in));
	size_t i;

	l->runs = runs;
	l->n = n;
	l->order = calloc(n ? n : 1, sizeof(*l->order));
	l->pos = calloc(n ? n : 1, sizeof(*l->pos));
	if (!in || !l->order || !l->pos) {
		free(in);
		cli_err("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		in[i].dir = runs[i].run.dir;
		in[i].id = runs[i].run.dir_id;
		in[i].created = exl_wandb_run_created(&runs[i].run);
	}
	exl_wandb_chains(in, n, l->order, l->pos);
	free(in);
	return 0;
}

static int parse_list(int argc, char **argv, struct list_opts *o)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "paths", no_argument, NULL, 'P' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, ":j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			o->json = 1;
			break;
		case 'P':
			o->paths = 1;
			break;
		case 'j':
			if (cli_parse_jobs("list", "--jobs", optarg, 256,
					   &o->jobs) < 0)
				return EXL_EXIT_USAGE;
			break;
		case 'h':
			fputs(list_usage, stdout);
			return EXL_EXIT_OK;
		default:
			return cli_bad_option(c, argv, "list");
		}
	}
	if (o->json && o->paths) {
		return cli_usage_err("list", "--json and --paths do not go "
				     "together");
	}
	return -1;
}

int cmd_list(int argc, char **argv)
{
	struct list_opts o = { 0 };
	struct exl_wandb_discovery d;
	struct totals t = { 0 };
	struct listing l = { 0 };
	struct wrun *runs = NULL;
	const char **dirs = NULL;
	char **defroots = NULL;
	size_t i, nroots;
	int rc = parse_list(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (optind < argc) {
		nroots = (size_t)(argc - optind);
		if (check_roots(argv + optind, nroots) < 0)
			return EXL_EXIT_ERROR;
		rc = discover((const char *const *)argv + optind, nroots,
			      (int)o.jobs, &d);
	} else {
		nroots = default_roots(&defroots);
		rc = discover((const char *const *)defroots, nroots, (int)o.jobs, &d);
		free_strv(defroots);
	}
	if (rc < 0)
		return EXL_EXIT_ERROR;
	if (o.paths) {
		for (i = 0; i < d.n; i++)
			puts(d.runs[i].path);
		exl_wandb_discovery_free(&d);
		return EXL_EXIT_OK;
	}
	runs = calloc(d.n ? d.n : 1, sizeof(*runs));
	dirs = calloc(d.n ? d.n : 1, sizeof(*dirs));
	for (i = 0; runs && dirs && i < d.n; i++)
		dirs[i] = d.runs[i].path;
	if (!runs || !dirs ||
	    load_runs(runs, dirs, d.n, EXL_WANDB_LOAD_LOG | EXL_WANDB_LOAD_SIZES,
		      1, (int)o.jobs, "reading runs") < 0) {
		free(dirs);
		free_runs(runs, runs ? d.n : 0);
		exl_wandb_discovery_free(&d);
		return EXL_EXIT_ERROR;
	}
	if (chain_runs(runs, d.n, &l) < 0) {
		rc = EXL_EXIT_ERROR;
		goto out;
	}
	for (i = 0; i < d.n; i++)
		add_totals(&t, &runs[i], &l.pos[i]);
	if (o.json)
		print_json_list(&l, &t);
	else
		print_text_list(&l, &t);
	rc = EXL_EXIT_OK;
out:
	free(l.order);
	free(l.pos);
	free(dirs);
	free_runs(runs, d.n);
	exl_wandb_discovery_free(&d);
	return rc;
}
