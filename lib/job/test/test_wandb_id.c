/* Unit tests: a run's one W&B run id (made once, kept in run.json, the
 * same for a requeue; given to a run made before ids; a bad hand-edited
 * one refused with a Status line) and the W&B environment of a job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fileio.h"
#include "job/run_lifecycle.h"
#include "job/wandb_id.h"
#include "runstore/run_record.h"
#include "wandb/wandb_chain.h"
#include "tap.h"

static char root[] = "/tmp/exl-wbid-XXXXXX";

static char *slurp(const char *path)
{
	char *buf = NULL;
	struct exl_err err;

	if (exl_read_file(path, 1 << 20, &buf, NULL, &err) < 0)
		return NULL;
	return buf;
}

static void facts(struct exl_run_facts *f, struct exl_opts *o,
		  const char *job_id, int restart, time_t start)
{
	memset(f, 0, sizeof(*f));
	f->opts = o;
	snprintf(f->task, sizeof(f->task), "train");
	snprintf(f->job.job_id, sizeof(f->job.job_id), "%s", job_id);
	snprintf(f->job.job_name, sizeof(f->job.job_name), "train");
	snprintf(f->job.nodes, sizeof(f->job.nodes), "n1");
	f->job.nnodes = 1;
	snprintf(f->job.batch_host, sizeof(f->job.batch_host), "n1");
	snprintf(f->job.script, sizeof(f->job.script), "/home/u/job.sh");
	snprintf(f->job.submit_dir, sizeof(f->job.submit_dir), "/nonexistent");
	f->job.restart_count = restart;
	f->job.submitted = 1772028000;	/* 2026-02-25 14:00:00 UTC */
	f->job.start = start;
}

/* set_record_id: run.json's wandb_run_id (NULL: none), as a hand edit or
 * an older exp-log would leave it. */
static int set_record_id(const char *state_dir, const char *id)
{
	struct exl_run_record r = { 0 };
	struct exl_err err;
	int rc = -1;

	if (exl_run_record_load(state_dir, &r, &err) == 0 &&
	    exl_rr_str_set(&r.wandb_run_id, id) == 0)
		rc = exl_run_record_save(state_dir, &r, &err);
	exl_run_record_free(&r);
	return rc;
}

static char *record_id(const char *state_dir)
{
	struct exl_run_record r = { 0 };
	struct exl_err err;
	char *id = NULL;

	if (exl_run_record_load(state_dir, &r, &err) == 0 && r.wandb_run_id)
		id = strdup(r.wandb_run_id);
	exl_run_record_free(&r);
	return id;
}

static void test_env(void)
{
	struct exl_wandb_env env[EXL_WANDB_ENV_MAX];
	size_t n, i;
	int keep = 1;

	n = exl_wandb_env("/r/.exp-log/runs/g/s", "ab12cd34", env,
			  EXL_WANDB_ENV_MAX);
	is_int((long)n, 5, "run id, resume and three dirs");
	for (i = 0; i < n; i++)
		keep &= env[i].overwrite == 0;
	ok(keep, "none of them overwrites what the job set");
	is_str(env[0].name, "WANDB_RUN_ID", "WANDB_RUN_ID first");
	is_str(env[0].value, "ab12cd34", "the run's id");
	is_str(env[1].name, "WANDB_RESUME", "then WANDB_RESUME");
	is_str(env[1].value, "allow", "allow: a new run or the same one");
	is_str(env[2].name, "WANDB_DATA_DIR", "artifact staging");
	is_str(env[2].value, "/r/.exp-log/runs/g/s/wandb-cache/data",
	       "inside the state dir");
	is_str(env[3].value, "/r/.exp-log/runs/g/s/wandb-cache/cache",
	       "the cache too");
	is_str(env[4].name, "WANDB_ARTIFACT_DIR", "and downloaded artifacts");
	n = exl_wandb_env("/s", "", env, EXL_WANDB_ENV_MAX);
	is_int((long)n, 3, "no id: only the dirs");
	n = exl_wandb_env("/s", "ab12cd34", env, 2);
	is_int((long)n, 2, "never more than asked for");
}

