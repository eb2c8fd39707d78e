/* run_record.c - run.json's codec (run_record.h): one table per JSON
 * object names its keys, their types and where they live in the struct
 * (the only place that spells them); record_codec.c walks the tables. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runstore/layout.h"
#include "runstore/record_codec.h"
#include "runstore/run_record.h"
#include "util/fileio.h"
#include "util/jsonfile.h"

#define OFF(st, m) offsetof(struct st, m)
#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct rr_field config_f[] = {
	{ "path", T_STR, OFF(exl_run_config, path), NULL },
	{ "sha256", T_STR, OFF(exl_run_config, sha256), NULL },
	{ "snapshot", T_STR, OFF(exl_run_config, snapshot), NULL },
	{ "error", T_STR, OFF(exl_run_config, error), NULL },
};

static const struct rr_kind config_k = {
	config_f, NF(config_f), sizeof(struct exl_run_config),
	OFF(exl_run_config, present), OFF(exl_run_config, extra), -1
};

static const struct rr_field dataset_f[] = {
	{ "given", T_STR, OFF(exl_run_dataset, given), NULL },
	{ "path", T_STR, OFF(exl_run_dataset, path), NULL },
	{ "exists", T_BOOL, OFF(exl_run_dataset, exists), NULL },
	{ "bytes", T_INT, OFF(exl_run_dataset, bytes), NULL },
	{ "files", T_INT, OFF(exl_run_dataset, files), NULL },
	{ "mtime", T_INT, OFF(exl_run_dataset, mtime), NULL },
	{ "sha256", T_STR, OFF(exl_run_dataset, sha256), NULL },
	{ "error", T_STR, OFF(exl_run_dataset, error), NULL },
};

static const struct rr_kind dataset_k = {
	dataset_f, NF(dataset_f), sizeof(struct exl_run_dataset),
	OFF(exl_run_dataset, present), OFF(exl_run_dataset, extra), -1
};

static const struct rr_field git_f[] = {
	{ "repo", T_STR, OFF(exl_run_git, repo), NULL },
	{ "branch", T_STR, OFF(exl_run_git, branch), NULL },
	{ "commit", T_STR, OFF(exl_run_git, commit), NULL },
	{ "dirty", T_BOOL, OFF(exl_run_git, dirty), NULL },
	{ "error", T_STR, OFF(exl_run_git, error), NULL },
	{ "diffstat", T_STR, OFF(exl_run_git, diffstat), NULL },
	{ "patch", T_STR, OFF(exl_run_git, patch), NULL },
	{ "patch_sha256", T_STR, OFF(exl_run_git, patch_sha256), NULL },
};

static const struct rr_kind git_k = {
	git_f, NF(git_f), sizeof(struct exl_run_git),
	OFF(exl_run_git, present), OFF(exl_run_git, extra), -1
};

static const struct rr_field tcost_f[] = {
	{ "price_per_gpu_hour", T_NUM, OFF(exl_run_tcost, price_per_gpu_hour), NULL },
	{ "currency", T_STR, OFF(exl_run_tcost, currency), NULL },
};

static const struct rr_kind tcost_k = {
	tcost_f, NF(tcost_f), sizeof(struct exl_run_tcost),
	OFF(exl_run_tcost, present), OFF(exl_run_tcost, extra), -1
};

static const struct rr_field job_f[] = {
	{ "job_id", T_STR, OFF(exl_run_job, job_id), NULL },
	{ "array_task", T_STR, OFF(exl_run_job, array_task), NULL },
	{ "restart_count", T_INT, OFF(exl_run_job, restart_count), NULL },
	{ "submitted", T_INT, OFF(exl_run_job, submitted), NULL },
	{ "start", T_INT, OFF(exl_run_job, start), NULL },
	{ "nodes", T_STR, OFF(exl_run_job, nodes), NULL },
	{ "nnodes", T_INT, OFF(exl_run_job, nnodes), NULL },
	{ "partition", T_STR, OFF(exl_run_job, partition), NULL },
	{ "time_limit_min", T_INT, OFF(exl_run_job, time_limit_min), NULL },
	{ "signal", T_STR, OFF(exl_run_job, signal), NULL },
	{ "batch_host", T_STR, OFF(exl_run_job, batch_host), NULL },
	{ "exit_status", T_INT, OFF(exl_run_job, exit_status), NULL },
	{ "exit", T_STR, OFF(exl_run_job, exit), NULL },
	{ "sched_state", T_STR, OFF(exl_run_job, sched_state), NULL },
	{ "end", T_INT, OFF(exl_run_job, end), NULL },
	{ "ended_by", T_STR, OFF(exl_run_job, ended_by), NULL },
	{ "verdict", T_STR, OFF(exl_run_job, verdict), NULL },
	{ "signal_note", T_STR, OFF(exl_run_job, signal_note), NULL },
	{ "tracker_error", T_STR, OFF(exl_run_job, tracker_error), NULL },
	{ "wandb_finalized", T_INT, OFF(exl_run_job, wandb_finalized), NULL },
	{ "telemetry", T_RAW, OFF(exl_run_job, telemetry), NULL },
};

static const struct rr_kind job_k = {
	job_f, NF(job_f), sizeof(struct exl_run_job), -1,
	OFF(exl_run_job, extra), -1
};

static const struct rr_field env_f[] = {
	{ "path", T_STR, OFF(exl_run_env, path), NULL },
	{ "sha256", T_STR, OFF(exl_run_env, sha256), NULL },
	{ "wait_status", T_INT, OFF(exl_run_env, wait_status), NULL },
	{ "timed_out", T_BOOL, OFF(exl_run_env, timed_out), NULL },
};

static const struct rr_kind env_k = {
	env_f, NF(env_f), sizeof(struct exl_run_env), -1,
	OFF(exl_run_env, extra), OFF(exl_run_env, name)
};

static const struct rr_field run_f[] = {
	{ "schema", T_INT, OFF(exl_run_record, schema), NULL },
	{ "run_log", T_STR, OFF(exl_run_record, run_log), NULL },
	{ "state_dir", T_STR, OFF(exl_run_record, state_dir), NULL },
	{ "group", T_STR, OFF(exl_run_record, group), NULL },
	{ "task", T_STR, OFF(exl_run_record, task), NULL },
	{ "run_type", T_STR, OFF(exl_run_record, run_type), NULL },
	{ "objective", T_STR, OFF(exl_run_record, objective), NULL },
	{ "script", T_STR, OFF(exl_run_record, script), NULL },
	{ "submit_dir", T_STR, OFF(exl_run_record, submit_dir), NULL },
	{ "user", T_STR, OFF(exl_run_record, user), NULL },
	{ "config", T_OBJ, OFF(exl_run_record, config), &config_k },
	{ "statepoints", T_MAP, OFF(exl_run_record, statepoints), NULL },
	{ "dataset", T_OBJ, OFF(exl_run_record, dataset), &dataset_k },
	{ "git", T_OBJ, OFF(exl_run_record, git), &git_k },
	{ "telemetry", T_OBJ, OFF(exl_run_record, telemetry), &tcost_k },
	{ "jobs", T_LIST, OFF(exl_run_record, jobs), &job_k },
	{ "owned", T_MAP, OFF(exl_run_record, owned), NULL },
	{ "environment", T_NAMED, OFF(exl_run_record, environment), &env_k },
	{ "facts", T_MAP, OFF(exl_run_record, facts), NULL },
	{ "experiments_status", T_STR, OFF(exl_run_record, experiments_status), NULL },
	{ "experiments_error", T_STR, OFF(exl_run_record, experiments_error), NULL },
	{ "wandb_run_id", T_STR, OFF(exl_run_record, wandb_run_id), NULL },
};

static const struct rr_kind run_k = {
	run_f, NF(run_f), sizeof(struct exl_run_record), -1,
	OFF(exl_run_record, extra), -1
};

void exl_run_record_free(struct exl_run_record *r)
{
	rr_free(&run_k, r);
}

int exl_run_record_parse(struct exl_run_record *r, const char *text,
			 size_t len, const char *what, struct exl_err *err)
{
	json_object *o = exl_json_parse(text, len, what, err);
	int rc;

	memset(r, 0, sizeof(*r));
	if (!o)
		return -1;
	rc = rr_decode(&run_k, r, o, what, err);
	json_object_put(o);
	if (rc < 0)
		exl_run_record_free(r);
	return rc;
}

char *exl_run_record_render(const struct exl_run_record *r, size_t *len)
{
	json_object *o = rr_encode(&run_k, r);
	const char *s;
	char *out = NULL;

	s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE) :
		NULL;
	if (s && asprintf(&out, "%s\n", s) < 0)
		out = NULL;
	if (out && len)
		*len = strlen(out);
	json_object_put(o);
	return out;
}

int exl_run_record_load(const char *state_dir, struct exl_run_record *r,
			struct exl_err *err)
{
	char *path = exl_layout_sidecar(state_dir), *text = NULL;
	size_t len;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!path)
		return exl_errnof(err, ENOMEM, "couldn't read run.json in %s",
				  state_dir);
	if (exl_read_file(path, EXL_RUN_RECORD_MAX, &text, &len, err) < 0) {
		int e = errno;

		free(path);
		errno = e;
		return e == ENOENT ? 1 : -1;
	}
	rc = exl_run_record_parse(r, text, len, path, err);
	free(text);
	free(path);
	return rc;
}

/* save: r as state_dir's run.json, through the spare file when held */
static int save(const char *state_dir, const struct exl_run_record *r,
		int held, struct exl_err *err)
{
	char *path = exl_layout_sidecar(state_dir);
	char *prev = held ? exl_layout_prev_sidecar(state_dir) : NULL;
	json_object *o = path && (prev || !held) ? rr_encode(&run_k, r) : NULL;
	int rc;

	rc = o ? exl_json_write_spare(path, prev, o, err) :
		 exl_errnof(err, ENOMEM, "couldn't write run.json in %s",
			    state_dir);
	json_object_put(o);
	free(path);
	free(prev);
	return rc;
}

