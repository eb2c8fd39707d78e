/* cmd_sync.c - exp-wandb-sync sync: upload offline runs with `wandb sync`
 * and record where they went. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sync_item.h"
#include "sync_text.h"
#include "wandb/wandb_token.h"

static const char sync_usage[] =
	"Usage: exp-wandb-sync sync [OPTIONS] RUN... | --all-unsynced [ROOT...]\n"
	"\n"
	"Upload offline W&B runs with `wandb sync`, a few at a time, and write each\n"
	"synced URL into the run's exp-log run log (its job block and ## W&B).  A dry\n"
	"run unless --yes: the plan shows every run and where it would go.  The\n"
	"offline directories of one W&B run (a requeued job's, one run id) are synced\n"
	"as that one run, in order: `wandb sync`, then `wandb sync --append`.\n"
	"\n"
	"  -e, --entity E            W&B entity (else the run log's '- entity:')\n"
	"  -p, --project P           W&B project (else the run log's '- project:')\n"
	"      --all-unsynced        every unsynced offline run under ROOTs (default\n"
	"                            roots as for list)\n"
	"  -j, --jobs N              syncs at once (default 4)\n"
	"      --timeout S           stop a sync after S seconds (default 3600, 0: none)\n"
	"      --dry-run             show the plan only (the default)\n"
	"      --yes                 sync\n"
	"      --wandb PATH          the wandb executable (default: wandb on PATH)\n"
	"      --wandb-token-file F  API key file, mode 600 (default ~/.wandb_token,\n"
	"                            then ~/.wandb_key; else WANDB_API_KEY if set)\n"
	"      --json                JSON output for scripts (schema in exp-wandb-sync(1))\n"
	"  -h, --help                this help\n";

struct sync_opts {
	const char *entity, *project, *wandb, *token_file;
	long jobs, timeout;
	int all_unsynced, yes, dry_run, json;
};

static int parse_sync(int argc, char **argv, struct sync_opts *o)
{
	static const struct option opts[] = {
		{ "entity", required_argument, NULL, 'e' },
		{ "project", required_argument, NULL, 'p' },
		{ "all-unsynced", no_argument, NULL, 'A' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "yes", no_argument, NULL, 'y' },
		{ "wandb", required_argument, NULL, 'W' },
		{ "wandb-token-file", required_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, ":e:p:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': o->entity = optarg; break;
		case 'p': o->project = optarg; break;
		case 'A': o->all_unsynced = 1; break;
		case 'D': o->dry_run = 1; break;
		case 'y': o->yes = 1; break;
		case 'W': o->wandb = optarg; break;
		case 'K': o->token_file = optarg; break;
		case 'J': o->json = 1; break;
		case 'j':
			if (cli_parse_jobs("sync", "--jobs", optarg, 64,
					   &o->jobs) < 0)
				return EXL_EXIT_USAGE;
			break;
		case 'T':
			if (parse_count("sync", "--timeout", optarg, 7 * 86400,
					&o->timeout) < 0)
				return EXL_EXIT_USAGE;
			break;
		case 'h':
			fputs(sync_usage, stdout);
			return EXL_EXIT_OK;
		default:
			return cli_bad_option(c, argv, "sync");
		}
	}
	if (o->yes && o->dry_run)
		return cli_usage_err("sync", "--yes and --dry-run contradict "
				     "each other");
	if (!o->all_unsynced && optind >= argc)
		return cli_missing("sync", "RUN (or --all-unsynced)", sync_usage);
	if ((o->entity && valid_wandb_name(o->entity) < 0) ||
	    (o->project && valid_wandb_name(o->project) < 0))
		return cli_usage_err("sync", "--entity and --project take W&B "
				     "names: letters, digits, '-', '_', '.'");
	return -1;
}

/* finish_item: success (URL, run log) or failure (stderr tail). */
static void finish_item(struct sync_item *it, const char *key, int timeout_s)
{
	struct exl_err e = { { 0 } };
	char *out = sync_clean(&it->task->out[0], key);
	char *err = sync_clean(&it->task->out[1], key);
	const char *id = exl_wandb_run_id(&it->w.run);
	char *both = NULL;

	if (sync_task_ok(it->task)) {
		it->status = SYNC_OK;
		it->url_from = "output";
		if (asprintf(&both, "%s\n%s", out ? out : "", err ? err : "") < 0 ||
		    sync_find_url(both, id, it->url, sizeof(it->url)) < 0) {
			it->url_from = "built";
			if (sync_default_url(it->entity, it->project, id, it->url,
					     sizeof(it->url)) < 0) {
				it->url_from = NULL;
				it->url[0] = '\0';
			}
		}
		if (it->w.linked && it->url[0]) {
			/* a run of several links: its URL in every job block */
			if (exl_wandb_link_record_url(&it->w.link, it->url,
						      it->links > 1, &e) == 0)
				it->recorded = 1;
			else
				snprintf(it->record_error, sizeof(it->record_error), "%s", e.text);
		}
		it->why[0] = '\0';
	} else {
		it->status = it->task->interrupted ? SYNC_INTERRUPTED : SYNC_FAILED;
		sync_task_why(it->task, timeout_s, it->why, sizeof(it->why));
		it->stderr_tail = strdup(sync_last_lines(err && *err ? err : out ? out : "",
							 12));
	}
	free(both);
	free(out);
	free(err);
}

