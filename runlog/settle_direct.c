/* settle_direct.c - the writes of settle.h, in runlog-full: the library
 * called in process, and the --settle entry the status binary runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "job/run_lifecycle.h"
#include "settle.h"

int rl_settle_once(const char *root, const char *path, const char *job_id,
		   const char *text, struct exl_err *err)
{
	(void)path;
	return exl_run_status_once(root, job_id, text, err);
}

int rl_settle_unstarted(const char *root, const char *job_id,
			const char *state, const char *reason, time_t end,
			int started, struct exl_err *err)
{
	(void)started;	/* the library reads the log itself */
	return exl_run_end_unstarted(root, job_id, state, reason, end, err);
}

int rl_settle_acct_end(const char *root, const char *job_id,
		       const struct exl_sched_job *j, struct exl_err *err)
{
	struct exl_run_end e = { 0 };
	int rc;

	/* written at submission and never started: the queue's story */
	rc = exl_run_end_unstarted(root, job_id, j->state, j->reason, j->end,
				   err);
	if (rc <= 0)
		return rc;
	e.end = j->end;
	e.have_status = j->have_exit;
	e.wstatus = j->exit_status;
	e.sched_state = j->state;
	e.source = "accounting";
	e.note = "filled in from accounting: slurmctld no longer knew the job";
	return exl_run_end(root, job_id, &e, err);
}

/* opt_str: the encoding of a string that may be NULL ("-" or "+text",
 * settle_spawn.c). */
static const char *opt_str(const char *a)
{
	return a[0] == '+' ? a + 1 : NULL;
}

int rl_settle_main(int argc, char **argv)
{
	struct exl_sched_job j = { 0 };
	struct exl_err err = { "" };
	const char *act = argc > 1 ? argv[1] : "";
	int rc;

	if (strcmp(act, "once") == 0 && argc == 5) {
		rc = exl_run_status_once(argv[2], argv[3], argv[4], &err);
	} else if (strcmp(act, "unstarted") == 0 && argc == 7) {
		rc = exl_run_end_unstarted(argv[2], argv[3], argv[4],
					   opt_str(argv[5]),
					   (time_t)strtoll(argv[6], NULL, 10),
					   &err);
	} else if (strcmp(act, "acct-end") == 0 && argc == 5 &&
		   exl_sched_parse_line(argv[4], &j) == 0) {
		rc = rl_settle_acct_end(argv[2], argv[3], &j, &err);
	} else {
		cli_err("%s: internal use by runlog status (bad arguments)",
			RL_SETTLE_ARG);
		return EXL_EXIT_USAGE;
	}
	if (rc < 0) {
		fprintf(stderr, "%s\n", err.text);
		return EXL_EXIT_ERROR;
	}
	return rc;
}
