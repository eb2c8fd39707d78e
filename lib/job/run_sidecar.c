/* run_sidecar.c - the run's machine state: a new run's run.json record
 * from its facts (the codec is runstore/run_record.c) and the job map /
 * run index entries that lead from a job id to the run log. */
#include <ctype.h>
#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/jobstate.h"
#include "util/jsonfile.h"
#include "runstore/experiments.h"
#include "runstore/layout.h"
#include "util/names.h"
#include "runstore/owned.h"
#include "util/privdrop.h"
#include "report/page_file.h"
#include "watch/progress.h"
#include "runstore/run_index.h"
#include "job/run_lifecycle.h"
#include "runstore/runlog_scan.h"
#include "runstore/runlog_doc.h"
#include "runstore/run_edit.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "runstore/timeline.h"
#include "watch/tracker_events.h"
#include "job/ending.h"
#include "telemetry/telemetry_summary.h"
#include "wandb/wandb_append.h"
#include "watch/env_capture.h"
#include "runstore/unlogged.h"
#include "runstore/wandb_local.h"
#include "job/run_internal.h"

/* set_path: snprintf into a fixed path buffer, failing on truncation. */
int exl_lc_set_path(char *dst, size_t len, const char *src,
		    struct exl_err *err)
{
	if (!src)
		return exl_errnof(err, ENOMEM, "couldn't build a path");
	if (snprintf(dst, len, "%s", src) >= (int)len)
		return exl_errf(err, "path too long: %s", src);
	return 0;
}

/* job_record: the run.json entry for one execution of the run. */
int exl_lc_job_record(struct exl_run_job *j, const struct exl_job_facts *f)
{
	exl_rr_int_set(&j->restart_count, f->restart_count);
	exl_rr_int_set(&j->submitted, (long long)f->submitted);
	exl_rr_int_set(&j->start, (long long)f->start);
	exl_rr_int_set(&j->nnodes, f->nnodes);
	exl_rr_int_set(&j->time_limit_min, f->time_limit_min);
	return exl_rr_str_set(&j->job_id, f->job_id) < 0 ||
	       exl_rr_str_set(&j->array_task,
			      f->array_id[0] ? f->array_id : NULL) < 0 ||
	       exl_rr_str_set(&j->nodes, f->nodes) < 0 ||
	       exl_rr_str_set(&j->partition, f->partition) < 0 ||
	       exl_rr_str_set(&j->signal, f->signal_spec) < 0 ||
	       exl_rr_str_set(&j->batch_host, f->batch_host) < 0 ? -1 : 0;
}

/* opt: s, or NULL for an empty string (an unset field). */
static const char *opt(const char *s)
{
	return s[0] ? s : NULL;
}

/* record_ids: who, what and where of a new run. */
static int record_ids(struct exl_run_record *r, const struct exl_run_facts *f,
		      const char *rel, const char *state_dir)
{
	const struct exl_opts *op = f->opts;

	exl_rr_int_set(&r->schema, EXL_RUN_RECORD_SCHEMA);
	return exl_rr_str_set(&r->run_log, rel) < 0 ||
	       exl_rr_str_set(&r->state_dir, state_dir) < 0 ||
	       exl_rr_str_set(&r->group, op->group) < 0 ||
	       exl_rr_str_set(&r->task, f->task) < 0 ||
	       exl_rr_str_set(&r->run_type, op->run_type) < 0 ||
	       exl_rr_str_set(&r->objective, op->objective) < 0 ||
	       exl_rr_str_set(&r->script, f->job.script) < 0 ||
	       exl_rr_str_set(&r->submit_dir, f->job.submit_dir) < 0 ||
	       exl_rr_str_set(&r->user, f->job.user) < 0 ||
	       exl_rr_str_set(&r->wandb_run_id, opt(f->wandb_run_id)) < 0 ? -1 : 0;
}

/* record_config: --exp-config, its hash and snapshot (none: unset). */
static int record_config(struct exl_run_config *c,
			 const struct exl_run_facts *f)
{
	if (!f->config_abs[0])
		return 0;
	c->present = 1;
	return exl_rr_str_set(&c->path, f->config_abs) < 0 ||
	       exl_rr_str_set(&c->sha256, opt(f->config_sha256)) < 0 ||
	       exl_rr_str_set(&c->snapshot, opt(f->config_snapshot)) < 0 ||
	       exl_rr_str_set(&c->error, opt(f->config_error)) < 0 ? -1 : 0;
}

