/* run_internal.h - what the files of a run's lifecycle (run_begin.c,
 * run_sidecar.c, run_closeout.c, run_editors.c) share; not for use
 * outside lib/job. */
#ifndef EXL_RUN_INTERNAL_H
#define EXL_RUN_INTERNAL_H

#include <time.h>

#include "util/exl_err.h"
#include "runstore/run_edit.h"
#include "runstore/run_record.h"
#include "runstore/runlog_doc.h"
#include "job/run_lifecycle.h"

int exl_lc_set_path(char *dst, size_t len, const char *src,
		    struct exl_err *err);

/* The run.json entry of one execution, from its facts.  -1: no memory. */
int exl_lc_job_record(struct exl_run_job *j, const struct exl_job_facts *f);

/* A new run's run.json (r empty before), from its facts: run log rel
 * (relative to the root), state dir, and its first job.  -1: no memory. */
int exl_lc_run_record(struct exl_run_record *r, const struct exl_run_facts *f,
		      const char *rel, const char *state_dir);

/* The job map, .exp-log/jobs/<id>.json: the job's run log, state dir
 * and group; synced, or only renamed into place (the caller syncs it
 * with exl_sync_path later). */
int exl_lc_write_index(const char *root, const struct exl_run_facts *f,
		       const char *rel, const char *state_rel, int synced,
		       struct exl_err *err);

int exl_lc_read_index_rel(const char *root, const char *job_id,
			  char **run_log, char **state_dir, char **group,
			  char **relp, struct exl_err *err);

int exl_lc_read_index(const char *root, const char *job_id, char **run_log,
		      char **state_dir, char **group, struct exl_err *err);

int exl_lc_append_status(struct exl_doc *d, time_t when, const char *text);

const char *exl_lc_job_key(const char *job_id);

void exl_lc_run_key(const char *job_id, const char *rel, char *key,
		    size_t len);

void exl_lc_unlist_earlier(const char *root, const struct exl_run_record *r,
			   size_t n, const char *rel, const char *key);

int exl_lc_index_end(const char *root, const char *job_id, const char *rel,
		     time_t end, const char *run_log, struct exl_err *err);

/* put_results: the run_edit change of exl_run_results (arg: struct
 * exl_lc_results). */
struct exl_lc_results {
	const struct exl_results_fields *rf;
	const char *checkpoint;		/* NULL: none found */
};
int exl_lc_put_results(struct exl_run_edit *ed, void *arg);

/* with_run: change job_id's run log and sidecar under the run's lock
 * (run_edit.h); 1 when the job has no run log.  _closing: a change that
 * may end the run, which also writes the group's experiments.md row of
 * an experiment run, so such a run's group lock is taken first. */
int exl_lc_with_run(const char *root, const char *job_id,
		    exl_run_edit_fn fn, void *arg, struct exl_err *err);
int exl_lc_with_run_closing(const char *root, const char *job_id,
			    exl_run_edit_fn fn, void *arg,
			    struct exl_err *err);

/* run_submitted.c: the start of a job whose run log was written at
 * submission (run_log, state_dir: from its job map; we hold the group
 * lock and the run's): the Job block and Config completed from f, a "started" Status
 * line, run.json's job entry.  1: the log is missing or not a submitted
 * one that never started (the caller goes on as before).  f's config facts are the submission's. */
int exl_lc_start_submitted(const char *root, struct exl_run_facts *f,
			   const char *run_log, const char *state_dir,
			   struct exl_err *err);

/* run_begin.c: the uncommitted changes of a dirty submit repo saved as
 * code.patch in state_dir (f's patch path and sha256 set), so the exact
 * code can be rebuilt.  Best effort: on failure they stay empty. */
void exl_lc_save_patch(struct exl_run_facts *f, const char *state_dir);

/* run_closeout.c: keep <group>/experiments.md current for an experiment
 * run whose job (its sched_state set) ended.  Best effort. */
void exl_lc_experiment_row(const struct exl_doc *d, struct exl_run_record *run,
			   const struct exl_run_job *job, const char *run_log);

/* run_sidecar.c: the facts a job's start adds to a submitted run's
 * run.json (script, dataset, git, its job entry). */
int exl_lc_run_record_started(struct exl_run_record *r,
			      const struct exl_run_facts *f);

/* run_sidecar.c: the slow facts (dataset, git) of f, read once the
 * program runs (run_late.c), into run.json. */
int exl_lc_run_record_late(struct exl_run_record *r,
			   const struct exl_run_facts *f);

#endif
