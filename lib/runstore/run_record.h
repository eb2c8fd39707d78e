/* run_record.h - run.json, the run's machine state in its state dir, as
 * one C struct with one codec.
 *
 * The plugin writes run.json when a run starts (exl_run_begin), adds a
 * job entry for every requeue or resume, and merges each job's end into
 * its entry; the run-log tools and exp-wandb-sync read it.  This codec is
 * the only code that knows its keys (tests/layout/layers.py checks it):
 * everything else reads and sets the fields below.
 *
 * Reading: a missing key is an unset field (a NULL string, .set == 0);
 * JSON null counts as missing.  A key of the wrong type (a hand edit, a
 * corrupt file) refuses the whole file with one line naming the file,
 * the key and the fix.  Unknown keys are KEPT, at every level, and
 * written back after the known ones in the order they were read: a
 * run.json written by a newer exp-log (a job requeued across an upgrade)
 * or annotated by a person survives a rewrite by this one.
 *
 * Writing is canonical: the known keys in the order of this struct, then
 * the kept unknown ones; written atomically (exl_json_write: temp, fsync,
 * rename).  Callers hold the group lock (run_edit.h) for a change.
 */
#ifndef EXL_RUN_RECORD_H
#define EXL_RUN_RECORD_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "util/exl_err.h"
#include "runstore/record_types.h"

/* The schema this code writes into a new run.json. */
#define EXL_RUN_RECORD_SCHEMA 1

/* Largest run.json read. */
#define EXL_RUN_RECORD_MAX (4u << 20)

/* "config": --exp-config, hashed and copied into the state dir. */
struct exl_run_config {
	int present;
	char *path, *sha256, *snapshot, *error;
	json_object *extra;	/* unknown keys, kept */
};

/* "dataset": --exp-dataset as given and what was found there. */
struct exl_run_dataset {
	int present;
	char *given, *path;
	struct exl_rr_bool exists;
	struct exl_rr_int bytes, files, mtime;
	char *sha256, *error;
	json_object *extra;
};

/* "git": the submit directory's repository. */
struct exl_run_git {
	int present;
	char *repo, *branch, *commit;
	struct exl_rr_bool dirty;
	char *error, *diffstat, *patch, *patch_sha256;
	json_object *extra;
};

/* "telemetry": the site's price for the cost line. */
struct exl_run_tcost {
	int present;
	struct exl_rr_num price_per_gpu_hour;
	char *currency;
	json_object *extra;
};

/* One execution of the run (an entry of "jobs"): what Slurm said when it
 * started, then its end as the batch step and the epilog merged it. */
struct exl_run_job {
	char *job_id, *array_task;
	struct exl_rr_int restart_count, submitted, start;
	char *nodes;
	struct exl_rr_int nnodes;
	char *partition;
	struct exl_rr_int time_limit_min;	/* 4294967295: no limit */
	char *signal, *batch_host;
	/* the end */
	struct exl_rr_int exit_status;	/* the batch step's wait status */
	char *exit;			/* its text: "exit code 1" */
	char *sched_state;		/* Slurm's final state */
	struct exl_rr_int end;
	char *ended_by;			/* "step", "epilog", "runlog close" */
	char *verdict;			/* the Status line written */
	char *signal_note, *tracker_error;
	struct exl_rr_int wandb_finalized;	/* offline runs given an exit */
	json_object *telemetry;	/* telemetry_summary's object, as is */
	json_object *extra;
};

/* One environment capture ("environment": {NAME: {...}}). */
struct exl_run_env {
	char *name;
	char *path, *sha256;
	struct exl_rr_int wait_status;
	struct exl_rr_bool timed_out;
	json_object *extra;
};

struct exl_run_record {
	struct exl_rr_int schema;
	char *run_log;		/* relative to the root */
	char *state_dir;	/* absolute, as written at the start */
	char *group, *task, *run_type, *objective, *script, *submit_dir;
	char *user;
	struct exl_run_config config;
	struct exl_rr_map statepoints;
	struct exl_run_dataset dataset;
	struct exl_run_git git;
	struct exl_run_tcost telemetry;
	struct exl_rr_list jobs;	/* of struct exl_run_job */
	struct exl_rr_map owned;	/* "scope/key": last value a tool
					 * wrote (owned.h) */
	struct exl_rr_list environment;	/* of struct exl_run_env */
	struct exl_rr_map facts;	/* exl_run_fact's key: value */
	char *experiments_status;	/* experiments.md status last written */
	char *experiments_error;
	char *wandb_run_id;	/* WANDB_RUN_ID of every job of the run
				 * (made once, wandb_chain.h) */
	json_object *extra;
};

/* Free everything r holds and zero it (r itself is the caller's). */
void exl_run_record_free(struct exl_run_record *r);

/* Parse run.json's text; what names it in errors.  0, or -1 with a one
 * line error (r left empty). */
int exl_run_record_parse(struct exl_run_record *r, const char *text,
			 size_t len, const char *what, struct exl_err *err);

/* The canonical text (a trailing newline), malloc'd; NULL: no memory. */
char *exl_run_record_render(const struct exl_run_record *r, size_t *len);

/* state_dir's run.json: 0 read, 1 there is none (errno ENOENT, r
 * empty), -1 unreadable or refused (err says why). */
int exl_run_record_load(const char *state_dir, struct exl_run_record *r,
			struct exl_err *err);

/* exl_run_record_save by a writer that holds the run's lock
 * (run_edit.h): through the spare file .prev.run.json (fileio.h's
 * exl_write_atomic_spare), which two writers must never share. */
int exl_run_record_save_held(const char *state_dir,
			     const struct exl_run_record *r,
			     struct exl_err *err);

/* Write r as state_dir's run.json, atomically. */
int exl_run_record_save(const char *state_dir, const struct exl_run_record *r,
			struct exl_err *err);

/* Remove state_dir's run.json (undoing a run that failed half-way). */
void exl_run_record_remove(const char *state_dir);

static inline struct exl_run_job *exl_run_job_at(const struct exl_run_record *r,
						 size_t i)
{
	return r->jobs.v[i];
}

/* A new, empty job entry at the end of jobs; NULL when out of memory. */
struct exl_run_job *exl_run_record_add_job(struct exl_run_record *r);

/* The last job entry with job_id (any id when NULL) whose
 * [start - slack, end] holds at (any time when at is 0; a job without an
 * end has not ended).  Entries without a job_id never match.  NULL when
 * none does. */
struct exl_run_job *exl_run_record_find_job(const struct exl_run_record *r,
					    const char *job_id, time_t at,
					    long slack);

/* Record an environment capture under name, replacing an earlier one in
 * its place.  -1 when out of memory. */
int exl_run_record_set_env(struct exl_run_record *r, const char *name,
			   const char *path, const char *sha256,
			   int wait_status, int timed_out);

/* Call fn on every string value of r (map values and the kept unknown
 * keys' too), so a rename can rewrite the paths in it: fn returns a new
 * malloc'd string to put in place, or NULL to leave the value.  -1 when
 * out of memory. */
int exl_run_record_map_strings(struct exl_run_record *r,
			       char *(*fn)(const char *s, void *arg),
			       void *arg);

#endif
