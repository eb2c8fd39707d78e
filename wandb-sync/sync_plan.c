/* sync_plan.c - which runs exp-wandb-sync sync takes, and where they go. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sync_item.h"
#include "wandb/wandb_names.h"

/* sync_collect_named: the runs given on the command line. */
int sync_collect_named(char **args, size_t n, struct sync_item **out)
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

/* sync_collect_unsynced: every offline run under the roots; the synced
 * ones go once sync_order_chains has seen them. */
int sync_collect_unsynced(char **args, size_t nargs,
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
		if (runs[i].run.offline) {
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
static void choose_dest(struct sync_item *it, const char *entity,
			const char *project)
{
	const struct exl_wandb_link *l = it->w.linked ? &it->w.link : NULL;

	it->entity = entity;
	it->entity_from = entity ? "flag" : NULL;
	if (!it->entity && l && l->entity && valid_wandb_name(l->entity) == 0) {
		it->entity = l->entity;
		it->entity_from = "run log";
	}
	it->project = project;
	it->project_from = project ? "flag" : NULL;
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

/* sync_plan: statuses, destinations and counts for every item. */
void sync_plan(struct sync_item *items, struct sync_summary *s,
	       const char *entity, const char *project, int named)
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
			choose_dest(it, entity, project);
		s->planned += it->status == SYNC_PLANNED;
		s->no_dest += it->status == SYNC_NO_DEST;
	}
}