/* record_dataset: --exp-dataset and what was found there. */
static int record_dataset(struct exl_run_dataset *ds,
			  const struct exl_run_facts *f)
{
	const struct exl_dataset *d = &f->dataset;

	if (!f->opts->dataset)
		return 0;
	ds->present = 1;
	/* read once the program runs (exl_run_late_facts): the name only */
	if (f->late) {
		ds->exists.set = 0;
		return exl_rr_str_set(&ds->given, f->opts->dataset) < 0 ? -1 : 0;
	}
	ds->exists.set = 1;
	ds->exists.v = d->exists;
	if (d->exists) {
		exl_rr_int_set(&ds->bytes, (long long)d->bytes);
		exl_rr_int_set(&ds->files, (long long)d->files);
		exl_rr_int_set(&ds->mtime, (long long)d->mtime);
	}
	return exl_rr_str_set(&ds->given, f->opts->dataset) < 0 ||
	       exl_rr_str_set(&ds->path, opt(f->dataset_abs)) < 0 ||
	       exl_rr_str_set(&ds->sha256, opt(d->sha256)) < 0 ||
	       exl_rr_str_set(&ds->error, opt(d->error)) < 0 ? -1 : 0;
}

/* record_git: the submit directory's repository, when it is one. */
static int record_git(struct exl_run_git *g, const struct exl_run_facts *f)
{
	const struct exl_gitstate *s = &f->git;
	int patch = f->patch_path[0] != '\0';

	if (!s->found || f->late)
		return 0;
	g->present = 1;
	g->dirty.set = 1;
	g->dirty.v = s->dirty;
	return exl_rr_str_set(&g->repo, s->repo) < 0 ||
	       exl_rr_str_set(&g->branch, s->branch) < 0 ||
	       exl_rr_str_set(&g->commit, s->commit) < 0 ||
	       exl_rr_str_set(&g->error, opt(s->error)) < 0 ||
	       exl_rr_str_set(&g->diffstat, opt(s->diffstat)) < 0 ||
	       exl_rr_str_set(&g->patch, patch ? f->patch_path : NULL) < 0 ||
	       exl_rr_str_set(&g->patch_sha256,
			      patch ? f->patch_sha256 : NULL) < 0 ? -1 : 0;
}

int exl_lc_run_record_started(struct exl_run_record *r,
			      const struct exl_run_facts *f)
{
	struct exl_run_job *j = r->jobs.n ? exl_run_job_at(r, 0) : NULL;

	if (!j)
		return -1;
	if (f->job.script[0] && exl_rr_str_set(&r->script, f->job.script) < 0)
		return -1;
	return record_dataset(&r->dataset, f) < 0 || record_git(&r->git, f) < 0 ||
	       exl_lc_job_record(j, &f->job) < 0 ? -1 : 0;
}

int exl_lc_run_record_late(struct exl_run_record *r,
			   const struct exl_run_facts *f)
{
	return record_dataset(&r->dataset, f) < 0 ||
	       record_git(&r->git, f) < 0 ? -1 : 0;
}

int exl_lc_run_record(struct exl_run_record *r, const struct exl_run_facts *f,
		      const char *rel, const char *state_dir)
{
	struct exl_run_job *j;

	if (record_ids(r, f, rel, state_dir) < 0 ||
	    record_config(&r->config, f) < 0 ||
	    (f->opts->statepoints &&
	     exl_rr_map_from_pairs(&r->statepoints, f->opts->statepoints) < 0) ||
	    record_dataset(&r->dataset, f) < 0 || record_git(&r->git, f) < 0)
		return -1;
	if (f->price_per_gpu_hour > 0) {
		r->telemetry.present = 1;
		r->telemetry.price_per_gpu_hour.set = 1;
		r->telemetry.price_per_gpu_hour.v = f->price_per_gpu_hour;
		if (exl_rr_str_set(&r->telemetry.currency, opt(f->currency)) < 0)
			return -1;
	}
	r->jobs.present = 1;
	j = exl_run_record_add_job(r);
	return j ? exl_lc_job_record(j, &f->job) : -1;
}

int exl_lc_write_index(const char *root, const struct exl_run_facts *f,
		       const char *rel, const char *state_rel, int synced,
		       struct exl_err *err)
{
	char *path = exl_layout_job_index(root, f->job.job_id);
	json_object *o = json_object_new_object();
	int rc;

	exl_json_set_str(o, "run_log", rel);
	exl_json_set_str(o, "state_dir", state_rel);
	exl_json_set_str(o, "group", f->opts->group);
	rc = !path ? exl_errnof(err, ENOMEM, "couldn't write job index") :
	     synced ? exl_json_write(path, o, err) :
		      exl_json_write_replace(path, o, err);
	json_object_put(o);
	free(path);
	return rc;
}

