/* cmd_slim.c - exp-wandb-sync slim: remove transient artifact data. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/units.h"
#include "wandb/wandb_slim.h"
#include "wsync.h"

static const char slim_usage[] =
	"Usage: exp-wandb-sync slim RUN... [--yes] [--include-unsynced] [--json]\n"
	"\n"
	"Show the transient W&B data of each RUN (a run directory): artifact staging\n"
	"copies and artifact cache trees, in the run and around it.  Nothing else is\n"
	"ever touched: not history, config, summary or media, and not a path the run\n"
	"log names as a checkpoint.  A dry run unless --yes.\n"
	"\n"
	"  --yes               remove what the dry run shows as \"remove\"\n"
	"  --include-unsynced  also remove staged files an unsynced run still needs\n"
	"                      to upload its artifacts (those uploads will fail)\n"
	"  --json              JSON output for scripts (schema in exp-wandb-sync(1))\n"
	"  -h, --help          this help\n";

struct slim_opts {
	int yes, json;
	unsigned flags;
};

static json_object *item_json(const struct exl_wandb_slim_item *it)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "path", json_object_new_string(it->path));
	json_object_object_add(o, "what", json_object_new_string(it->what));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)it->bytes));
	json_object_object_add(o, "files", json_object_new_int64((int64_t)it->files));
	json_object_object_add(o, "action", json_object_new_string(it->keep ?
							       "keep" : "remove"));
	json_object_object_add(o, "reason", jstr(it->keep));
	json_object_object_add(o, "note", jstr(it->note));
	return o;
}

static json_object *plan_json(const struct wrun *w,
			      const struct exl_wandb_slim_plan *p,
			      uint64_t freed, int failed)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t i;

	json_object_object_add(o, "dir", jpath(w->run.dir));
	json_object_object_add(o, "run_id", jstr(exl_wandb_run_id(&w->run)));
	json_object_object_add(o, "synced", json_object_new_boolean(w->run.synced));
	json_object_object_add(o, "removable_bytes", json_object_new_int64((int64_t)p->removable));
	json_object_object_add(o, "kept_bytes", json_object_new_int64((int64_t)p->kept));
	json_object_object_add(o, "freed_bytes", json_object_new_int64((int64_t)freed));
	json_object_object_add(o, "failed", json_object_new_int(failed));
	for (i = 0; i < p->n; i++)
		json_object_array_add(a, item_json(&p->items[i]));
	json_object_object_add(o, "items", a);
	return o;
}

static void print_plan(const struct wrun *w, const struct exl_wandb_slim_plan *p)
{
	char b1[32], b2[32], s1[512], s2[4096];
	size_t i;

	exl_human_bytes(p->removable, b1, sizeof(b1));
	exl_human_bytes(p->kept, b2, sizeof(b2));
	printf("%s (%s): %zu item%s, %s removable, %s kept\n",
	       tty_safe(show_path(w->run.dir, s2, sizeof(s2)), s1, sizeof(s1)),
	       w->run.synced ? "synced" : "unsynced", p->n, p->n == 1 ? "" : "s",
	       b1, b2);
	for (i = 0; i < p->n; i++) {
		const struct exl_wandb_slim_item *it = &p->items[i];

		exl_human_bytes(it->bytes, b1, sizeof(b1));
		printf("  %-6s %10s  %-16s  %s%s\n", it->keep ? "keep" : "remove",
		       b1, it->what,
		       tty_safe(show_path(it->path, s2, sizeof(s2)), s1, sizeof(s1)),
		       it->is_dir ? "/" : "");
		if (it->keep)
			printf("         (%s)\n", tty_safe(it->keep, s1, sizeof(s1)));
		if (it->note)
			printf("         warning: %s\n", tty_safe(it->note, s1, sizeof(s1)));
	}
}

/* slim_one: plan (and with --yes apply) for one run; *shown counts
 * the runs whose plan was made.  Returns the number of failures (a bad
 * RUN counts as one). */
static int slim_one(const char *arg, const struct slim_opts *o,
		    json_object *out, uint64_t *total_removable,
		    uint64_t *total_freed, int *shown)
{
	struct exl_wandb_slim_plan plan;
	struct exl_wandb_keep keep;
	struct exl_err e = { { 0 } };
	uint64_t freed = 0;
	struct wrun w;
	int failed = 0;

	if (load_named_run(arg, EXL_WANDB_LOAD_LOG, &w) < 0)
		return 1;
	if (w.link_error[0])
		cli_err("warning: %s: run log unreadable, checkpoints it names are not known: %s",
			arg, w.link_error);
	keep.run_log = w.link.run_log;
	keep.state_dir = w.link.state_dir;
	keep.checkpoints = w.link.checkpoints;
	keep.ncheckpoints = w.link.ncheckpoints;
	if (exl_wandb_slim_plan(&w.run, w.linked ? &keep : NULL, o->flags,
				&plan, &e) < 0) {
		cli_err("%s", e.text);
		free_wrun(&w);
		return 1;
	}
	(*shown)++;
	if (!o->json)
		print_plan(&w, &plan);
	if (o->yes) {
		failed = exl_wandb_slim_apply(&plan, &freed, &e);
		if (failed)
			cli_err("%s: %d item%s not removed: %s", arg, failed,
				failed == 1 ? "" : "s", e.text);
	}
	*total_removable += plan.removable;
	*total_freed += freed;
	if (o->json)
		json_object_array_add(out, plan_json(&w, &plan, freed, failed));
	exl_wandb_slim_plan_free(&plan);
	free_wrun(&w);
	return failed;
}

static int parse_slim(int argc, char **argv, struct slim_opts *o)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "include-unsynced", no_argument, NULL, 'U' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'y':
			o->yes = 1;
			break;
		case 'U':
			o->flags |= EXL_WANDB_SLIM_UNSYNCED;
			break;
		case 'J':
			o->json = 1;
			break;
		case 'h':
			fputs(slim_usage, stdout);
			return EXL_EXIT_OK;
		default:
			return cli_bad_option(c, argv, "slim");
		}
	}
	if (optind >= argc)
		return cli_missing("slim", "RUN (a W&B run directory)", slim_usage);
	return -1;
}

int cmd_slim(int argc, char **argv)
{
	struct slim_opts o = { 0 };
	uint64_t removable = 0, freed = 0;
	json_object *runs = NULL, *top;
	char b[32];
	int i, failed = 0, shown = 0, rc = parse_slim(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (o.json)
		runs = json_object_new_array();
	for (i = optind; i < argc; i++)
		failed += slim_one(argv[i], &o, runs, &removable, &freed,
				   &shown);
	if (o.json) {
		top = json_object_new_object();
		json_object_object_add(top, "schema", json_object_new_int(WSYNC_JSON_SCHEMA));
		json_object_object_add(top, "dry_run", json_object_new_boolean(!o.yes));
		json_object_object_add(top, "runs", runs);
		json_object_object_add(top, "removable_bytes", json_object_new_int64((int64_t)removable));
		json_object_object_add(top, "freed_bytes", json_object_new_int64((int64_t)freed));
		print_json(top);
	} else if (!shown) {
		/* every RUN was refused: the errors said it all */
	} else if (!o.yes) {
		exl_human_bytes(removable, b, sizeof(b));
		printf("dry run: nothing removed; run again with --yes to remove %s\n", b);
	} else {
		exl_human_bytes(freed, b, sizeof(b));
		printf("removed %s\n", b);
	}
	return failed ? EXL_EXIT_ERROR : EXL_EXIT_OK;
}
