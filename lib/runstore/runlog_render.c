/* runlog_render.c - the initial markdown of a run log (DESIGN.md §4). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/run_facts.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "runstore/wandb_local.h"
#include "runstore/runlog_keys.h"

void exl_runlog_render_dataset(struct exl_sb *b, const struct exl_run_facts *f)
{
	const struct exl_opts *o = f->opts;
	char dtext[512];

	if (!o->dataset) {
		exl_sb_printf(b, "- " EXL_K_DATASET ": not given (use --exp-dataset=PATH|URL)\n");
	} else if (f->job.start == 0) {
		exl_sb_printf(b, "- " EXL_K_DATASET ": `%s` (checked when the job starts)\n",
			      o->dataset);
	} else if (f->late) {
		exl_sb_printf(b, "- " EXL_K_DATASET ": `%s` " EXL_PENDING_RUN "\n",
			      o->dataset);
	} else {
		exl_dataset_text(&f->dataset, dtext, sizeof(dtext));
		exl_sb_printf(b, "- " EXL_K_DATASET ": `%s` (%s)\n", f->dataset_abs[0] ?
			      f->dataset_abs : o->dataset, dtext);
	}
}

void exl_runlog_render_code(struct exl_sb *b, const struct exl_run_facts *f)
{
	const struct exl_gitstate *g = &f->git;

	if (f->job.start == 0) {
		exl_sb_printf(b, "- " EXL_K_CODE ": " EXL_PENDING_START "\n");
	} else if (f->late) {
		exl_sb_printf(b, "- " EXL_K_CODE ": " EXL_PENDING_RUN "\n");
	} else if (!g->found) {
		exl_sb_printf(b, "- " EXL_K_CODE ": `%s` is not in a git repository\n",
			  f->job.submit_dir);
	} else {
		exl_sb_printf(b, "- " EXL_K_REPO ": `%s`\n", g->repo);
		exl_sb_printf(b, "- " EXL_K_BRANCH ": `%s`\n", g->branch);
		exl_sb_printf(b, "- " EXL_K_COMMIT ": `%s`\n", g->commit[0] ? g->commit : "none");
		if (g->error[0])
			exl_sb_printf(b, "- " EXL_K_DIRTY ": unknown (%s)\n", g->error);
		else
			exl_sb_printf(b, "- " EXL_K_DIRTY ": %s\n", g->dirty ? "yes" : "no");
		if (g->diffstat[0] && f->patch_path[0])
			exl_sb_printf(b, "- " EXL_K_DIFF ": %s (patch `%s`, sha256 `%s`)\n",
				      g->diffstat, f->patch_path, f->patch_sha256);
		else if (g->diffstat[0])
			exl_sb_printf(b, "- " EXL_K_DIFF ": %s\n", g->diffstat);
	}
}

static void render_config(struct exl_sb *b, const struct exl_run_facts *f)
{
	const struct exl_opts *o = f->opts;

	exl_sb_printf(b, "## Config\n");
	exl_sb_printf(b, "- " EXL_K_SCRIPT ": `%s`\n", f->job.script[0] ? f->job.script : "(unknown)");
	if (f->config_abs[0] && f->config_sha256[0])
		exl_sb_printf(b, "- " EXL_K_CONFIG ": `%s` (sha256 `%s`)\n", f->config_abs,
			  f->config_sha256);
	else if (f->config_abs[0])
		exl_sb_printf(b, "- " EXL_K_CONFIG ": `%s` (not readable: %s)\n", f->config_abs,
			  f->config_error);
	else
		exl_sb_printf(b, "- " EXL_K_CONFIG ": none given (use --exp-config=PATH)\n");
	if (f->config_snapshot[0])
		exl_sb_printf(b, "- " EXL_K_CONFIG_SNAPSHOT ": `%s`\n", f->config_snapshot);
	exl_runlog_render_dataset(b, f);
	if (o->statepoints)
		exl_sb_printf(b, "- " EXL_K_STATEPOINTS ": `%s`\n", o->statepoints);
	exl_sb_printf(b, "- " EXL_K_KEY_SETTINGS ": _(learning rate, batch size, resume: fill in)_\n");
	exl_runlog_render_code(b, f);
	exl_sb_printf(b, "\n");
}

/* render_submitted_job: the "## Job" section of a job still in the queue
 * (exl_run_submit): what the submission knows, the rest to be filled in
 * when it starts. */