/* The state of a sync while its children run. */
struct run_ctx {
	struct cli_progress p;
	size_t shown;
	struct sync_item **map;		/* task index -> item */
	struct sync_item *items;	/* all of them */
	struct sync_summary *s;
	const char *key;
	int timeout_s, json;
};

static void on_progress(void *arg, size_t done, size_t running, size_t total)
{
	struct run_ctx *c = arg;

	(void)running;
	(void)total;
	cli_progress_add(&c->p, 0, done - c->shown);
	c->shown = done;
}

/* on_done: a run's result, recorded and shown as soon as it is known. */
static void on_done(void *arg, size_t task)
{
	struct run_ctx *c = arg;
	struct sync_item *it = c->map[task];

	size_t blocked = 0;

	finish_item(it, c->key, c->timeout_s);
	if (it->status == SYNC_OK) {
		c->s->ok++;
	} else {
		c->s->failed++;
		blocked = sync_block_after(c->items, c->s->n, it);
		c->s->blocked += blocked;
		c->p.items_total -= blocked;
	}
	if (!c->json) {
		cli_progress_end(&c->p);	/* the result line replaces it */
		sync_print_result(it);
	}
}

/* next_wave: the tasks that may run now: of each W&B run, its first link
 * still planned (a chain's links go one after the other, the runs side
 * by side).  Returns how many. */
static size_t next_wave(struct sync_item *items, const struct sync_summary *s,
			struct sync_task *tasks, struct run_ctx *ctx)
{
	size_t i, n = 0, last_chain = (size_t)-1;

	for (i = 0; i < s->n; i++) {
		struct sync_item *it = &items[i];
		char **a = it->argv;
		int k = 0;

		if (it->status != SYNC_PLANNED ||
		    (n && it->chain == last_chain))
			continue;
		last_chain = it->chain;
		/* never the key: only names and the directory */
		a[k++] = (char *)s->wandb;
		a[k++] = (char *)"sync";
		a[k++] = (char *)"--entity";
		a[k++] = (char *)it->entity;
		a[k++] = (char *)"--project";
		a[k++] = (char *)it->project;
		if (it->append)
			a[k++] = (char *)"--append";
		a[k++] = it->w.run.dir;
		a[k] = NULL;
		memset(&tasks[n], 0, sizeof(tasks[n]));
		tasks[n].argv = a;
		it->task = &tasks[n];
		ctx->map[n++] = it;
	}
	return n;
}

