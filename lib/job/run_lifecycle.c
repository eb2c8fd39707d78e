/* run_lifecycle.c - run log creation and closing (see run_lifecycle.h). */
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

/* set_path: snprintf into a fixed path buffer, failing on truncation. */
static int set_path(char *dst, size_t len, const char *src,
		    struct exl_err *err)
{
	if (!src)
		return exl_errnof(err, ENOMEM, "couldn't build a path");
	if (snprintf(dst, len, "%s", src) >= (int)len)
		return exl_errf(err, "path too long: %s", src);
	return 0;
}

/* fill_paths: what exl_run_begin tells its caller. */
static int fill_paths(struct exl_run_paths *out, const char *run_log,
		      const char *state_dir, const struct exl_run_facts *f,
		      int resumed, struct exl_err *err)
{
	if (set_path(out->run_log, sizeof(out->run_log), run_log, err) < 0 ||
	    set_path(out->state_dir, sizeof(out->state_dir), state_dir, err) < 0 ||
	    set_path(out->wandb_dir, sizeof(out->wandb_dir), f->wandb_dir, err) < 0)
		return -1;
	out->resumed = resumed;
	return 0;
}

/* snapshot_config: hash --exp-config and copy it into the state dir.
 * Failures are recorded in the facts, not fatal: the run log says why. */
static void snapshot_config(struct exl_run_facts *f, const char *state_dir)
{
	struct exl_err e;
	char *dir, *dst;

	if (!f->config_abs[0])
		return;
	if (exl_sha256_file(f->config_abs, f->config_sha256, &e) < 0) {
		snprintf(f->config_error, sizeof(f->config_error), "%s", e.text);
		f->config_sha256[0] = '\0';
		return;
	}
	dir = exl_path_join(state_dir, "config");
	dst = dir ? exl_path_join(dir, exl_basename(f->config_abs)) : NULL;
	if (!dst || exl_mkdir_p(dir, 0755, &e) < 0 ||
	    exl_copy_file(f->config_abs, dst, 64u << 20, &e) < 0) {
		snprintf(f->config_error, sizeof(f->config_error), "%s",
			 dst ? e.text : "out of memory");
	} else {
		snprintf(f->config_snapshot, sizeof(f->config_snapshot), "%s", dst);
	}
	free(dst);
	free(dir);
}

/* save_patch: uncommitted changes of a dirty submit repo, beside the
 * run log's state, so the exact code can be rebuilt.  Best effort. */
static void save_patch(struct exl_run_facts *f, const char *state_dir)
{
	char *path;

	f->patch_path[0] = f->patch_sha256[0] = '\0';
	if (!f->git.found || !f->git.dirty)
		return;
	path = exl_path_join(state_dir, "code.patch");
	if (path && exl_gitstate_write_patch(f->job.submit_dir, path, 16u << 20,
					     f->patch_sha256, NULL) == 0)
		snprintf(f->patch_path, sizeof(f->patch_path), "%s", path);
	free(path);
}

static json_object *statepoints_json(const char *sp);

/* init_event: the built-in tracker's init_run for this execution. */
static void init_event(const struct exl_run_facts *f, const char *state_dir,
		       int resumed)
{
	const struct exl_opts *o = f->opts;
	json_object *e = json_object_new_object(), *cfg, *tags;

	exl_json_set_str(e, "project", o->group ? o->group : f->task);
	exl_json_set_str(e, "group", o->group);
	exl_json_set_str(e, "run", f->task);
	exl_json_set_str(e, "job_id", f->job.job_id);
	tags = json_object_new_array();
	if (o->run_type)
		json_object_array_add(tags, json_object_new_string(o->run_type));
	json_object_object_add(e, "tags", tags);
	cfg = o->statepoints ? statepoints_json(o->statepoints) :
			       json_object_new_object();
	if (f->config_abs[0])
		exl_json_set_str(cfg, "config_path", f->config_abs);
	if (f->config_sha256[0])
		exl_json_set_str(cfg, "config_sha256", f->config_sha256);
	json_object_object_add(e, "config", cfg);
	exl_json_set_str(e, "notes", o->objective);
	json_object_object_add(e, "offline", json_object_new_boolean(1));
	json_object_object_add(e, "resumed", json_object_new_boolean(resumed));
	/* best effort: the run log is what matters */
	exl_events_append(state_dir, "init_run", e, NULL);
	json_object_put(e);
}

/* job_json: the sidecar entry for one execution of the run. */
static json_object *job_json(const struct exl_job_facts *j)
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
static json_object *statepoints_json(const char *sp)
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

static json_object *run_json(const struct exl_run_facts *f, const char *rel,
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
		json_object_object_add(o, "statepoints", statepoints_json(op->statepoints));
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
	json_object_array_add(jobs, job_json(&f->job));
	json_object_object_add(o, "jobs", jobs);
	return o;
}

