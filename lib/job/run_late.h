/* run_late.h - the slow facts of a job: the code state (libgit2: its
 * load, a status walk of the work tree, the patch of uncommitted
 * changes) and the dataset (a walk of its tree, a hash with
 * --exp-hash-data).  A batch job's are read once its program has started,
 * by its monitor, so none of them delays the program (the start writes
 * EXL_PENDING_RUN in their place); a job without a monitor (srun,
 * salloc) reads them in its start, as before. */
#ifndef EXL_RUN_LATE_H
#define EXL_RUN_LATE_H

#include "runstore/run_facts.h"
#include "runstore/runlog_doc.h"
#include "util/exl_err.h"

/* Read f's code state (f->job.submit_dir) and dataset (f->opts->dataset,
 * resolved against the submit directory) into f.  Never fails: what could
 * not be read is said in f->git.error and f->dataset.error. */
void exl_run_slow_facts_read(struct exl_run_facts *f);

/* The late read of job job_id's run under root: read the slow facts into
 * f (f->late set by the start; cleared here), write the patch into
 * state_dir, then replace the run log's EXL_PENDING_RUN lines of Config
 * and fill run.json's git and dataset.  Run as the job's user, once the
 * program has started.  0, 1 when the run log has no job_id (nothing
 * done), -1 with err set. */
int exl_run_late_facts(const char *root, const char *job_id,
		       const char *state_dir, struct exl_run_facts *f,
		       struct exl_err *err);

/* A run closing with its slow facts still pending (its monitor never
 * read them: killed, or not started) says so in Config instead of
 * promising them.  0, or -1 when out of memory. */
int exl_run_late_unread(struct exl_doc *d);

#endif
