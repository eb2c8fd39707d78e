/* wandb_id.c - a run's W&B run id and W&B's dirs (wandb_id.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runstore/run_record.h"
#include "runstore/runlog_doc.h"
#include "runstore/runlog_keys.h"
#include "runstore/wandb_local.h"
#include "wandb/wandb_chain.h"
#include "wandb/wandb_names.h"
#include "job/run_internal.h"
#include "job/wandb_id.h"

void exl_wandb_id_new(struct exl_run_facts *f)
{
	if (!f->wandb_dir[0] || f->wandb_run_id[0])
		return;
	if (exl_wandb_new_run_id(f->wandb_run_id, sizeof(f->wandb_run_id)) < 0)
		f->wandb_run_id[0] = '\0';
}

/* name_in_log: the "- run id:" line in the run log's ## W&B (a section
 * a person removed stays removed). */
static int name_in_log(const char *run_log, const char *id,
		       struct exl_err *err)
{
	struct exl_doc d;
	char line[256];
	long sec;
	int rc = 0;

	if (exl_doc_load(run_log, &d, err) < 0)
		return -1;
	sec = exl_doc_find_section(&d, "W&B", 0);
	if (sec >= 0) {
		exl_wandb_local_run_id(id, line, sizeof(line));
		rc = exl_doc_set_key(&d, (size_t)sec, EXL_K_RUN_ID, line) < 0 ?
		     exl_errnof(err, ENOMEM, "couldn't update %s", run_log) :
		     exl_doc_save(run_log, &d, err);
	}
	exl_doc_free(&d);
	return rc;
}

/* refuse_id: a Status line saying why a person's id is not used. */
static int refuse_id(const char *run_log, const char *state_dir,
		     const char *id, struct exl_err *err)
{
	struct exl_doc d;
	char line[512];
	int rc;

	if (exl_doc_load(run_log, &d, err) < 0)
		return -1;
	snprintf(line, sizeof(line), "W&B: run.json's wandb_run_id \"%.80s\" "
		 "is not a W&B run id (1 to %d letters, digits, '_'): "
		 "WANDB_RUN_ID not set; correct or remove it in run.json (in %.200s)",
		 id, EXL_WANDB_RUN_ID_MAX, state_dir);
	rc = exl_lc_append_status(&d, time(NULL), line) < 0 ?
	     exl_errnof(err, ENOMEM, "couldn't update %s", run_log) :
	     exl_doc_save(run_log, &d, err);
	exl_doc_free(&d);
	return rc;
}

/* synced_url: the URL of run id in the "- synced:" value of ## W&B
 * (one of its comma-separated URLs ends in "/runs/ID"), malloc'd; NULL
 * when the run was not synced yet. */
static char *synced_url(const struct exl_doc *d, const char *id)
{
	long sec = exl_doc_find_section(d, "W&B", 0);
	char *v = sec >= 0 ? exl_doc_get_key(d, (size_t)sec, EXL_K_SYNCED) : NULL;
	char *tok, *save = NULL, *url = NULL;
	size_t n = strlen(id);

	for (tok = v ? strtok_r(v, ", ", &save) : NULL; tok && !url;
	     tok = strtok_r(NULL, ", ", &save)) {
		size_t t = strlen(tok);

		if (strncmp(tok, "https://", 8) == 0 && t > n + 6 &&
		    strcmp(tok + t - n, id) == 0 &&
		    strncmp(tok + t - n - 6, "/runs/", 6) == 0)
			url = strdup(tok);
	}
	free(v);
	return url;
}

/* last_block_url: a job that joins a W&B run synced already gets its
 * URL in its job block (the last one): the run it appends to has it. */
static int last_block_url(const char *run_log, const char *id,
			  struct exl_err *err)
{
	struct exl_doc d;
	char *url, *old;
	long blk = -1;
	int rc = 0;

	if (exl_doc_load(run_log, &d, err) < 0)
		return -1;
	url = synced_url(&d, id);
	if (url)
		blk = exl_doc_last_job_block(&d);
	old = blk >= 0 ? exl_doc_get_key(&d, (size_t)blk, "wandb") : NULL;
	if (blk >= 0 && !old)
		rc = exl_doc_set_key(&d, (size_t)blk, "wandb", url) < 0 ?
		     exl_errnof(err, ENOMEM, "couldn't update %s", run_log) :
		     exl_doc_save(run_log, &d, err);
	free(old);
	free(url);
	exl_doc_free(&d);
	return rc;
}

int exl_wandb_id_continue(const char *run_log, const char *state_dir,
			  struct exl_run_facts *f, struct exl_err *err)
{
	struct exl_run_record r = { 0 };
	int rc = exl_run_record_load(state_dir, &r, err);

	if (rc != 0) {
		exl_run_record_free(&r);
		return rc < 0 ? -1 : exl_errf(err, "%s: the run has no run.json",
					      state_dir);
	}
	f->wandb_run_id[0] = '\0';
	if (r.wandb_run_id && exl_wandb_valid_run_id(r.wandb_run_id) == 0) {
		snprintf(f->wandb_run_id, sizeof(f->wandb_run_id), "%s",
			 r.wandb_run_id);
		rc = last_block_url(run_log, f->wandb_run_id, err);
	} else if (r.wandb_run_id) {
		rc = refuse_id(run_log, state_dir, r.wandb_run_id, err);
	} else {
		/* a run made before exp-log kept W&B run ids */
		exl_wandb_id_new(f);
		if (f->wandb_run_id[0] &&
		    (exl_rr_str_set(&r.wandb_run_id, f->wandb_run_id) < 0 ?
		     exl_errnof(err, ENOMEM, "couldn't update %s", state_dir) :
		     exl_run_record_save(state_dir, &r, err)) < 0)
			rc = -1;
		else if (f->wandb_run_id[0])
			rc = name_in_log(run_log, f->wandb_run_id, err);
	}
	exl_run_record_free(&r);
	return rc;
}

/* put: one variable, value a printf of state_dir. */
static size_t put(struct exl_wandb_env *env, size_t n, size_t max,
		  const char *name, const char *value, const char *sub)
{
	if (n >= max)
		return n;
	env[n].name = name;
	env[n].overwrite = 0;
	if (sub)
		snprintf(env[n].value, sizeof(env[n].value), "%s/%s/%s",
			 value, EXL_WANDB_CACHE_DIR, sub);
	else
		snprintf(env[n].value, sizeof(env[n].value), "%s", value);
	return n + 1;
}

size_t exl_wandb_env(const char *state_dir, const char *id,
		     struct exl_wandb_env *env, size_t max)
{
	size_t n = 0;

	if (id && id[0]) {
		n = put(env, n, max, "WANDB_RUN_ID", id, NULL);
		n = put(env, n, max, "WANDB_RESUME", "allow", NULL);
	}
	if (state_dir && state_dir[0]) {
		/* artifact staging (WANDB_DATA_DIR), the artifact cache and
		 * downloaded artifacts: out of $HOME and its quota */
		n = put(env, n, max, "WANDB_DATA_DIR", state_dir, "data");
		n = put(env, n, max, "WANDB_CACHE_DIR", state_dir, "cache");
		n = put(env, n, max, "WANDB_ARTIFACT_DIR", state_dir, "artifacts");
	}
	return n;
}