static int write_index(const char *root, const struct exl_run_facts *f,
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
static int read_index_rel(const char *root, const char *job_id,
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

static int read_index(const char *root, const char *job_id, char **run_log,
		      char **state_dir, char **group, struct exl_err *err)
{
	return read_index_rel(root, job_id, run_log, state_dir, group, NULL,
			      err);
}

/* resumed_block: text of a "## Job (resumed)" block. */
static char *resumed_block(const struct exl_run_facts *f)
{
	const struct exl_job_facts *j = &f->job;
	struct exl_sb b = { 0 };
	char sub[40], st[40], human[64], lim[32];

	exl_time_iso(j->submitted, sub, sizeof(sub));
	exl_time_iso(j->start, st, sizeof(st));
	exl_time_human(j->start, 1, human, sizeof(human));
	exl_minutes_limit(j->time_limit_min, lim, sizeof(lim));
	exl_sb_printf(&b, "## Job (resumed)\n- execution_id: %s\n", j->job_id);
	if (j->restart_count > 0)
		exl_sb_printf(&b, "- restart: %d\n", j->restart_count);
	exl_sb_printf(&b, "- submitted: `%s`\n- start: `%s`\n", sub, st);
	exl_sb_printf(&b, "- start_human: `%s`\n", human);
	exl_sb_printf(&b, "- end: %s\n- end_human: %s\n- runtime: %s\n",
		      EXL_PENDING, EXL_PENDING, EXL_PENDING);
	exl_sb_printf(&b, "- nodes: `%s` (%d)\n", j->nodes, j->nnodes);
	exl_sb_printf(&b, "- partition: %s\n- time_limit: `%s`\n", j->partition,
		      lim);
	exl_sb_printf(&b, "- signal: %s\n", j->signal_spec[0] ? j->signal_spec : "none");
	if (f->resumed_from[0])
		exl_sb_printf(&b, "- resumed from: `%s`\n", f->resumed_from);
	else
		exl_sb_printf(&b, "- resumed from: no checkpoint found (use --exp-checkpoint=PATH)\n");
	return exl_sb_take(&b, NULL);
}

/* append_status: "- <stamp> — text" at the end of ## Status. */
static int append_status(struct exl_doc *d, time_t when, const char *text)
{
	char stamp[32], *line;
	long sec = exl_doc_find_section(d, "Status", 0);
	int rc;

	exl_time_stamp(when, stamp, sizeof(stamp));
	if (asprintf(&line, "- %s — %s", stamp, text) < 0)
		return -1;
	if (sec < 0) {
		/* a human removed the section: put it back at the end */
		rc = exl_doc_insert(d, d->n, "") < 0 ||
		     exl_doc_insert(d, d->n, "## Status") < 0 ? -1 : 0;
		sec = (long)d->n - 1;
		if (rc < 0) {
			free(line);
			return -1;
		}
	}
	rc = exl_doc_append(d, (size_t)sec, line);
	free(line);
	return rc;
}

/* start_run: how a new or resumed run's begin ends: the tracker's
 * init_run, the W&B dir (when f has one), the job index (rel, srel:
 * run log and state dir relative to root) and the caller's paths. */
static int start_run(const char *root, struct exl_run_facts *f,
		     const char *run_log, const char *state_dir,
		     const char *rel, const char *srel, int resumed,
		     struct exl_run_paths *out, struct exl_err *err)
{
	init_event(f, state_dir, resumed);
	if (f->wandb_dir[0] && exl_mkdir_p(f->wandb_dir, 0755, err) < 0)
		return -1;
	if (write_index(root, f, rel, srel, err) < 0)
		return -1;
	return fill_paths(out, run_log, state_dir, f, resumed, err);
}

struct note_arg {
	time_t when;
	const char *text;
};

static int put_note(struct exl_run_edit *e, void *arg)
{
	const struct note_arg *a = arg;

	return append_status(&e->doc, a->when, a->text);
}

int exl_run_note(const char *run_log, time_t when, const char *text,
		 struct exl_err *err)
{
	struct exl_run_edit e = { .run_log = run_log };
	struct note_arg a = { when, text };

	return exl_run_edit(&e, NULL, put_note, &a, err) < 0 ? -1 : 0;
}

/* job_key: the job id as the run index records it; NULL when it cannot
 * be an index key. */
static const char *job_key(const char *job_id)
{
	return exl_index_valid_key(job_id) == 0 ? job_id : NULL;
}

/* run_key: the run index key of job_id's execution of rel: the job id,
 * or rel's hash key when the id cannot be a file name. */
static void run_key(const char *job_id, const char *rel, char *key,
		    size_t len)
{
	if (job_key(job_id))
		snprintf(key, len, "%s", job_id);
	else
		exl_index_hash_key(rel, key, len);
}

/* unlist_earlier: the run's earlier executions (the sidecar's jobs
 * before this one, n of them) are no longer its open ones.  Best effort:
 * an entry left behind names a run that is listed anyway. */
static void unlist_earlier(const char *root, json_object *jobs, size_t n,
			   const char *rel, const char *key)
{
	char old[EXL_INDEX_KEY_MAX + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		const char *id = exl_json_str(json_object_array_get_idx(jobs, i),
					      "job_id");

		if (!id)
			continue;
		run_key(id, rel, old, sizeof(old));
		if (strcmp(old, key) != 0)
			(void)exl_index_drop(root, old, rel, NULL);
	}
}

/* resume_run: append a resumed job block to an existing run log, add the
 * job to its sidecar and point the job index and the run index at it. */
static int resume_run(const char *root, struct exl_run_facts *f,
		      const char *run_log, const char *state_dir,
		      struct exl_run_paths *out, struct exl_err *err)
{
	struct exl_doc d = { 0 };
	char *block = NULL, *side = NULL, msg[4700], *rel = NULL, *srel = NULL;
	char key[EXL_INDEX_KEY_MAX + 1];
	json_object *o = NULL, *jobs;
	size_t rl = strlen(root), n;
	int rc = -1;

	if (strncmp(run_log, root, rl) != 0 || run_log[rl] != '/' ||
	    strncmp(state_dir, root, rl) != 0 || state_dir[rl] != '/')
		return exl_errf(err, "%s: not under the run-log root %s", run_log, root);
	rel = strdup(run_log + rl + 1);
	srel = strdup(state_dir + rl + 1);
	if (!rel || !srel) {
		exl_errnof(err, ENOMEM, "couldn't update %s", run_log);
		goto out;
	}
	if (exl_doc_load(run_log, &d, err) < 0)
		goto out;
	if (f->job.restart_count > 0)
		snprintf(msg, sizeof(msg), "requeued: job %s restarted (restart %d) on %s",
			 f->job.job_id, f->job.restart_count, f->job.batch_host);
	else
		snprintf(msg, sizeof(msg), "resumed: job %s on %s%s%s",
			 f->job.job_id, f->job.batch_host,
			 f->resumed_from[0] ? " from " : "", f->resumed_from);
	block = resumed_block(f);
	if (!block || append_status(&d, f->job.start, msg) < 0 ||
	    exl_doc_insert(&d, d.n, "") < 0) {
		exl_errnof(err, ENOMEM, "couldn't update %s", run_log);
		goto out;
	}
	for (char *l = strtok(block, "\n"); l; l = strtok(NULL, "\n"))
		if (exl_doc_insert(&d, d.n, l) < 0) {
			exl_errnof(err, ENOMEM, "couldn't update %s", run_log);
			goto out;
		}
	/* listed as open before the log says so again */
	run_key(f->job.job_id, rel, key, sizeof(key));
	if (exl_index_open(root, key, job_key(f->job.job_id), rel, err) < 0)
		goto out;
	if (exl_doc_save(run_log, &d, err) < 0)
		goto out;
	side = exl_path_join(state_dir, "run.json");
	o = side ? exl_json_read(side, 1 << 22, err) : NULL;
	if (!o || !(jobs = exl_json_array(o, "jobs"))) {
		if (o)
			exl_errf(err, "%s: no jobs array: the sidecar was edited", side);
		else if (!side)
			exl_errnof(err, ENOMEM, "couldn't update %s", run_log);
		goto out;
	}
	n = json_object_array_length(jobs);
	json_object_array_add(jobs, job_json(&f->job));
	if (exl_json_write(side, o, err) < 0)
		goto out;
	unlist_earlier(root, jobs, n, rel, key);
	if (f->opts->wandb && strcmp(f->opts->wandb, "offline") == 0)
		snprintf(f->wandb_dir, sizeof(f->wandb_dir), "%s/wandb", state_dir);
	rc = start_run(root, f, run_log, state_dir, rel, srel, 1, out, err);
out:
	json_object_put(o);
	free(rel);
	free(srel);
	free(side);
	free(block);
	exl_doc_free(&d);
	return rc;
}

/* lock_line: the rendered new run log with the Status line that says the
 * group lock is a link file (said once, in the log's first version, so no
 * later save can miss it); text itself when fcntl locks work.  NULL when
 * out of memory. */
static char *lock_line(char *text, time_t when)
{
	struct exl_doc d;
	struct exl_err e;
	char *out = NULL;
	size_t len;

	if (exl_lock_kind() != EXL_LOCK_LINK)
		return text;
	if (exl_doc_parse(&d, text, &e) == 0) {
		if (append_status(&d, when, "group lock: link file (this "
				  "filesystem has no fcntl locks)") == 0)
			out = exl_doc_render(&d, &len);
		exl_doc_free(&d);
	}
	free(text);
	return out;
}

/* create_run: pick a free "<date>_<task>[_N].md" and write everything. */
static int create_run(const char *root, const char *gdir,
		      struct exl_run_facts *f, const char *note,
		      struct exl_run_paths *out, struct exl_err *err)
{
	const char *group = f->opts->group;
	char date[16], stem[EXL_NAME_MAX + 32], name[EXL_NAME_MAX + 40];
	char *path = NULL, *sdir = NULL, *text = NULL, *side = NULL;
	char rel[EXL_NAME_MAX * 2 + 64], *srel = NULL;
	char key[EXL_INDEX_KEY_MAX + 1];
	json_object *o = NULL;
	struct stat st;
	int i, rc = -1, made = -1, listed = 0;

	exl_time_date(f->job.start, date, sizeof(date));
	for (i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(stem, sizeof(stem), "%s_%s", date, f->task);
		else
			snprintf(stem, sizeof(stem), "%s_%s_%d", date, f->task, i);
		snprintf(name, sizeof(name), "%s.md", stem);
		free(path);
		path = exl_path_join(gdir, name);
		if (!path)
			return exl_errnof(err, ENOMEM, "couldn't create run log");
		if (lstat(path, &st) == 0)
			continue;
		free(sdir);
		sdir = exl_layout_state_dir(root, group, stem);
		if (!sdir || exl_mkdir_p(sdir, 0755, err) < 0)
			goto out;
		f->config_snapshot[0] = f->config_error[0] = '\0';
		snapshot_config(f, sdir);
		if (f->opts->wandb && strcmp(f->opts->wandb, "offline") == 0)
			snprintf(f->wandb_dir, sizeof(f->wandb_dir), "%s/wandb", sdir);
		save_patch(f, sdir);
		free(text);
		text = exl_runlog_render(f);
		if (text)
			text = lock_line(text, f->job.start);
		if (!text) {
			exl_errnof(err, ENOMEM, "couldn't render run log");
			goto out;
		}
		if (group)
			snprintf(rel, sizeof(rel), "%s/%s", group, name);
		else
			snprintf(rel, sizeof(rel), "%s", name);
		/* listed as open before it exists: a crash in between leaves
		 * an entry naming a missing log, which readers skip */
		run_key(f->job.job_id, rel, key, sizeof(key));
		if (exl_index_open(root, key, job_key(f->job.job_id), rel, err) < 0)
			goto out;
		listed = 1;
		made = exl_create_exclusive(path, text, strlen(text), 0644, err);
		if (made < 0)
			goto out;
		if (made == 0)
			break;
	}
	if (i == 1000) {
		exl_errf(err, "%s/%s_%s: 999 run logs with this name already: use --exp-task",
			 gdir, date, f->task);
		goto out;
	}
	if (note && exl_run_note(path, f->job.start, note, err) < 0)
		goto out;
	if (!(srel = exl_layout_state_rel(group, stem))) {
		exl_errnof(err, ENOMEM, "couldn't create a run log");
		goto out;
	}
	side = exl_path_join(sdir, "run.json");
	o = run_json(f, rel, sdir);
	if (!side || exl_json_write(side, o, err) < 0)
		goto out;
	if (exl_timeline_update(gdir, group, name, f->job.start, err) < 0)
		goto out;
	rc = start_run(root, f, path, sdir, rel, srel, 0, out, err);
out:
	/* no log of ours at the listed path: unlist it (a failure leaves
	 * an entry the reader skips or reads harmlessly) */
	if (listed && made != 0)
		(void)exl_index_drop(root, key, rel, NULL);
	free(srel);
	json_object_put(o);
	free(side);
	free(text);
	free(sdir);
	free(path);
	return rc;
}

/* fresh_root: does root hold no run log and no exp-log state yet?  An
 * index started now then knows every run (run_index.h): the first
 * writer stamps it.  Two first writers may both decide so; both list
 * their runs. */
static int fresh_root(const char *root)
{
	char *jobs = exl_layout_jobs_dir(root);
	struct exl_scan sc;
	struct stat st;
	int fresh;

	if (!jobs)
		return 0;
	fresh = lstat(jobs, &st) < 0 && errno == ENOENT;
	free(jobs);
	if (!fresh)
		return 0;
	if (lstat(root, &st) < 0)
		return errno == ENOENT;
	fresh = exl_scan_list(root, NULL, &sc, NULL) == 0 && sc.n == 0;
	exl_scan_free(&sc);
	return fresh;
}

/* make_meta_dirs: the root, the group dir, .exp-log's subdirs and the
 * run index. */
static int make_meta_dirs(const char *root, const char *gdir,
			  struct exl_err *err)
{
	const char *const *sub = exl_layout_meta_subdirs();
	char *meta = exl_layout_meta(root), *p;
	int rc = 0, fresh = fresh_root(root);
	size_t i;

	if (!meta)
		return exl_errnof(err, ENOMEM, "couldn't create %s", root);
	if (exl_mkdir_p(gdir, 0755, err) < 0 || exl_mkdir_p(meta, 0755, err) < 0)
		rc = -1;
	for (i = 0; rc == 0 && sub[i]; i++) {
		p = exl_path_join(meta, sub[i]);
		if (!p || exl_mkdir_p(p, 0755, err) < 0)
			rc = -1;
		free(p);
	}
	if (rc == 0 && exl_index_init(root, fresh, err) < 0)
		rc = -1;
	free(meta);
	return rc;
}

/* stem_task: does "YYYY-MM-DD_TASK[_N].md" name a run of task?  *order
 * gets a sort key (date, N). */
static int stem_task(const char *name, const char *task, char *order,
		     size_t len)
{
	size_t tl = strlen(task), nl = strlen(name);
	const char *rest;
	long n = 1;

	if (nl < 14 || strcmp(name + nl - 3, ".md") != 0 || name[10] != '_' ||
	    strncmp(name + 11, task, tl) != 0)
		return 0;
	rest = name + 11 + tl;
	if (rest[0] == '_' && isdigit((unsigned char)rest[1])) {
		char *end;

		n = strtol(rest + 1, &end, 10);
		rest = end;
	}
	if (strcmp(rest, ".md") != 0)
		return 0;
	snprintf(order, len, "%.10s %06ld", name, n);
	return 1;
}

/* find_latest_of_task: newest run log of the task in dir (by date, then
 * _N suffix).  NULL when there is none. */
static char *find_latest_of_task(const char *dir, const char *task)
{
	char best[32] = "", order[32], *hit = NULL;
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (!dp)
		return NULL;
	while ((de = readdir(dp))) {
		if (!stem_task(de->d_name, task, order, sizeof(order)) ||
		    strcmp(order, best) <= 0)
			continue;
		free(hit);
		hit = exl_path_join(dir, de->d_name);
		snprintf(best, sizeof(best), "%s", order);
	}
	closedir(dp);
	return hit;
}

/* resume_target: the run log --exp-resume names, which must live in this
 * run's group directory.  NULL with *why set when there is none. */
static char *resume_target(const char *gdir, const struct exl_run_facts *f,
			   char *why, size_t len)
{
	const char *want = f->opts->resume_log;
	char *path, *dir;
	struct stat st;

	if (!want) {
		path = find_latest_of_task(gdir, f->task);
		if (!path)
			snprintf(why, len, "no earlier run log of task %s in %s",
				 f->task, gdir);
		return path;
	}
	path = want[0] == '/' ? strdup(want) : exl_path_join(gdir, exl_basename(want));
	if (!path)
		return NULL;
	dir = exl_dirname(path);
	if (!dir || strcmp(dir, gdir) != 0 || lstat(path, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		snprintf(why, len, "--exp-resume=%s is not a run log in %s", want,
			 gdir);
		free(path);
		path = NULL;
	}
	free(dir);
	return path;
}

/* same_run: may job f continue the run whose sidecar is at state_dir?  A
 * different task or config hash makes it a different run (*why says). */
static int same_run(const char *state_dir, const struct exl_run_facts *f,
		    char *why, size_t len)
{
	char *side = exl_path_join(state_dir, "run.json");
	struct exl_err e;
	json_object *o = side ? exl_json_read(side, 1 << 22, &e) : NULL;
	json_object *cfg;
	const char *task, *sha = NULL;
	int same = 0;

	if (!o) {
		snprintf(why, len, "its sidecar is unreadable (%.400s)",
			 side ? e.text : "out of memory");
		free(side);
		return 0;
	}
	task = exl_json_str(o, "task");
	if (json_object_object_get_ex(o, "config", &cfg))
		sha = exl_json_str(cfg, "sha256");
	if (task && strcmp(task, f->task) != 0)
		snprintf(why, len, "task differs (%s, now %s)", task, f->task);
	else if (sha && f->config_sha256[0] && strcmp(sha, f->config_sha256) != 0)
		snprintf(why, len, "config changed (sha256 %.12s..., now %.12s...)",
			 sha, f->config_sha256);
	else
		same = 1;
	json_object_put(o);
	free(side);
	return same;
}

/* state_dir_of: the state dir of a run log in this group. */
static char *state_dir_of(const char *root, const char *group,
			  const char *run_log)
{
	const char *name = exl_basename(run_log);
	char *stem = strndup(name, strlen(name) - 3), *sd;

	if (!stem)
		return NULL;
	sd = exl_layout_state_dir(root, group, stem);
	free(stem);
	return sd;
}

int exl_run_begin(const char *root, struct exl_run_facts *f,
		  struct exl_run_paths *out, struct exl_err *err)
{
	const char *group = f->opts->group;
	char *gdir = exl_layout_group_dir(root, group);
	char *lock = exl_layout_lock(root, group);
	char *run_log = NULL, *state_dir = NULL, *idx_group = NULL;
	char why[512] = "", note[1400];
	int fd = -1, rc = -1, found;

	memset(out, 0, sizeof(*out));
	if (!gdir || !lock) {
		exl_errnof(err, ENOMEM, "couldn't start run log");
		goto out;
	}
	if (root[0] != '/') {
		exl_errf(err, "run-log root %s: not an absolute path", root);
		goto out;
	}
	if (make_meta_dirs(root, gdir, err) < 0)
		goto out;
	if (f->config_abs[0] && !f->config_sha256[0] &&
	    exl_sha256_file(f->config_abs, f->config_sha256, NULL) < 0)
		f->config_sha256[0] = '\0';
	fd = exl_lock(lock, EXL_LOCK_TIMEOUT, err);
	if (fd < 0)
		goto out;
	/* a requeued job (same id, restart count > 0) continues its log */
	found = read_index(root, f->job.job_id, &run_log, &state_dir,
			   &idx_group, err);
	if (found < 0)
		goto out;
	if (found == 0 && f->job.restart_count > 0 && access(run_log, F_OK) == 0) {
		rc = resume_run(root, f, run_log, state_dir, out, err);
		goto out;
	}
	free(run_log);
	free(state_dir);
	run_log = state_dir = NULL;
	if (f->opts->resume) {
		run_log = resume_target(gdir, f, why, sizeof(why));
		state_dir = run_log ? state_dir_of(root, group, run_log) : NULL;
		if (run_log && state_dir && same_run(state_dir, f, why, sizeof(why))) {
			rc = resume_run(root, f, run_log, state_dir, out, err);
			goto out;
		}
		snprintf(note, sizeof(note), "new run log, not resumed: %s%s%s",
			 run_log ? exl_basename(run_log) : "", run_log ? ": " : "",
			 why[0] ? why : "out of memory");
	}
	rc = create_run(root, gdir, f, f->opts->resume ? note : NULL, out, err);
out:
	exl_unlock(fd);
	free(run_log);
	free(state_dir);
	free(idx_group);
	free(lock);
	free(gdir);
	return rc;
}

/* last_job_entry: the sidecar's newest entry for job_id. */
static json_object *last_job_entry(json_object *run, const char *job_id)
{
	json_object *jobs, *hit = NULL;
	size_t i, n;

	if (!(jobs = exl_json_array(run, "jobs")))
		return NULL;
	n = json_object_array_length(jobs);
	for (i = 0; i < n; i++) {
		json_object *j = json_object_array_get_idx(jobs, i);
		const char *id = exl_json_str(j, "job_id");

		if (id && strcmp(id, job_id) == 0)
			hit = j;
	}
	return hit;
}

/* merge_end: fold what e knows into the sidecar entry.  The batch step's
 * exit status is kept once seen; the scheduler's state and end time
 * replace any earlier guess. */
static void merge_end(json_object *job, const struct exl_run_end *e)
{
	char text[64];

	if (e->have_status && !exl_json_has(job, "exit_status")) {
		exl_json_set_int(job, "exit_status", e->wstatus);
		exl_exit_text(e->wstatus, text, sizeof(text));
		exl_json_set_str(job, "exit", text);
	}
	if (e->sched_state)
		exl_json_set_str(job, "sched_state", e->sched_state);
	/* the scheduler's end time is the job's (an salloc allocation ends
	 * after its steps); otherwise the first end seen stays */
	if (!exl_json_has(job, "end") || e->sched_state)
		exl_json_set_int(job, "end", (long long)e->end);
	exl_json_set_str(job, "ended_by", e->source);
}

/* verdict: the Status text for the merged entry.  A batch script killed
 * by a signal is not a verdict yet: the scheduler says why it was. */
static void verdict(json_object *job, char *buf, size_t len)
{
	const char *st = exl_json_str(job, "sched_state");
	int have = exl_json_has(job, "exit_status");
	int ws = (int)exl_json_int(job, "exit_status", 0);

	if (!st && have && WIFSIGNALED(ws)) {
		char sig[32];

		snprintf(buf, len, "batch script killed by signal %d (%s)",
			 WTERMSIG(ws), exl_signal_name(WTERMSIG(ws), sig,
						       sizeof(sig)));
		return;
	}
	exl_final_text(st, have, ws, buf, len);
}

/* update_doc: end fields of the job block, Results, and the Status line. */
static int update_doc(struct exl_doc *d, json_object *job, const char *job_id,
		      const char *status_line, time_t now, json_object *owned)
{
	char iso_s[40], iso_e[40], human[64], hms[32], val[160], scope[64];
	time_t start = (time_t)exl_json_int(job, "start", 0);
	time_t end = (time_t)exl_json_int(job, "end", now);
	const char *st = exl_json_str(job, "sched_state");
	const char *ex = exl_json_str(job, "exit");
	long blk = exl_doc_find_job_block(d, job_id);
	long res;

	exl_time_iso(start, iso_s, sizeof(iso_s));
	exl_time_iso(end, iso_e, sizeof(iso_e));
	exl_time_human(end, 1, human, sizeof(human));
	exl_duration_hms((long long)(end - start), hms, sizeof(hms));
	snprintf(scope, sizeof(scope), "job:%s:%lld", job_id,
		 exl_json_int(job, "restart_count", 0));
	if (blk >= 0) {
		snprintf(val, sizeof(val), "`%s`", iso_e);
		if (exl_owned_set(d, (size_t)blk, scope, "end", val, owned) < 0)
			return -1;
		snprintf(val, sizeof(val), "`%s`", human);
		if (exl_owned_set(d, (size_t)blk, scope, "end_human", val, owned) < 0)
			return -1;
		snprintf(val, sizeof(val), "`%s`", hms);
		if (exl_owned_set(d, (size_t)blk, scope, "runtime", val, owned) < 0)
			return -1;
	}
	res = exl_doc_find_section(d, "Results", 0);
	if (res >= 0) {
		snprintf(val, sizeof(val), "`%s` (start `%s`, end `%s`)", hms,
			 iso_s, iso_e);
		if (exl_owned_set(d, (size_t)res, "Results", "runtime", val, owned) < 0)
			return -1;
		if (ex && exl_owned_set(d, (size_t)res, "Results", "exit", ex,
					owned) < 0)
			return -1;
		if (st && exl_owned_set(d, (size_t)res, "Results",
					"scheduler_state", st, owned) < 0)
			return -1;
	}
	if (status_line && append_status(d, now, status_line) < 0)
		return -1;
	return 0;
}

/* owned_map: the run's record of what the tools last wrote. */
static json_object *owned_map(json_object *run)
{
	json_object *o;

	if (json_object_object_get_ex(run, "owned", &o) &&
	    json_object_is_type(o, json_type_object))
		return o;
	o = json_object_new_object();
	json_object_object_add(run, "owned", o);
	return o;
}

/* close_out: once the scheduler's final state is known, the story of the
 * end ("ended:" in Results), the warning-signal note in Status (once), and
 * the built-in tracker's finish event if exp-run did not write one. */
/* suggest_next: when Next still holds only the placeholder, suggest what
 * the end calls for: resume after a time limit or preemption, a passport
 * before any eval or upload of a finished checkpoint, a look at the error
 * after a failure.  A person's Next is never touched. */
static int suggest_next(struct exl_doc *d, const char *state)
{
	long sec = exl_doc_find_section(d, "Next", 0), res;
	size_t end, i;
	char *ck = NULL, line[4400];
	int rc = 0, have_ck;

	if (sec < 0)
		return 0;
	end = exl_doc_section_end(d, (size_t)sec);
	for (i = (size_t)sec + 1; i < end; i++)
		if (d->lines[i][0] && strncmp(d->lines[i], "- _(", 4) != 0)
			return 0;	/* somebody wrote here */
	res = exl_doc_find_section(d, "Results", 0);
	if (res >= 0)
		ck = exl_doc_get_key(d, (size_t)res, "checkpoint");
	have_ck = ck && ck[0] == '/';
	for (i = end; i > (size_t)sec + 1; i--)
		if (strncmp(d->lines[i - 1], "- _(", 4) == 0)
			exl_doc_delete(d, i - 1);
	if (strcmp(state, "TIMEOUT") == 0 || strcmp(state, "PREEMPTED") == 0 ||
	    strcmp(state, "NODE_FAIL") == 0) {
		snprintf(line, sizeof(line), "- resume: resubmit with `--exp-resume%s%s%s` (same run log, a resumed job block)",
			 have_ck ? " --exp-checkpoint=" : "", have_ck ? ck : "",
			 have_ck ? "" : "`; point it at the last checkpoint");
		rc = exl_doc_append(d, (size_t)sec, line);
	} else if (strcmp(state, "COMPLETED") == 0 && have_ck) {
		char *dir = exl_dirname(ck);

		snprintf(line, sizeof(line), "- before eval, upload or handoff: `passport generate %s --run <this log>` then `passport sign %s --verdict pass`",
			 dir ? dir : ck, dir ? dir : ck);
		free(dir);
		rc = exl_doc_append(d, (size_t)sec, line);
	} else if (strcmp(state, "COMPLETED") != 0) {
		rc = exl_doc_append(d, (size_t)sec, "- read the error evidence in Status, fix, resubmit (a new run log unless it is the same config)");
	} else {
		rc = exl_doc_append(d, (size_t)sec, "- no checkpoint found: check the checkpoint globs (exp-log.yaml) or where the program saves");
	}
	if (rc == 0)
		rc = exl_doc_append(d, (size_t)sec, "- _(your judgement: what this run showed, what to try next)_");
	free(ck);
	return rc;
}

struct tsum_put {
	struct exl_doc *d;
	long sec;
	json_object *owned;
	int rc;
};

static void put_tsum_line(const char *key, const char *value, void *arg)
{
	struct tsum_put *t = arg;

	if (t->rc == 0 && exl_owned_set(t->d, (size_t)t->sec, "Results", key,
					value, t->owned) < 0)
		t->rc = -1;
}

/* telemetry_results: the nodes' telemetry summed up (GPU util, memory,
 * energy, GPU-hours, cost) into Results, the hardware of every node into
 * Config, both into the sidecar.  Once per execution; a run without
 * telemetry files gets nothing. */
static int telemetry_results(struct exl_doc *d, json_object *run,
			     json_object *job, const char *state_dir,
			     json_object *owned)
{
	struct exl_tsum_opts o = { 0 };
	struct exl_tsum *ts = NULL;
	struct tsum_put put = { d, 0, owned, 0 };
	json_object *tcfg, *v;
	char *hw, *line, *save = NULL;
	long cfg;

	if (exl_json_has(job, "telemetry"))
		return 0;
	if (json_object_object_get_ex(run, "telemetry", &tcfg)) {
		if (json_object_object_get_ex(tcfg, "price_per_gpu_hour", &v))
			o.price_per_gpu_hour = json_object_get_double(v);
		o.currency = exl_json_str(tcfg, "currency");
	}
	o.elapsed_s = (double)(exl_json_int(job, "end", 0) -
			       exl_json_int(job, "start", 0));
	o.job_id = exl_json_str(job, "job_id");
	if (exl_tsum_read(state_dir, &o, &ts, NULL) != 0 || !ts)
		return 0;
	json_object_object_add(job, "telemetry", exl_tsum_json(ts));
	put.sec = exl_doc_find_section(d, "Results", 0);
	if (put.sec >= 0)
		exl_tsum_md_each(ts, put_tsum_line, &put);
	cfg = exl_doc_find_section(d, "Config", 0);
	hw = exl_tsum_hardware_md(ts);
	if (cfg >= 0 && hw && exl_doc_find_key(d, (size_t)cfg, "hardware") < 0)
		for (line = strtok_r(hw, "\n", &save); line && put.rc == 0;
		     line = strtok_r(NULL, "\n", &save))
			if (exl_doc_append(d, (size_t)cfg, line) < 0)
				put.rc = -1;
	free(hw);
	exl_tsum_free(ts);
	return put.rc;
}

/* finalize_wandb: offline W&B runs of this run that nobody finished (the
 * program died before wandb.finish(), exp-run could not run) get an exit
 * record with the job's exit code, so a later sync shows them failed or
 * finished instead of running forever.  Once per execution. */
static int finalize_wandb(struct exl_doc *d, json_object *job,
			  const char *state_dir, int code, time_t now)
{
	struct exl_wandb_finalize_report rep;
	struct exl_err e;
	char *dir, line[768];
	time_t start = (time_t)exl_json_int(job, "start", now);
	unsigned i;
	int rc;

	if (exl_json_has(job, "wandb_finalized"))
		return 0;
	dir = exl_path_join(state_dir, "wandb");
	if (!dir)
		return -1;
	memset(&rep, 0, sizeof(rep));
	rc = exl_wandb_finalize_dir(dir, code, (int)(now - start),
				    EXL_WANDB_REPAIR_TAIL, &rep, &e);
	free(dir);
	exl_json_set_int(job, "wandb_finalized", rep.appended);
	if (rc < 0) {
		snprintf(line, sizeof(line), "W&B offline runs not finalized: %.600s",
			 e.text);
		return append_status(d, now, line);
	}
	if (rep.appended) {
		snprintf(line, sizeof(line),
			 "W&B: %u offline run%s had no exit record: exit code %d appended",
			 rep.appended, rep.appended == 1 ? "" : "s", code);
		if (append_status(d, now, line) < 0)
			return -1;
	}
	for (i = 0; i < rep.ndetail && i < 8; i++) {
		snprintf(line, sizeof(line), "W&B: %.700s", rep.detail[i]);
		if (append_status(d, now, line) < 0)
			return -1;
	}
	return 0;
}

/* experiment_row: keep <group>/experiments.md current for experiment
 * runs: one row per run log; status and notes stay the human's once
 * edited.  Best effort: a failure is noted in the sidecar. */
static void experiment_row(const struct exl_doc *d, json_object *run,
			   json_object *job, const char *run_log)
{
	const char *type = exl_json_str(run, "run_type");
	const char *group = exl_json_str(run, "group");
	const char *st = exl_json_str(job, "sched_state");
	struct exl_experiment_row row = { 0 };
	char *dir = exl_dirname(run_log), *stem, *val = NULL, *tr = NULL;
	char metric[96] = "", status[96], title[128];
	struct exl_err e;
	long res = exl_doc_find_section(d, "Results", 0);

	if (!dir || !type || strcmp(type, "experiment") != 0 || !st) {
		free(dir);
		return;
	}
	stem = strndup(exl_basename(run_log), strlen(exl_basename(run_log)) - 3);
	if (res >= 0) {
		val = exl_doc_get_key(d, (size_t)res, "end_val_loss");
		tr = exl_doc_get_key(d, (size_t)res, "end_train_loss");
	}
	if (val && !exl_owned_placeholder(val))
		snprintf(metric, sizeof(metric), "val_loss %s", val);
	else if (tr && !exl_owned_placeholder(tr))
		snprintf(metric, sizeof(metric), "train_loss %s", tr);
	else
		snprintf(metric, sizeof(metric), "n/a");
	if (strcmp(st, "COMPLETED") == 0)
		snprintf(status, sizeof(status), "completed");
	else if (strcmp(st, "FAILED") == 0)
		snprintf(status, sizeof(status), "failed (%s)",
			 exl_json_str(job, "exit") ? exl_json_str(job, "exit") : "?");
	else
		snprintf(status, sizeof(status), "%s", st);
	for (char *c = status; *c; c++)
		if (*c >= 'A' && *c <= 'Z' && c != status)
			*c = (char)(*c - 'A' + 'a');
	row.run = stem;
	row.description = exl_json_str(run, "objective") ?
			  exl_json_str(run, "objective") : exl_json_str(run, "task");
	row.metric = metric;
	row.status = status;
	exl_group_title(group, title, sizeof(title));
	if (stem && exl_experiments_update(dir, title, &row,
					   exl_json_str(run, "experiments_status"),
					   &e) == 0)
		exl_json_set_str(run, "experiments_status", status);
	else if (stem)
		exl_json_set_str(run, "experiments_error", e.text);
	free(val);
	free(tr);
	free(stem);
	free(dir);
}

static int close_out(struct exl_doc *d, json_object *job, const char *state_dir,
		     time_t now, json_object *owned, struct exl_err *err)
{
	struct exl_ending_in in = { 0 };
	struct exl_err terr;
	char ended[512], note[512];
	long res;
	int code;

	in.sched_state = exl_json_str(job, "sched_state");
	if (!in.sched_state || !exl_state_is_final(in.sched_state))
		return 0;
	in.have_status = exl_json_has(job, "exit_status");
	in.wstatus = (int)exl_json_int(job, "exit_status", 0);
	in.start = (time_t)exl_json_int(job, "start", 0);
	in.end = (time_t)exl_json_int(job, "end", 0);
	in.time_limit_min = (unsigned int)exl_json_int(job, "time_limit_min",
						       0xffffffff);
	in.signal_spec = exl_json_str(job, "signal");
	in.state_dir = state_dir;
	exl_ending_text(&in, ended, sizeof(ended));
	res = exl_doc_find_section(d, "Results", 0);
	if (res >= 0 &&
	    exl_owned_set(d, (size_t)res, "Results", "ended", ended, owned) < 0)
		return exl_errnof(err, ENOMEM, "couldn't update the run log");
	if (!exl_json_has(job, "signal_note") &&
	    exl_ending_signal_note(&in, note, sizeof(note)) == 0) {
		if (append_status(d, now, note) < 0)
			return exl_errnof(err, ENOMEM, "couldn't update the run log");
		exl_json_set_str(job, "signal_note", note);
	}
	/* trackers: the epilog finishes what exp-run could not */
	code = in.have_status ? (WIFSIGNALED(in.wstatus) ?
				 128 + WTERMSIG(in.wstatus) :
				 WEXITSTATUS(in.wstatus)) :
	       strcmp(in.sched_state, "COMPLETED") == 0 ? 0 : 1;
	if (exl_events_finish(state_dir, code, in.sched_state, &terr) < 0)
		exl_json_set_str(job, "tracker_error", terr.text);
	if (finalize_wandb(d, job, state_dir, code, now) < 0 ||
	    suggest_next(d, in.sched_state) < 0)
		return exl_errnof(err, ENOMEM, "couldn't update the run log");
	return 0;
}

/* close_out_run: what needs the whole run (sidecar root), after close_out */
static int close_out_run(struct exl_doc *d, json_object *run, json_object *job,
			 const char *state_dir, struct exl_err *err)
{
	if (!exl_state_is_final(exl_json_str(job, "sched_state")))
		return 0;
	if (telemetry_results(d, run, job, state_dir, owned_map(run)) < 0)
		return exl_errnof(err, ENOMEM, "couldn't update the run log");
	return 0;
}

/* index_end: the run's execution job_id ended (its log says so now):
 * from open to recently ended in the run index. */
static int index_end(const char *root, const char *job_id, const char *rel,
		     time_t end, const char *run_log, struct exl_err *err)
{
	char key[EXL_INDEX_KEY_MAX + 1];
	struct exl_err ie;

	run_key(job_id, rel, key, sizeof(key));
	if (exl_index_end(root, key, job_key(job_id), rel, end, 0, &ie) == 0)
		return 0;
	return exl_errf(err, "%s closed, but the run index was not updated: %s",
			run_log, ie.text);
}

/* with_run: change job_id's run log and sidecar under the group lock
 * (exl_run_edit: a person's save meanwhile is kept), then move the run
 * to "ended" in the run index when the change closed it.  Returns 1 when
 * the job has no run log. */
static int with_run(const char *root, const char *job_id,
		    exl_run_edit_fn fn, void *arg, struct exl_err *err)
{
	char *run_log = NULL, *state_dir = NULL, *group = NULL, *rel = NULL;
	struct exl_run_edit e = { 0 };
	char *lock;
	int rc;

	rc = read_index_rel(root, job_id, &run_log, &state_dir, &group, &rel,
			    err);
	if (rc != 0)
		return rc;
	lock = exl_layout_lock(root, group);
	e.run_log = run_log;
	e.state_dir = state_dir;
	rc = lock ? exl_run_edit(&e, lock, fn, arg, err) :
		    exl_errnof(err, ENOMEM, "couldn't update run log");
	if (rc == 1)
		rc = 0;
	if (rc == 0 && e.closed &&
	    index_end(root, job_id, rel, e.end, run_log, err) < 0)
		rc = -1;
	free(lock);
	free(run_log);
	free(state_dir);
	free(group);
	free(rel);
	return rc;
}

struct end_arg {
	const char *job_id;
	struct exl_run_end e;
	struct exl_err *err;
};

/* drop_provisional: the batch step's verdict was written before the
 * scheduler's final state was known; the final one takes its place, so a
 * run log has one final Status line.  A line a person changed stays. */
static void drop_provisional(struct exl_doc *d, const char *prev)
{
	long sec = exl_doc_find_section(d, "Status", 0);
	size_t i, plen = strlen(prev), l;

	if (sec < 0)
		return;
	for (i = exl_doc_section_end(d, (size_t)sec); i > (size_t)sec + 1; i--) {
		const char *line = d->lines[i - 1], *dash;

		l = strlen(line);
		dash = strstr(line, " — ");
		if (strncmp(line, "- ", 2) == 0 && dash &&
		    dash + strlen(" — ") + plen == line + l &&
		    strcmp(dash + strlen(" — "), prev) == 0) {
			exl_doc_delete(d, i - 1);
			return;
		}
	}
}

static int put_end(struct exl_run_edit *ed, void *arg)
{
	struct end_arg *a = arg;
	json_object *job = last_job_entry(ed->run, a->job_id);
	json_object *owned = owned_map(ed->run);
	time_t now = time(NULL);
	const char *prev;
	char text[256];
	int was_final;

	if (!job)
		return 0;	/* the sidecar was edited: nothing to merge into */
	was_final = exl_state_is_final(exl_json_str(job, "sched_state"));
	merge_end(job, &a->e);
	verdict(job, text, sizeof(text));
	prev = exl_json_str(job, "verdict");
	if (prev && strcmp(prev, text) != 0 && !was_final &&
	    exl_state_is_final(exl_json_str(job, "sched_state")))
		drop_provisional(&ed->doc, prev);
	if (update_doc(&ed->doc, job, a->job_id,
		       prev && strcmp(prev, text) == 0 ? NULL : text, now,
		       owned) < 0)
		return -1;
	exl_json_set_str(job, "verdict", text);
	if (close_out(&ed->doc, job, ed->state_dir, now, owned, a->err) < 0 ||
	    close_out_run(&ed->doc, ed->run, job, ed->state_dir, a->err) < 0)
		return -1;
	if (exl_state_is_final(exl_json_str(job, "sched_state"))) {
		experiment_row(&ed->doc, ed->run, job, ed->run_log);
		ed->closed = 1;
		ed->end = (time_t)exl_json_int(job, "end", (long long)now);
	}
	return 0;
}

int exl_run_end(const char *root, const char *job_id,
		const struct exl_run_end *e_in, struct exl_err *err)
{
	struct end_arg a = { job_id, *e_in, err };

	if (!a.e.end)
		a.e.end = time(NULL);
	return with_run(root, job_id, put_end, &a, err);
}

static int put_status(struct exl_run_edit *ed, void *arg)
{
	return append_status(&ed->doc, time(NULL), arg);
}

int exl_run_status(const char *root, const char *job_id, const char *text,
		   struct exl_err *err)
{
	return with_run(root, job_id, put_status, (void *)text, err);
}

struct results_arg {
	const struct exl_results_fields *rf;
	const char *checkpoint;
};

static int put_results(struct exl_run_edit *ed, void *arg)
{
	const struct results_arg *a = arg;
	struct exl_doc *d = &ed->doc;
	json_object *owned = owned_map(ed->run);
	long res = exl_doc_find_section(d, "Results", 0);
	char ck[4200];
	static const struct { const char *key; size_t off; } f[] = {
		{ "final step", offsetof(struct exl_results_fields, final_step) },
		{ "start_train_loss", offsetof(struct exl_results_fields, start_train_loss) },
		{ "end_train_loss", offsetof(struct exl_results_fields, end_train_loss) },
		{ "start_val_loss", offsetof(struct exl_results_fields, start_val_loss) },
		{ "end_val_loss", offsetof(struct exl_results_fields, end_val_loss) },
		{ "loss_one_liner", offsetof(struct exl_results_fields, loss_one_liner) },
	};
	size_t i;

	if (res < 0)
		return 0;	/* a human removed Results: leave it so */
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (exl_owned_set(d, (size_t)res, "Results", f[i].key,
				  (const char *)a->rf + f[i].off, owned) < 0)
			return -1;
	if (a->checkpoint)
		snprintf(ck, sizeof(ck), "`%s`", a->checkpoint);
	else
		snprintf(ck, sizeof(ck), "none found (looked for checkpoint files written during the job)");
	return exl_owned_set(d, (size_t)res, "Results", "checkpoint", ck,
			     owned) < 0 ? -1 : 0;
}

int exl_run_results(const char *root, const char *job_id,
		    const struct exl_results_fields *rf, const char *checkpoint,
		    struct exl_err *err)
{
	struct results_arg a = { rf, checkpoint };

	return with_run(root, job_id, put_results, &a, err);
}

struct env_arg {
	const char *name;
	const struct exl_env_result *r;
};

static int put_env(struct exl_run_edit *ed, void *arg)
{
	const struct env_arg *a = arg;
	long sec = exl_doc_find_section(&ed->doc, "Config", 0);
	json_object *env, *o;
	char key[160], text[4400];

	if (!json_object_object_get_ex(ed->run, "environment", &env)) {
		env = json_object_new_object();
		json_object_object_add(ed->run, "environment", env);
	}
	o = json_object_new_object();
	exl_json_set_str(o, "path", a->r->path);
	exl_json_set_str(o, "sha256", a->r->sha256);
	exl_json_set_int(o, "wait_status", a->r->status);
	json_object_object_add(o, "timed_out",
			       json_object_new_boolean(a->r->timed_out));
	json_object_object_add(env, a->name, o);
	if (sec < 0)
		return 0;
	snprintf(key, sizeof(key), "env %s", a->name);
	exl_env_result_text(a->r, text, sizeof(text));
	return exl_owned_set(&ed->doc, (size_t)sec, "Config", key, text,
			     owned_map(ed->run)) < 0 ? -1 : 0;
}

int exl_run_env(const char *root, const char *job_id, const char *name,
		const struct exl_env_result *r, struct exl_err *err)
{
	struct env_arg a = { name, r };

	return with_run(root, job_id, put_env, &a, err);
}

struct fact_arg {
	const char *section, *key, *value;
};

static int put_fact(struct exl_run_edit *ed, void *arg)
{
	const struct fact_arg *a = arg;
	long sec = exl_doc_find_section(&ed->doc, a->section, 0);
	json_object *facts;
	char hdr[160];

	if (!json_object_object_get_ex(ed->run, "facts", &facts)) {
		facts = json_object_new_object();
		json_object_object_add(ed->run, "facts", facts);
	}
	exl_json_set_str(facts, a->key, a->value);
	if (sec < 0) {
		snprintf(hdr, sizeof(hdr), "## %s", a->section);
		if (exl_doc_insert(&ed->doc, ed->doc.n, "") < 0 ||
		    exl_doc_insert(&ed->doc, ed->doc.n, hdr) < 0)
			return -1;
		sec = (long)ed->doc.n - 1;
	}
	return exl_owned_set(&ed->doc, (size_t)sec, a->section, a->key,
			     a->value, owned_map(ed->run)) < 0 ? -1 : 0;
}

int exl_run_fact(const char *root, const char *job_id, const char *section,
		 const char *key, const char *value, struct exl_err *err)
{
	struct fact_arg a = { section, key, value };

	return with_run(root, job_id, put_fact, &a, err);
}

struct end_as_arg {
	const char *root;
	const char *job_id;
	const struct exl_run_end *e;
};

/* end_in_child: as the user; a run log that can't be written leaves the
 * fallback record in the user's home (unlogged.h). */
static int end_in_child(void *arg, struct exl_err *err)
{
	const struct end_as_arg *a = arg;
	struct exl_err ue;

	if (exl_run_end(a->root, a->job_id, a->e, err) >= 0)
		return 0;
	if (a->e->home)
		(void)exl_unlogged_write(a->e->home, a->job_id, a->root,
					 err->text, time(NULL), &ue);
	return -1;
}

int exl_run_end_as_user(uid_t uid, gid_t gid, const gid_t *groups,
			int ngroups, const char *root, const char *job_id,
			const struct exl_run_end *e, struct exl_err *err)
{
	struct end_as_arg a = { root, job_id, e };

	return exl_as_user(uid, gid, groups, ngroups, 60, end_in_child, &a, err);
}

int exl_run_state_dir(const char *root, const char *job_id, char *out,
		      size_t len, struct exl_err *err)
{
	char *run_log = NULL, *state_dir = NULL, *group = NULL;
	int rc = read_index(root, job_id, &run_log, &state_dir, &group, err);

	if (rc == 0)
		rc = set_path(out, len, state_dir, err);
	free(run_log);
	free(state_dir);
	free(group);
	return rc;
}
