/* cmd_sync.c - exp-wandb-sync sync: upload offline runs with `wandb sync`
 * and record where they went. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "sync_item.h"
#include "sync_text.h"
#include "wandb_names.h"
#include "wandb_token.h"

extern char **environ;

static const char sync_usage[] =
	"usage: exp-wandb-sync sync RUN... [options]\n"
	"       exp-wandb-sync sync --all-unsynced [ROOT...] [options]\n"
	"\n"
	"Upload offline W&B runs with `wandb sync`, a few at a time, and write each\n"
	"synced URL into the run's exp-log run log (its job block and ## W&B).  A dry\n"
	"run unless --yes: the plan shows every run and where it would go.\n"
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

	while ((c = getopt_long(argc, argv, "e:p:j:h", opts, NULL)) != -1) {
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
			if (parse_count("--jobs", optarg, 64, &o->jobs) < 0)
				return EXL_EXIT_USAGE;
			break;
		case 'T':
			if (parse_count("--timeout", optarg, 7 * 86400, &o->timeout) < 0)
				return EXL_EXIT_USAGE;
			break;
		case 'h':
			fputs(sync_usage, stdout);
			return EXL_EXIT_OK;
		default:
			fputs(sync_usage, stderr);
			return EXL_EXIT_USAGE;
		}
	}
	if (o->yes && o->dry_run) {
		cli_err("sync: --yes and --dry-run contradict each other");
		return EXL_EXIT_USAGE;
	}
	if (o->jobs == 0) {
		cli_err("sync: --jobs must be at least 1");
		return EXL_EXIT_USAGE;
	}
	if (!o->all_unsynced && optind >= argc) {
		cli_err("sync: name the runs to sync, or pass --all-unsynced");
		fputs(sync_usage, stderr);
		return EXL_EXIT_USAGE;
	}
	if ((o->entity && valid_wandb_name(o->entity) < 0) ||
	    (o->project && valid_wandb_name(o->project) < 0)) {
		cli_err("sync: --entity and --project take W&B names: letters, digits, '-', '_', '.'");
		return EXL_EXIT_USAGE;
	}
	return -1;
}

/* collect_named: the runs given on the command line. */
static int collect_named(char **args, size_t n, struct sync_item **out)
{
	struct sync_item *it = calloc(n ? n : 1, sizeof(*it));
	size_t i;

	if (!it) {
		cli_err("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (load_named_run(args[i], EXL_WANDB_LOAD_LOG, &it[i].w) < 0) {
			while (i--)
				free_wrun(&it[i].w);
			free(it);
			return -1;
		}
	*out = it;
	return (int)n;
}

/* collect_unsynced: every unsynced offline run under the roots. */
static int collect_unsynced(char **args, size_t nargs,
			    struct sync_item **out)
{
	struct exl_wandb_discovery d;
	struct wrun *runs;
	char **defroots = NULL;
	const char **dirs;
	size_t i, n = 0;
	int rc;

	if (nargs) {
		if (check_roots(args, nargs) < 0)
			return -1;
		rc = discover((const char *const *)args, nargs, 0, &d);
	} else {
		nargs = default_roots(&defroots);
		rc = discover((const char *const *)defroots, nargs, 0, &d);
		free_strv(defroots);
	}
	if (rc < 0)
		return -1;
	runs = calloc(d.n ? d.n : 1, sizeof(*runs));
	dirs = calloc(d.n ? d.n : 1, sizeof(*dirs));
	*out = calloc(d.n ? d.n : 1, sizeof(**out));
	for (i = 0; runs && dirs && *out && i < d.n; i++)
		dirs[i] = d.runs[i].path;
	rc = runs && dirs && *out ?
	     load_runs(runs, dirs, d.n, EXL_WANDB_LOAD_LOG, 1, 0, "reading runs") : -1;
	for (i = 0; rc == 0 && i < d.n; i++) {
		if (runs[i].run.offline && !runs[i].run.synced) {
			(*out)[n++].w = runs[i];
			memset(&runs[i], 0, sizeof(runs[i]));
		}
	}
	free_runs(runs, runs ? d.n : 0);
	free(dirs);
	exl_wandb_discovery_free(&d);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return (int)n;
}

/* skip_reason: 1 (and it->why set) when a run is not to be synced at
 * all; named: the user named it, so a still-running job is no reason. */
static int skip_reason(struct sync_item *it, int named)
{
	const struct exl_wandb_run *r = &it->w.run;

	if (!r->offline)
		snprintf(it->why, sizeof(it->why), "an online run: W&B streamed it already");
	else if (r->synced)
		snprintf(it->why, sizeof(it->why),
			 "already synced (W&B's %s marker exists; remove it to sync again)",
			 EXL_WANDB_SYNCED_SUFFIX);
	else if (!r->log_path || !r->have_sum)
		snprintf(it->why, sizeof(it->why), "no readable record log: %s",
			 r->read_error);
	else if (r->sum.log.end == EXL_WANDB_END_EMPTY ||
		 r->sum.log.end == EXL_WANDB_END_BAD_HEADER)
		snprintf(it->why, sizeof(it->why), "record log unreadable: %s",
			 r->sum.log.problems[0]);
	else if (!named && !r->sum.has_exit && it->w.linked && it->w.link.job_running)
		snprintf(it->why, sizeof(it->why),
			 "job %s has not ended yet (run log): name the run to sync it anyway",
			 it->w.link.job_id);
	else
		return 0;
	it->status = SYNC_SKIPPED;
	return 1;
}

/* plan_notes: what people should know before a run is synced. */
static void plan_notes(struct sync_item *it)
{
	const struct exl_wandb_summary *s = &it->w.run.sum;
	size_t n = 0;

	if (s->log.end == EXL_WANDB_END_TORN || s->log.end == EXL_WANDB_END_CORRUPT)
		n += (size_t)snprintf(it->why, sizeof(it->why),
				      "note: %s; W&B uploads the intact records. ",
				      s->log.problems[0]);
	if (!s->has_exit && n < sizeof(it->why))
		snprintf(it->why + n, sizeof(it->why) - n,
			 "note: no exit record: W&B will mark the run failed (exit code 1)");
}

/* choose_dest: entity and project from the flags, else the run log. */
static void choose_dest(struct sync_item *it, const struct sync_opts *o)
{
	const struct exl_wandb_link *l = it->w.linked ? &it->w.link : NULL;

	it->entity = o->entity;
	it->entity_from = o->entity ? "flag" : NULL;
	if (!it->entity && l && l->entity && valid_wandb_name(l->entity) == 0) {
		it->entity = l->entity;
		it->entity_from = "run log";
	}
	it->project = o->project;
	it->project_from = o->project ? "flag" : NULL;
	if (!it->project && l && l->project && valid_wandb_name(l->project) == 0) {
		it->project = l->project;
		it->project_from = "run log";
	}
	if (it->entity && it->project) {
		it->status = SYNC_PLANNED;
		plan_notes(it);
		return;
	}
	it->status = SYNC_NO_DEST;
	snprintf(it->why, sizeof(it->why), "no %s%s%s: pass %s%s%s or set it in the run log's ## W&B",
		 it->entity ? "" : "entity", !it->entity && !it->project ? " or " : "",
		 it->project ? "" : "project", it->entity ? "" : "--entity",
		 !it->entity && !it->project ? "/" : "", it->project ? "" : "--project");
}

/* find_wandb: the executable to run, or NULL. */
static char *find_wandb(const char *opt)
{
	const char *name = opt ? opt : "wandb", *path = getenv("PATH");
	char *dup, *dir, *save = NULL, *cand;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? realpath(name, NULL) : NULL;
	if (!path || !(dup = strdup(path)))
		return NULL;
	for (dir = strtok_r(dup, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		struct stat st;

		cand = exl_path_join(*dir ? dir : ".", name);
		if (cand && stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0) {
			free(dup);
			return cand;
		}
		free(cand);
	}
	free(dup);
	return NULL;
}

/* get_key: the API key from the token file (or note that the environment
 * has one).  *key stays NULL when the child inherits WANDB_API_KEY. */
static int get_key(const struct sync_opts *o, struct sync_summary *s,
		   char **key_file, char **key)
{
	struct exl_err e;
	const char *env = getenv("WANDB_API_KEY");

	*key = NULL;
	*key_file = o->token_file ? strdup(o->token_file) : exl_wandb_default_key_file();
	if (!*key_file) {
		if (o->token_file)
			return -1;
		if (env && *env) {
			s->key_from = "environment";
			return 0;
		}
		snprintf(s->key_problem, sizeof(s->key_problem),
			 "no key file: create ~/.wandb_token (chmod 600) or pass --wandb-token-file");
		return -1;
	}
	s->key_file = *key_file;
	if (exl_wandb_read_key(*key_file, key, &e) < 0) {
		snprintf(s->key_problem, sizeof(s->key_problem), "%s", e.text);
		return -1;
	}
	s->key_from = "file";
	return 0;
}

/* child_env: this process's environment with WANDB_API_KEY replaced by
 * key (when given).  The one entry holding the key is wiped by
 * free_env. */
static char **child_env(const char *key)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (!key || strncmp(environ[i], "WANDB_API_KEY=", 14) != 0)
			env[k++] = environ[i];
	if (key && asprintf(&env[k++], "WANDB_API_KEY=%s", key) < 0) {
		free(env);
		return NULL;
	}
	return env;
}

static void free_env(char **env, const char *key)
{
	size_t i;

	if (!env)
		return;
	for (i = 0; key && env[i]; i++)
		if (strncmp(env[i], "WANDB_API_KEY=", 14) == 0)
			exl_wandb_key_free(env[i]);	/* ours: wipe it */
	free(env);
}

struct progress_ctx {
	struct cli_progress p;
	size_t shown;
};

static void on_progress(void *arg, size_t done, size_t running, size_t total)
{
	struct progress_ctx *c = arg;

	(void)running;
	(void)total;
	cli_progress_add(&c->p, 0, done - c->shown);
	c->shown = done;
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
			if (exl_wandb_link_record_url(&it->w.link, it->url, &e) == 0)
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

/* run_all: sync the planned items.  Returns the exit status. */
static int run_all(struct sync_item *items, struct sync_summary *s,
		   const struct sync_opts *o, const char *key)
{
	struct sync_cfg cfg = { .jobs = (int)o->jobs,
				.timeout_s = (int)o->timeout };
	struct progress_ctx pc = { .shown = 0 };
	struct sync_task *tasks;
	struct sync_item **map;
	size_t i, n = 0;
	char **env = child_env(key);

	tasks = calloc(s->planned ? s->planned : 1, sizeof(*tasks));
	map = calloc(s->planned ? s->planned : 1, sizeof(*map));
	if (!env || !tasks || !map) {
		cli_err("out of memory");
		free_env(env, key);
		free(tasks);
		free(map);
		return EXL_EXIT_ERROR;
	}
	cfg.envp = env;
	for (i = 0; i < s->n; i++) {
		struct sync_item *it = &items[i];
		char **a = it->argv;

		if (it->status != SYNC_PLANNED)
			continue;
		/* never the key: only names and the directory */
		a[0] = (char *)s->wandb;
		a[1] = (char *)"sync";
		a[2] = (char *)"--entity";
		a[3] = (char *)it->entity;
		a[4] = (char *)"--project";
		a[5] = (char *)it->project;
		a[6] = it->w.run.dir;
		a[7] = NULL;
		tasks[n].argv = a;
		it->task = &tasks[n];
		map[n++] = it;
	}
	cli_progress_start(&pc.p, "syncing", 0, n);
	sync_run_tasks(tasks, n, &cfg, on_progress, &pc);
	cli_progress_end(&pc.p);
	for (i = 0; i < n; i++) {
		finish_item(map[i], key, cfg.timeout_s);
		if (map[i]->status == SYNC_OK)
			s->ok++;
		else
			s->failed++;
		if (!o->json)
			sync_print_result(map[i]);
		map[i]->task = NULL;
	}
	free_env(env, key);
	free(tasks);
	free(map);
	return s->failed ? EXL_EXIT_CHECK : EXL_EXIT_OK;
}

/* plan: statuses, destinations and counts for every item. */
static void plan(struct sync_item *items, struct sync_summary *s,
		 const struct sync_opts *o, int named)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct sync_item *it = &items[i];

		if (it->w.link_error[0])
			cli_err("warning: %s: run log unreadable: %s", it->w.run.dir,
				it->w.link_error);
		if (skip_reason(it, named))
			s->skipped++;
		else
			choose_dest(it, o);
		s->planned += it->status == SYNC_PLANNED;
		s->no_dest += it->status == SYNC_NO_DEST;
	}
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
	    collect_unsynced(argv + optind, (size_t)(argc - optind), &items) :
	    collect_named(argv + optind, (size_t)(argc - optind), &items);
	if (n < 0)
		return EXL_EXIT_ERROR;
	s.n = (size_t)n;
	s.dry_run = !o.yes;
	plan(items, &s, &o, !o.all_unsynced);
	wandb = find_wandb(o.wandb);
	s.wandb = wandb;
	key_ok = get_key(&o, &s, &key_file, &key) == 0;
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