/* run_all: sync the planned items.  Returns the exit status. */
static int run_all(struct sync_item *items, struct sync_summary *s,
		   const struct sync_opts *o, const char *key)
{
	struct sync_cfg cfg = { .jobs = (int)o->jobs,
				.timeout_s = (int)o->timeout };
	struct run_ctx ctx = { .s = s, .key = key, .timeout_s = (int)o->timeout,
			       .json = o->json };
	struct sync_watch watch = { on_progress, on_done, &ctx };
	struct sync_task *tasks;
	size_t i, n;
	char **env = sync_child_env(key);
	int stopped = 0;

	tasks = calloc(s->planned ? s->planned : 1, sizeof(*tasks));
	ctx.map = calloc(s->planned ? s->planned : 1, sizeof(*ctx.map));
	if (!env || !tasks || !ctx.map) {
		cli_err("out of memory");
		sync_free_env(env, key);
		free(tasks);
		free(ctx.map);
		return EXL_EXIT_ERROR;
	}
	cfg.envp = env;
	ctx.items = items;
	cli_progress_start(&ctx.p, "syncing", 0, s->planned);
	/* wave by wave: the next link of every run at once */
	while (!stopped && (n = next_wave(items, s, tasks, &ctx)) > 0) {
		ctx.shown = 0;
		stopped = sync_run_tasks(tasks, n, &cfg, &watch);
		for (i = 0; i < n; i++)
			ctx.map[i]->task = NULL;
	}
	cli_progress_end(&ctx.p);
	/* interrupted: the links not started stay unsynced */
	for (i = 0; stopped && i < s->n; i++)
		if (items[i].status == SYNC_PLANNED) {
			items[i].status = SYNC_INTERRUPTED;
			snprintf(items[i].why, sizeof(items[i].why),
				 "not started: interrupted");
		}
	sync_free_env(env, key);
	free(tasks);
	free(ctx.map);
	return s->failed || s->blocked ? EXL_EXIT_CHECK : EXL_EXIT_OK;
}

int cmd_sync(int argc, char **argv)
{
	struct sync_opts o = { .jobs = 4, .timeout = 3600 };
	struct sync_summary s = { 0 };
	struct sync_item *items = NULL;
	char *wandb = NULL, *key_file = NULL, *key = NULL;
	int n, rc = parse_sync(argc, argv, &o), key_ok;
	size_t i;

	if (rc >= 0)
		return rc;
	n = o.all_unsynced ?
	    sync_collect_unsynced(argv + optind, (size_t)(argc - optind), &items) :
	    sync_collect_named(argv + optind, (size_t)(argc - optind), &items);
	if (n < 0)
		return EXL_EXIT_ERROR;
	s.n = (size_t)n;
	if (!o.all_unsynced && sync_add_links(&items, &s.n) < 0) {
		for (i = 0; i < s.n; i++)
			free_wrun(&items[i].w);
		free(items);
		return EXL_EXIT_ERROR;
	}
	s.n = sync_order_chains(items, s.n);
	s.dry_run = !o.yes;
	sync_plan(items, &s, o.entity, o.project, !o.all_unsynced);
	sync_plan_chains(items, &s);
	wandb = sync_find_wandb(o.wandb);
	s.wandb = wandb;
	key_ok = sync_get_key(o.token_file, &s, &key_file, &key) == 0;
	if (!key_ok && o.token_file && !s.key_problem[0])
		snprintf(s.key_problem, sizeof(s.key_problem), "%s: no such file", o.token_file);
	if (!o.json)
		sync_print_plan(items, &s);
	rc = EXL_EXIT_OK;
	if (s.no_dest) {
		rc = EXL_EXIT_USAGE;
	} else if (o.yes && s.planned && !wandb) {
		cli_err("wandb not found: put it on PATH or pass --wandb PATH");
		rc = EXL_EXIT_ERROR;
	} else if (o.yes && s.planned && !key_ok) {
		cli_err("no API key: %s", s.key_problem);
		rc = EXL_EXIT_ERROR;
	} else if (o.yes && s.planned) {
		rc = run_all(items, &s, &o, key);
	}
	/* a link left waiting for an earlier one: not all was done */
	if (rc == EXL_EXIT_OK && s.blocked)
		rc = EXL_EXIT_CHECK;
	if (o.json)
		sync_print_json(items, &s);
	else
		sync_print_summary(&s);
	exl_wandb_key_free(key);
	free(key_file);
	free(wandb);
	for (i = 0; i < s.n; i++) {
		free(items[i].stderr_tail);
		free_wrun(&items[i].w);
	}
	free(items);
	return rc;
}
