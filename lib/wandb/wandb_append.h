/* wandb_append.h - give an offline W&B run the exit record it never wrote.
 *
 * A job killed by the scheduler leaves its offline run without an exit
 * record, so `wandb sync` later shows it as running or failed with a
 * made-up code.  exp-run and the plugin's job epilog call these after the
 * training process is gone to append the real exit code.
 *
 * Safety rules (see also exp-wandb-sync(1), FINALIZING):
 *  - every existing record is verified first; a file damaged before its
 *    tail, empty, or without a run record is left untouched;
 *  - a torn tail (the writer died mid-record) is left untouched too,
 *    unless the caller passes EXL_WANDB_REPAIR_TAIL: then the torn bytes
 *    are first saved to "<file>.torn-<offset>", and the file is cut back
 *    to its last intact record before appending;
 *  - a file that already has an exit record is not changed;
 *  - the append is one write with O_APPEND under an fcntl lock on the
 *    file, followed by fsync; a failed write is cut back off.
 * Only call these once the process writing the run has exited.
 */
#ifndef EXL_WANDB_APPEND_H
#define EXL_WANDB_APPEND_H

#include "util/exl_err.h"

/* flags */
#define EXL_WANDB_REPAIR_TAIL 0x1u	/* cut a torn tail (saved first) */

enum exl_wandb_append_result {
	EXL_WANDB_APPENDED = 0,		/* exit + final records written */
	EXL_WANDB_ALREADY_FINAL,	/* an exit record exists: untouched */
	EXL_WANDB_REFUSED_TORN,		/* torn tail, no repair: untouched */
	EXL_WANDB_REFUSED_DAMAGED,	/* damage, bad header, empty: untouched */
	EXL_WANDB_REFUSED_NO_RUN,	/* no run record: nothing to finish */
};

/* Append an exit record (exit_code, runtime_s; a negative runtime means
 * "from the run's start time until now") followed by a final record,
 * which W&B's legacy sync waits for before it sends the exit.  Returns
 * an exl_wandb_append_result; for every REFUSED_* result err says why.
 * Returns -1 on an I/O error (err set, the file as it was). */
int exl_wandb_append_exit(const char *path, int exit_code, int runtime_s,
			  unsigned flags, struct exl_err *err);

/* What exl_wandb_finalize_dir did. */
struct exl_wandb_finalize_report {
	unsigned runs;		/* offline run files looked at */
	unsigned appended;
	unsigned already;
	unsigned refused;	/* torn, damaged, no run record */
	unsigned failed;	/* I/O errors */
	unsigned ndetail;	/* lines kept below (refused and failed) */
	char detail[8][512];
	char newest[4096];	/* the offline run dir with the latest name */
};

/* Finalize every offline run under wandb_dir (WANDB_DIR: looks in it and
 * in its "wandb" and ".wandb" subdirectories for
 * offline-run-<time>-<id>/run-<id>.wandb).  A missing wandb_dir is not an
 * error (the job did not use W&B).  Returns 0 when every run file is now
 * finalized, 1 when some were refused or failed (see rep), -1 when
 * wandb_dir could not be read. */
int exl_wandb_finalize_dir(const char *wandb_dir, int exit_code,
			   int runtime_s, unsigned flags,
			   struct exl_wandb_finalize_report *rep,
			   struct exl_err *err);

#endif
