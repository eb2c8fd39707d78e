/* run_sidecar.c - the run's machine state: run.json (its job list) and the
 * job map / run index entries that lead from a job id to the run log. */
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

json_object *exl_lc_statepoints_json(const char *sp);

/* job_json: the sidecar entry for one execution of the run. */
json_object *exl_lc_job_json(const struct exl_job_facts *j)
{
	json_object *o = json_object_new_object();

	exl_json_set_str(o, "job_id", j->job_id);
	if (j->array_id[0])
		exl_json_set_str(o, "array_task", j->array_id);
	exl_json_set_int(o, "restart_count", j->restart_count);
	exl_json_set_int(o, "submitted", (long long)j->submitted);
	exl_json_set_int(o, "start", (long long)j->start);
	exl_json_set_str(o, "nodes", j->nodes);
	exl_json_set_int(o, "nnodes", j->nnodes);
	exl_json_set_str(o, "partition", j->partition);
	exl_json_set_int(o, "time_limit_min", j->time_limit_min);
	exl_json_set_str(o, "signal", j->signal_spec);
	exl_json_set_str(o, "batch_host", j->batch_host);
	return o;
}

/* statepoints_json: "k=v,k2=v2" as {"k": "v", "k2": "v2"}. */
json_object *exl_lc_statepoints_json(const char *sp)
{
	json_object *o = json_object_new_object();
	char *copy = strdup(sp), *save = NULL, *kv;

	for (kv = copy ? strtok_r(copy, ",", &save) : NULL; kv;
	     kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq)
			continue;
		*eq = '\0';
		exl_json_set_str(o, kv, eq + 1);
	}
	free(copy);
	return o;
}

json_object *exl_lc_run_json(const struct exl_run_facts *f, const char *rel,
			     const char *state_dir)
{
	json_object *o = json_object_new_object(), *jobs, *cfg, *git;
	const struct exl_opts *op = f->opts;

	exl_json_set_int(o, "schema", 1);
	exl_json_set_str(o, "run_log", rel);
	exl_json_set_str(o, "state_dir", state_dir);
	exl_json_set_str(o, "group", op->group);
	exl_json_set_str(o, "task", f->task);
	exl_json_set_str(o, "run_type", op->run_type);
	exl_json_set_str(o, "objective", op->objective);
	exl_json_set_str(o, "script", f->job.script);
	exl_json_set_str(o, "submit_dir", f->job.submit_dir);
	exl_json_set_str(o, "user", f->job.user);
	if (f->config_abs[0]) {
		cfg = json_object_new_object();
		exl_json_set_str(cfg, "path", f->config_abs);
		if (f->config_sha256[0])
			exl_json_set_str(cfg, "sha256", f->config_sha256);
		if (f->config_snapshot[0])
			exl_json_set_str(cfg, "snapshot", f->config_snapshot);
		if (f->config_error[0])
			exl_json_set_str(cfg, "error", f->config_error);
		json_object_object_add(o, "config", cfg);
	}
	if (op->statepoints)
		json_object_object_add(o, "statepoints", exl_lc_statepoints_json(op->statepoints));
	if (op->dataset) {
		json_object *ds = json_object_new_object();

		exl_json_set_str(ds, "given", op->dataset);
		if (f->dataset_abs[0])
			exl_json_set_str(ds, "path", f->dataset_abs);
		json_object_object_add(ds, "exists",
				       json_object_new_boolean(f->dataset.exists));
		if (f->dataset.exists) {
			exl_json_set_int(ds, "bytes", (long long)f->dataset.bytes);
			exl_json_set_int(ds, "files", (long long)f->dataset.files);
			exl_json_set_int(ds, "mtime", (long long)f->dataset.mtime);
		}
		if (f->dataset.sha256[0])
			exl_json_set_str(ds, "sha256", f->dataset.sha256);
		if (f->dataset.error[0])
			exl_json_set_str(ds, "error", f->dataset.error);
		json_object_object_add(o, "dataset", ds);
	}
	if (f->git.found) {
		git = json_object_new_object();
		exl_json_set_str(git, "repo", f->git.repo);
		exl_json_set_str(git, "branch", f->git.branch);
		exl_json_set_str(git, "commit", f->git.commit);
		json_object_object_add(git, "dirty",
				       json_object_new_boolean(f->git.dirty));
		if (f->git.error[0])
			exl_json_set_str(git, "error", f->git.error);
		if (f->git.diffstat[0])
			exl_json_set_str(git, "diffstat", f->git.diffstat);
		if (f->patch_path[0]) {
			exl_json_set_str(git, "patch", f->patch_path);
			exl_json_set_str(git, "patch_sha256", f->patch_sha256);
		}
		json_object_object_add(o, "git", git);
	}
	if (f->price_per_gpu_hour > 0) {
		json_object *t = json_object_new_object();

		json_object_object_add(t, "price_per_gpu_hour",
				       json_object_new_double(f->price_per_gpu_hour));
		exl_json_set_str(t, "currency", f->currency[0] ? f->currency : NULL);
		json_object_object_add(o, "telemetry", t);
	}
	jobs = json_object_new_array();
	json_object_array_add(jobs, exl_lc_job_json(&f->job));
	json_object_object_add(o, "jobs", jobs);
	return o;
}

int exl_lc_write_index(const char *root, const struct exl_run_facts *f,
		       const char *rel, const char *state_rel,
		       struct exl_err *err)
{
	char *path = exl_layout_job_index(root, f->job.job_id);
	json_object *o = json_object_new_object();
	int rc;

	exl_json_set_str(o, "run_log", rel);
	exl_json_set_str(o, "state_dir", state_rel);
	exl_json_set_str(o, "group", f->opts->group);
	rc = path ? exl_json_write(path, o, err) :
		    exl_errnof(err, ENOMEM, "couldn't write job index");
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
void exl_lc_unlist_earlier(const char *root, json_object *jobs, size_t n,
			   const char *rel, const char *key)
{
	char old[EXL_INDEX_KEY_MAX + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		const char *id = exl_json_str(json_object_array_get_idx(jobs, i),
					      "job_id");

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
