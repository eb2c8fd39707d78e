/* run_lifecycle.h - creating a run log when a job starts and closing it
 * when the job ends.  All file work for one group happens under that
 * group's lock: lock, re-read, modify, write temp, fsync, rename.
 */
#ifndef EXL_RUN_LIFECYCLE_H
#define EXL_RUN_LIFECYCLE_H

#include <sys/types.h>
#include <time.h>

#include "util/exl_err.h"
#include "runstore/run_facts.h"

struct exl_run_paths {
	char run_log[4096];	/* absolute path of the markdown file */
	char state_dir[4096];	/* EXP_LOG_STATE */
	int resumed;		/* the job id already had a run log */
	char wandb_dir[4200];	/* WANDB_DIR when --exp-wandb=offline */
	/* a resumed link: the checkpoint it starts from and its step
	 * (EXP_LOG_RESUME_CHECKPOINT, EXP_LOG_RESUME_STEP), "" unknown */
	char resume_checkpoint[4096];
	char resume_step[32];
	char wandb_run_id[72];	/* WANDB_RUN_ID with wandb_dir: the same in
				 * every job of the run (run.json) */
};

/* Create the run log for f under root: run log, state dir with run.json
 * and config snapshot, timeline entry, job index.  Fills f->config_* and
 * out.  A requeued job (restart_count > 0 and an index entry for its id)
 * and a job with --exp-resume get a "## Job (resumed)" block in the
 * existing file instead, unless the task or the config's sha256 differs:
 * then a new run log says why it did not resume. */
int exl_run_begin(const char *root, struct exl_run_facts *f,
		  struct exl_run_paths *out, struct exl_err *err);

/* Create the run log of a job just submitted (f->job.start is ignored
 * and set to 0): Mode, Config (hash and snapshot taken now), the Job
 * block's submission facts, a "submitted" Status line, the timeline
 * entry, the job map and run index; the file is named by the submit
 * date.  exl_run_begin of that job id later fills in the rest of the
 * Job block and the code's state in the same file.  Returns 1 (nothing
 * written) when the job already has a run log (it started first). */
int exl_run_submit(const char *root, struct exl_run_facts *f,
		   struct exl_run_paths *out, struct exl_err *err);

/* Close the run log of a job that left the queue without ever starting
 * (state: Slurm's, "CANCELLED"; reason: the last pending reason or
 * NULL): end, Results, a Status line "cancelled while pending after
 * 3 h 12 min in the queue".  1: the job has no run log, or it started. */
int exl_run_end_unstarted(const char *root, const char *job_id,
			  const char *state, const char *reason, time_t end,
			  struct exl_err *err);

/* Add a Status line "text" to job_id's run log unless its Status
 * section already has a line ending with it.  1: no run log. */
int exl_run_status_once(const char *root, const char *job_id,
			const char *text, struct exl_err *err);

struct exl_run_end {
	time_t end;		/* when the job ended; 0: now */
	int have_status;	/* wstatus is known (batch step exit) */
	int wstatus;
	const char *sched_state;	/* Slurm's state name, NULL: unknown */
	const char *source;	/* "step", "epilog", "runlog close",
				 * "accounting": for the sidecar */
	const char *note;	/* where the end came from, in parentheses
				 * after the final Status line; NULL: none */
	const char *home;	/* exl_run_end_as_user: the fallback record
				 * (unlogged.h) goes here when the run log
				 * can't be written; NULL: none */
	int page;		/* when the run closes, write its HTML page
				 * <stem>.html next to the run log
				 * (report/page_file.h) and name it in
				 * Results */
};

/* Record how job job_id ended in its run log: Job block end fields,
 * Results, a Status line when the verdict is new.  Safe to call several
 * times and from several nodes: later calls only add what is new, and the
 * scheduler's state wins over what the batch step saw.  Returns 1 when the
 * job has no run log under root (nothing to do). */
int exl_run_end(const char *root, const char *job_id,
		const struct exl_run_end *e, struct exl_err *err);

/* exl_run_end from a root context: in a child that has dropped to the
 * job's uid, gid and groups for good (privdrop.h), at most 60 s. */
/* exl_run_end, and when the run log can't be written, the fallback
 * record in e->home (unlogged.h) so that runlog status tells the user.
 * Call it as the job's user. */
int exl_run_end_noting(const char *root, const char *job_id,
		       const struct exl_run_end *e, struct exl_err *err);

int exl_run_end_as_user(uid_t uid, gid_t gid, const gid_t *groups,
			int ngroups, const char *root, const char *job_id,
			const struct exl_run_end *e, struct exl_err *err);

struct exl_results_fields;

/* Write the progress facts (final step, first/last losses, one-liner)
 * and the checkpoint path (NULL: none found) into Results; lines a human
 * changed are kept. */
int exl_run_results(const char *root, const char *job_id,
		    const struct exl_results_fields *rf, const char *checkpoint,
		    struct exl_err *err);

/* exl_run_results and exl_run_end in one edit: the batch step's monitor
 * writes the last Results and the end the step told it together (one
 * write of the run log and run.json instead of two). */
int exl_run_results_end(const char *root, const char *job_id,
			const struct exl_results_fields *rf,
			const char *checkpoint, const struct exl_run_end *e,
			struct exl_err *err);

struct exl_env_result;

/* Record an environment capture (env_capture in exp-log.yaml): a Config
 * line "- env <name>: `path` (sha256 `...`)" and the sidecar's
 * "environment" object. */
int exl_run_env(const char *root, const char *job_id, const char *name,
		const struct exl_env_result *r, struct exl_err *err);

/* Set "- key: value" in a section (created at the end if missing) and
 * in the sidecar under "facts" (value as given), unless a person changed
 * the line. */
int exl_run_fact(const char *root, const char *job_id, const char *section,
		 const char *key, const char *value, struct exl_err *err);

/* The state dir of job_id's run (from the job index).  1 when the job has
 * no run log. */
int exl_run_state_dir(const char *root, const char *job_id, char *out,
		      size_t len, struct exl_err *err);

/* Append a Status line to the run log at run_log; the caller holds the
 * group lock. */
int exl_run_note(const char *run_log, time_t when, const char *text,
		 struct exl_err *err);

/* Append a timestamped Status line to the run log of job_id. */
int exl_run_status(const char *root, const char *job_id, const char *text,
		   struct exl_err *err);

/* The newest run log of task in the group directory dir (by date, then
 * _N suffix), newly allocated; NULL when there is none. */
char *exl_run_latest_of_task(const char *dir, const char *task);

#endif