/* read_index: run log and state dir (absolute) and group of a job; with
 * relp, the run log relative to root too.  Returns 1 when the job has no
 * index. */
int exl_lc_read_index_rel(const char *root, const char *job_id,
			  char **run_log, char **state_dir, char **group,
			  char **relp, struct exl_err *err)
{
	char *path = exl_layout_job_index(root, job_id);
	const char *rl, *sd, *g;
	json_object *o;
	int rc = -1;

	*run_log = *state_dir = *group = NULL;
	if (relp)
		*relp = NULL;
	if (!path)
		return exl_errnof(err, ENOMEM, "couldn't read job index");
	o = exl_json_read(path, 1 << 16, err);
	if (!o) {
		rc = errno == ENOENT ? 1 : -1;
		free(path);
		return rc;
	}
	rl = exl_json_str(o, "run_log");
	sd = exl_json_str(o, "state_dir");
	g = exl_json_str(o, "group");
	if (exl_layout_safe_rel(rl) < 0 || exl_layout_safe_rel(sd) < 0 ||
	    (g && exl_layout_safe_rel(g) < 0)) {
		exl_errf(err, "%s: unsafe or missing path in job index: remove the file", path);
	} else {
		*run_log = exl_path_join(root, rl);
		*state_dir = exl_path_join(root, sd);
		*group = g ? strdup(g) : NULL;
		if (relp)
			*relp = strdup(rl);
		rc = (*run_log && *state_dir && (!g || *group) &&
		      (!relp || *relp)) ? 0 :
		     exl_errnof(err, ENOMEM, "couldn't read job index");
	}
	json_object_put(o);
	free(path);
	return rc;
}

int exl_lc_read_index(const char *root, const char *job_id, char **run_log,
		      char **state_dir, char **group, struct exl_err *err)
{
	return exl_lc_read_index_rel(root, job_id, run_log, state_dir, group, NULL,
			      err);
}

/* job_key: the job id as the run index records it; NULL when it cannot
 * be an index key. */
const char *exl_lc_job_key(const char *job_id)
{
	return exl_index_valid_key(job_id) == 0 ? job_id : NULL;
}

/* run_key: the run index key of job_id's execution of rel: the job id,
 * or rel's hash key when the id cannot be a file name. */
void exl_lc_run_key(const char *job_id, const char *rel, char *key,
		    size_t len)
{
	if (exl_lc_job_key(job_id))
		snprintf(key, len, "%s", job_id);
	else
		exl_index_hash_key(rel, key, len);
}

/* unlist_earlier: the run's earlier executions (the sidecar's jobs
 * before this one, n of them) are no longer its open ones.  Best effort:
 * an entry left behind names a run that is listed anyway. */
void exl_lc_unlist_earlier(const char *root, const struct exl_run_record *r,
			   size_t n, const char *rel, const char *key)
{
	char old[EXL_INDEX_KEY_MAX + 1];
	size_t i;

	for (i = 0; i < n && i < r->jobs.n; i++) {
		const char *id = exl_run_job_at(r, i)->job_id;

		if (!id)
			continue;
		exl_lc_run_key(id, rel, old, sizeof(old));
		if (strcmp(old, key) != 0)
			(void)exl_index_drop(root, old, rel, NULL);
	}
}

/* index_end: the run's execution job_id ended (its log says so now):
 * from open to recently ended in the run index. */
int exl_lc_index_end(const char *root, const char *job_id, const char *rel,
		     time_t end, const char *run_log, struct exl_err *err)
{
	char key[EXL_INDEX_KEY_MAX + 1];
	struct exl_err ie;

	exl_lc_run_key(job_id, rel, key, sizeof(key));
	if (exl_index_end(root, key, exl_lc_job_key(job_id), rel, end, 0, &ie) == 0)
		return 0;
	return exl_errf(err, "%s closed, but the run index was not updated: %s",
			run_log, ie.text);
}

int exl_run_state_dir(const char *root, const char *job_id, char *out,
		      size_t len, struct exl_err *err)
{
	char *run_log = NULL, *state_dir = NULL, *group = NULL;
	int rc = exl_lc_read_index(root, job_id, &run_log, &state_dir, &group, err);

	if (rc == 0)
		rc = exl_lc_set_path(out, len, state_dir, err);
	free(run_log);
	free(state_dir);
	free(group);
	return rc;
}