static void render_submitted_job(struct exl_sb *b, const struct exl_run_facts *f,
				 const char *sub, const char *lim)
{
	const struct exl_job_facts *j = &f->job;

	exl_sb_printf(b, "## Job\n");
	exl_sb_printf(b, "- " EXL_K_EXECUTION_ID ": %s\n", j->job_id);
	exl_sb_printf(b, "- " EXL_K_SUBMITTED ": `%s`\n", sub);
	exl_sb_printf(b, "- " EXL_K_START ": " EXL_PENDING_START "\n");
	exl_sb_printf(b, "- " EXL_K_START_HUMAN ": " EXL_PENDING_START "\n");
	exl_sb_printf(b, "- " EXL_K_END ": %s\n", EXL_PENDING);
	exl_sb_printf(b, "- " EXL_K_END_HUMAN ": %s\n", EXL_PENDING);
	exl_sb_printf(b, "- " EXL_K_RUNTIME ": %s\n", EXL_PENDING);
	exl_sb_printf(b, "- " EXL_K_NODES ": " EXL_PENDING_START "\n");
	exl_sb_printf(b, "- " EXL_K_PARTITION ": %s\n", j->partition[0] ?
		      j->partition : EXL_PENDING_START);
	exl_sb_printf(b, "- " EXL_K_TIME_LIMIT ": `%s`\n", lim);
	exl_sb_printf(b, "- " EXL_K_SIGNAL ": %s\n", j->signal_spec[0] ? j->signal_spec :
		  "none (add --signal=B:TERM@90 for a grace period)");
	exl_sb_printf(b, "\n");
}

/* render_job_block: the "## Job" section; also used for resumed blocks. */
static void render_job(struct exl_sb *b, const struct exl_run_facts *f)
{
	const struct exl_job_facts *j = &f->job;
	char sub[40], st[40], human[64], lim[32];

	exl_time_iso(j->submitted, sub, sizeof(sub));
	exl_time_iso(j->start, st, sizeof(st));
	exl_time_human(j->start, 1, human, sizeof(human));
	exl_minutes_limit(j->time_limit_min, lim, sizeof(lim));
	if (!j->start) {
		render_submitted_job(b, f, sub, lim);
		return;
	}
	exl_sb_printf(b, "## Job\n");
	exl_sb_printf(b, "- " EXL_K_EXECUTION_ID ": %s\n", j->job_id);
	if (j->array_id[0])
		exl_sb_printf(b, "- " EXL_K_ARRAY_TASK ": %s\n", j->array_id);
	if (j->depends_on[0])
		exl_sb_printf(b, "- " EXL_K_DEPENDS_ON ": %s\n", j->depends_on);
	if (j->needed_by[0])
		exl_sb_printf(b, "- " EXL_K_NEEDED_BY ": %s\n", j->needed_by);
	exl_sb_printf(b, "- " EXL_K_SUBMITTED ": `%s`\n", sub);
	exl_sb_printf(b, "- " EXL_K_START ": `%s`\n", st);
	exl_sb_printf(b, "- " EXL_K_START_HUMAN ": `%s`\n", human);
	exl_sb_printf(b, "- " EXL_K_END ": %s\n", EXL_PENDING);
	exl_sb_printf(b, "- " EXL_K_END_HUMAN ": %s\n", EXL_PENDING);
	exl_sb_printf(b, "- " EXL_K_RUNTIME ": %s\n", EXL_PENDING);
	exl_sb_printf(b, "- " EXL_K_NODES ": `%s` (%d)\n", j->nodes, j->nnodes);
	exl_sb_printf(b, "- " EXL_K_PARTITION ": %s\n", j->partition);
	exl_sb_printf(b, "- " EXL_K_TIME_LIMIT ": `%s`\n", lim);
	exl_sb_printf(b, "- " EXL_K_SIGNAL ": %s\n", j->signal_spec[0] ? j->signal_spec :
		  "none (add --signal=B:TERM@90 for a grace period)");
	if (j->tres[0])
		exl_sb_printf(b, "- resources: `%s`\n", j->tres);
	/* --exp-checkpoint is recorded as given, even when it is missing */
	if (f->resumed_from[0])
		exl_sb_printf(b, "- " EXL_K_RESUMED_FROM ": `%s`%s\n", f->resumed_from,
			      f->resumed_from_missing ?
			      " (not found when the job started)" : "");
	exl_sb_printf(b, "\n");
}