int exl_run_record_save_held(const char *state_dir,
			     const struct exl_run_record *r,
			     struct exl_err *err)
{
	return save(state_dir, r, 1, err);
}

int exl_run_record_save(const char *state_dir, const struct exl_run_record *r,
			struct exl_err *err)
{
	return save(state_dir, r, 0, err);
}

void exl_run_record_remove(const char *state_dir)
{
	char *path = exl_layout_sidecar(state_dir);

	if (path)
		(void)unlink(path);
	free(path);
}

struct exl_run_job *exl_run_record_add_job(struct exl_run_record *r)
{
	return rr_list_add(&job_k, &r->jobs);
}

struct exl_run_job *exl_run_record_find_job(const struct exl_run_record *r,
					    const char *job_id, time_t at,
					    long slack)
{
	struct exl_run_job *hit = NULL;
	size_t i;

	for (i = 0; i < r->jobs.n; i++) {
		struct exl_run_job *j = exl_run_job_at(r, i);

		if (!j->job_id || (job_id && strcmp(j->job_id, job_id) != 0))
			continue;
		if (at && ((long long)at < exl_rr_int_or(&j->start, 0) - slack ||
			   (long long)at > exl_rr_int_or(&j->end, LLONG_MAX)))
			continue;
		hit = j;
	}
	return hit;
}

int exl_run_record_set_env(struct exl_run_record *r, const char *name,
			   const char *path, const char *sha256,
			   int wait_status, int timed_out)
{
	struct exl_run_env *e = NULL;
	size_t i;

	for (i = 0; i < r->environment.n && !e; i++)
		if (strcmp(((struct exl_run_env *)r->environment.v[i])->name,
			   name) == 0)
			e = r->environment.v[i];
	if (e)
		rr_free(&env_k, e);	/* replaced in its place */
	else if (!(e = rr_list_add(&env_k, &r->environment)))
		return -1;
	r->environment.present = 1;
	exl_rr_int_set(&e->wait_status, wait_status);
	e->timed_out.set = 1;
	e->timed_out.v = timed_out;
	return exl_rr_str_set(&e->name, name) < 0 ||
	       exl_rr_str_set(&e->path, path) < 0 ||
	       exl_rr_str_set(&e->sha256, sha256) < 0 ? -1 : 0;
}

int exl_run_record_map_strings(struct exl_run_record *r,
			       char *(*fn)(const char *s, void *arg),
			       void *arg)
{
	return rr_remap(&run_k, r, fn, arg);
}