int main(void)
{
	struct exl_opts o = { .enabled = 1 };
	struct exl_run_facts f;
	struct exl_run_paths paths;
	struct exl_err err;
	char first[80], line[200], *md, *id;

	setenv("TZ", "UTC", 1);
	tzset();
	test_env();
	if (!mkdtemp(root))
		return 1;
	o.group = strdup("g");
	o.wandb = strdup("offline");

	/* a new run: an id, in run.json and the run log */
	facts(&f, &o, "50", 0, 1772028131);
	ok(exl_run_begin(root, &f, &paths, &err) == 0, "offline W&B run begins");
	ok(exl_wandb_valid_run_id(paths.wandb_run_id) == 0 &&
	   strlen(paths.wandb_run_id) == EXL_WANDB_RUN_ID_LEN,
	   "the run has a W&B run id (%s)", paths.wandb_run_id);
	snprintf(first, sizeof(first), "%s", paths.wandb_run_id);
	id = record_id(paths.state_dir);
	is_str(id ? id : "", first, "run.json keeps it");
	free(id);
	md = slurp(paths.run_log);
	snprintf(line, sizeof(line), "- run id: `%s` (WANDB_RUN_ID", first);
	ok(md && strstr(md, line), "the W&B section names it");
	free(md);

	/* Slurm requeues the job: the same id */
	facts(&f, &o, "50", 1, 1772028731);
	ok(exl_run_begin(root, &f, &paths, &err) == 0 && paths.resumed,
	   "requeue resumes");
	is_str(paths.wandb_run_id, first, "the requeued job gets the same id");

	/* a run made before exp-log kept ids: one now, kept from then on */
	ok(set_record_id(paths.state_dir, NULL) == 0, "id removed from run.json");
	facts(&f, &o, "50", 2, 1772029331);
	ok(exl_run_begin(root, &f, &paths, &err) == 0, "second requeue");
	ok(exl_wandb_valid_run_id(paths.wandb_run_id) == 0,
	   "an older run gets an id (%s)", paths.wandb_run_id);
	snprintf(first, sizeof(first), "%s", paths.wandb_run_id);
	id = record_id(paths.state_dir);
	is_str(id ? id : "", first, "saved in run.json");
	free(id);
	md = slurp(paths.run_log);
	snprintf(line, sizeof(line), "- run id: `%s` (WANDB_RUN_ID", first);
	ok(md && strstr(md, line), "and named in the run log");
	free(md);
	facts(&f, &o, "50", 3, 1772029931);
	ok(exl_run_begin(root, &f, &paths, &err) == 0 &&
	   strcmp(paths.wandb_run_id, first) == 0, "and kept by the next job");

	/* the run was synced (exp-wandb-sync wrote its URL): a job that
	 * joins it gets the URL in its block, the run it appends to */
	md = slurp(paths.run_log);
	{
		char *at = md ? strstr(md, "- synced: n/a until the job ends") : NULL;
		FILE *fp = fopen(paths.run_log, "w");

		ok(at && fp, "the run log's synced line");
		if (at && fp) {
			fprintf(fp, "%.*s- synced: https://wandb.ai/t/p/runs/other1, "
				"https://wandb.ai/t/p/runs/%s%s", (int)(at - md), md,
				first, at + strlen("- synced: n/a until the job ends"));
		}
		if (fp)
			fclose(fp);
	}
	free(md);
	facts(&f, &o, "50", 4, 1772030231);
	ok(exl_run_begin(root, &f, &paths, &err) == 0, "a job joins the synced run");
	md = slurp(paths.run_log);
	snprintf(line, sizeof(line), "## Job (resumed)\n- execution_id: 50\n"
		 "- restart: 4\n");
	id = md ? strstr(md, line) : NULL;
	snprintf(line, sizeof(line), "- wandb: https://wandb.ai/t/p/runs/%s\n",
		 first);
	ok(id && strstr(id, line) && !strstr(id, "runs/other1\n"),
	   "its block has the run's URL (not another run's)");
	free(md);

	/* a person's id W&B would refuse: not exported, a Status line */
	ok(set_record_id(paths.state_dir, "no/good") == 0, "a bad id in run.json");
	facts(&f, &o, "50", 5, 1772030531);
	ok(exl_run_begin(root, &f, &paths, &err) == 0,
	   "the job still starts: %s", err.text);
	is_str(paths.wandb_run_id, "", "no id exported");
	md = slurp(paths.run_log);
	ok(md && strstr(md, "W&B: run.json's wandb_run_id \"no/good\" is not a "
			"W&B run id"), "a Status line says why");
	free(md);
	id = record_id(paths.state_dir);
	is_str(id ? id : "", "no/good", "the person's value is left for them");
	free(id);

	/* no run.json: an error, not a made-up id */
	f.wandb_run_id[0] = '\0';
	ok(exl_wandb_id_continue(paths.run_log, root, &f, &err) < 0 &&
	   !f.wandb_run_id[0], "a state dir without run.json: refused (%s)",
	   err.text);

	/* --exp-wandb=disabled: nothing */
	free(o.wandb);
	o.wandb = strdup("disabled");
	facts(&f, &o, "51", 0, 1772028131);
	ok(exl_run_begin(root, &f, &paths, &err) == 0 && !paths.wandb_run_id[0],
	   "disabled W&B: no run id");
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd) != 0)
			diag("cleanup failed");
	}
	exl_opts_free(&o);
	return done_testing();
}
