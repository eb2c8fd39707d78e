/* sweep_state.h - where each task of a sweep stands, from its run log. */
#ifndef EXL_SWEEP_STATE_H
#define EXL_SWEEP_STATE_H

#include <stddef.h>

#include "runstore/runlog_summary.h"

enum exl_sweep_state {
	EXL_SWEEP_NONE,		/* no run log yet, or one written at
				 * submission whose job has not started
				 * (pending, or never ran) */
	EXL_SWEEP_RUNNING,	/* open: the log has not been closed */
	EXL_SWEEP_DONE,		/* closed COMPLETED (exit 0) */
	EXL_SWEEP_FAILED,	/* closed failed, timeout, cancelled, OOM,
				 * node failure, preempted, or lost */
};

/* The state a run log's summary tells (s NULL: EXL_SWEEP_NONE). */
enum exl_sweep_state exl_sweep_state_of(const struct exl_run_summary *s);

/* "none", "running", "done", "failed". */
const char *exl_sweep_state_name(enum exl_sweep_state st);

/* The newest run log of task in root's group and its state; *path gets
 * the log's path (newly allocated) or NULL; job_id (may be NULL) the
 * execution_id of its newest job block ("" when none).  -1 when the log
 * cannot be read. */
int exl_sweep_task_state(const char *root, const char *group,
			 const char *task, char **path,
			 enum exl_sweep_state *st, char *job_id, size_t len);

#endif