char *exl_runlog_render(const struct exl_run_facts *f)
{
	const struct exl_opts *o = f->opts;
	struct exl_sb b = { 0 };
	char stamp[32];

	exl_time_stamp(f->job.start ? f->job.start : f->job.submitted, stamp,
		       sizeof(stamp));
	if (o->objective)
		exl_sb_printf(&b, "# %s — %s\n\n", f->task, o->objective);
	else
		exl_sb_printf(&b, "# %s — job %s\n\n", f->task,
			  f->job.job_name[0] ? f->job.job_name : f->job.job_id);
	exl_sb_printf(&b, "## Mode\n");
	exl_sb_printf(&b, "- " EXL_K_RUN_TYPE ": %s\n", o->run_type ? o->run_type :
		  "unspecified (use --exp-mode=replication|experiment|pipeline:SUBTYPE)");
	exl_sb_printf(&b, "- " EXL_K_OBJECTIVE ": %s\n\n", o->objective ? o->objective :
		  "_(one line: what this run should show)_");
	render_config(&b, f);
	render_job(&b, f);
	exl_sb_printf(&b, "## Status\n");
	if (!f->job.start)
		exl_sb_printf(&b, "- %s — submitted: job %s (partition %s)\n\n",
			      stamp, f->job.job_id, f->job.partition[0] ?
			      f->job.partition : "default");
	else
		exl_sb_printf(&b, "- %s — started: job %s on %s (%d node%s)\n\n",
			      stamp, f->job.job_id, f->job.batch_host[0] ?
			      f->job.batch_host : f->job.nodes, f->job.nnodes,
			      f->job.nnodes == 1 ? "" : "s");
	exl_sb_printf(&b, "## Results\n");
	exl_sb_printf(&b, "- " EXL_K_RUNTIME ": %s\n", EXL_PENDING);
	exl_sb_printf(&b, "- " EXL_K_EXIT ": %s\n", EXL_PENDING);
	exl_sb_printf(&b, "- " EXL_K_SCHEDULER_STATE ": %s\n", EXL_PENDING);
	exl_sb_printf(&b, "- " EXL_K_FINAL_STEP ": %s\n", EXL_PENDING);
	exl_sb_printf(&b, "- " EXL_K_CHECKPOINT ": %s\n", EXL_PENDING);
	if (f->config_snapshot[0])
		exl_sb_printf(&b, "- " EXL_K_CONFIG_SNAPSHOT ": `%s`\n", f->config_snapshot);
	exl_sb_printf(&b, "\n## W&B\n");
	if (f->wandb_dir[0]) {
		char local[4400];

		/* the offline run is named (or its absence said) at the end */
		exl_wandb_local_start(f->wandb_dir, local, sizeof(local));
		exl_sb_printf(&b, "- " EXL_K_LOCAL ": %s\n", local);
		exl_sb_printf(&b, "- " EXL_K_SYNCED ": n/a until the job ends\n");
		if (f->wandb_run_id[0]) {
			exl_wandb_local_run_id(f->wandb_run_id, local,
					       sizeof(local));
			exl_sb_printf(&b, "- " EXL_K_RUN_ID ": %s\n", local);
		}
	} else if (o->wandb && strcmp(o->wandb, "disabled") == 0) {
		exl_sb_printf(&b, "- " EXL_K_LOCAL ": disabled (--exp-wandb=disabled)\n");
		exl_sb_printf(&b, "- " EXL_K_SYNCED ": n/a\n");
	} else {
		exl_sb_printf(&b, "- " EXL_K_LOCAL ": n/a\n");
		exl_sb_printf(&b, "- " EXL_K_SYNCED ": n/a\n");
	}
	if (o->wandb_entity)
		exl_sb_printf(&b, "- " EXL_K_ENTITY ": %s\n", o->wandb_entity);
	if (o->wandb_project)
		exl_sb_printf(&b, "- " EXL_K_PROJECT ": %s\n", o->wandb_project);
	exl_sb_printf(&b, "- " EXL_K_NOTES ": _(your read of the curves)_\n\n");
	exl_sb_printf(&b, "## Next\n");
	exl_sb_printf(&b, "- _(what to do next: resume, passport + signoff, next experiment)_\n");
	return exl_sb_take(&b, NULL);
}
