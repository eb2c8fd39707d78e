/* begin_out.h - what the dropped child that starts a run log sends back
 * to slurmstepd (issue 19, finding 7).
 *
 * user_init writes the run log in a child that has dropped to the job
 * user for good (it parses git, datasets, run logs, timeline and the
 * experiments table); the parent, where root can come back, takes back
 * only this plain struct and checks it as hostile input before it uses a
 * byte of it: a child taken over through a memory bug in any of those
 * parsers can say nothing the parent would not accept from the user.
 */
#ifndef EXL_BEGIN_OUT_H
#define EXL_BEGIN_OUT_H

#include <sys/types.h>

#include "job/run_lifecycle.h"
#include "runstore/run_facts.h"
#include "util/exl_err.h"

/* Longest statepoint list a sweep task carries. */
#define EXL_BEGIN_SP_MAX 2048

struct exl_begin_out {
	struct exl_run_paths paths;
	struct exl_job_facts job;
	char statepoints[EXL_BEGIN_SP_MAX];	/* a sweep task's */
	/* the batch step's monitor, when the child started it (0: it did
	 * not, the step starts one); the step only logs it and waits on
	 * the pipes it made itself, never signals it */
	pid_t monitor_pid;
	/* EXP_LOG_TIMING: milliseconds of facts, the slow facts (git,
	 * dataset: 0 when the monitor reads them), unused, run log written,
	 * the longest group-lock wait; only printed, never trusted for
	 * anything else */
	double ms[5];
};

/* Check o against root (the run-log root the parent chose): every string
 * NUL-terminated in its field, the run log and state directory absolute,
 * below root and without "..", a W&B directory empty or below the state
 * directory, resumed 0 or 1, no negative monitor pid, no control
 * character in a path or in the statepoints.  Returns 0, or -1 with err
 * naming the field. */
int exl_begin_out_check(const struct exl_begin_out *o, const char *root,
			struct exl_err *err);

/* A step that does not own the run log (an srun step) finds the run's
 * state dir in the job index, a file the user can write: read in a child
 * dropped to uid/gid/groups for good (exl_as_user_out, at most timeout_s
 * seconds), checked here (terminated, no control character, below root
 * without "..").  Returns 0 with the dir in out, 1 when the job has no
 * run log, -1 with err. */
int exl_run_state_dir_as_user(const char *root, const char *job_id,
			      uid_t uid, gid_t gid, const gid_t *groups,
			      int ngroups, int timeout_s, char *out,
			      size_t len, struct exl_err *err);

#endif
