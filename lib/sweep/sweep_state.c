/* sweep_state.c - a sweep task's state from its run log (see
 * sweep_state.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "runstore/layout.h"
#include "runstore/status_row.h"
#include "job/run_lifecycle.h"
#include "sweep/sweep_state.h"

/* Largest run log read for its summary. */
#define LOG_MAX_BYTES (64u << 20)

enum exl_sweep_state exl_sweep_state_of(const struct exl_run_summary *s)
{
	const char *st;

	if (!s)
		return EXL_SWEEP_NONE;
	if (!exl_summary_closed(s))
		/* written at submission, its start not filled in yet */
		return s->start ? EXL_SWEEP_RUNNING : EXL_SWEEP_NONE;
	st = s->sched_state && exl_state_word(s->sched_state) ?
	     s->sched_state : NULL;
	if (st)
		return strncmp(st, "COMPLETED", 9) == 0 ? EXL_SWEEP_DONE :
		       EXL_SWEEP_FAILED;
	/* closed without a scheduler state: the exit tells */
	return s->exit_text && strstr(s->exit_text, "exit code 0") ?
	       EXL_SWEEP_DONE : EXL_SWEEP_FAILED;
}

const char *exl_sweep_state_name(enum exl_sweep_state st)
{
	switch (st) {
	case EXL_SWEEP_RUNNING:
		return "running";
	case EXL_SWEEP_DONE:
		return "done";
	case EXL_SWEEP_FAILED:
		return "failed";
	default:
		return "none";
	}
}

int exl_sweep_task_state(const char *root, const char *group,
			 const char *task, char **path,
			 enum exl_sweep_state *st, char *job_id, size_t len)
{
	struct exl_run_summary s;
	char *gdir = exl_layout_group_dir(root, group), *buf;
	size_t blen;
	int rc;

	*path = NULL;
	*st = EXL_SWEEP_NONE;
	if (job_id && len)
		job_id[0] = '\0';
	if (!gdir)
		return -1;
	*path = exl_run_latest_of_task(gdir, task);
	free(gdir);
	if (!*path)
		return 0;
	if (exl_read_file(*path, LOG_MAX_BYTES, &buf, &blen, NULL) < 0)
		return -1;
	memset(&s, 0, sizeof(s));
	rc = exl_summary_parse(buf, blen, &s);
	free(buf);
	if (rc < 0)
		return -1;
	*st = exl_sweep_state_of(&s);
	if (job_id && len && s.job_id)
		snprintf(job_id, len, "%s", s.job_id);
	exl_summary_free(&s);
	return 0;
}
