/* cmd_close.c - `runlog close RUN`: record how a run ended when no
 * scheduler will (work outside Slurm, or a job whose epilog never ran).
 * It closes the log exactly as the plugin's end of job does
 * (exl_run_end): job block end, runtime, Results, one final Status line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/jobstate.h"
#include "job/run_lifecycle.h"
#include "runlog.h"
#include "runstore/runlog_scan.h"
#include "runstore/status_row.h"
#include "runstore/unlogged.h"
#include "rl_sched.h"

static const char usage[] =
"Usage: runlog close RUN [--state STATE] [--exit CODE]\n"
"\n"
"Close the run log RUN for work no scheduler will close (runs made with\n"
"`runlog new`, a LOST job whose epilog never ran, or a job whose run-log\n"
"directory was full or read-only when it ended): end time, runtime,\n"
"Results exit and scheduler_state, and a final Status line, as the\n"
"plugin writes them.  The run needs an exp-log job index entry.  Without\n"
"--state, the state, exit status and end time slurmctld still knows for\n"
"the job are used; a job still running is refused.  A note about the job\n"
"in ~/.cache/exp-log/unlogged/ is removed once the log is closed.\n"
"\n"
"  -s, --state STATE  COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY,\n"
"                     NODE_FAIL, PREEMPTED ... (default: the scheduler's,\n"
"                     else COMPLETED, or FAILED with a non-zero --exit)\n"
"  -e, --exit CODE    the exit code (0-255)\n"
"  -h, --help         this help\n";

/* job_id_of: the newest execution_id of the open run log at path;
 * NULL after a message when there is none or the log is closed. */
static char *job_id_of(const char *path)
{
	struct exl_run_summary s;
	char *buf = NULL, *error = NULL, *id = NULL;
	size_t cap = 0;

	if (exl_scan_read_one(path, &buf, &cap, &s, &error) < 0) {
		cli_err("%s: %s", path, error ? error : "out of memory");
	} else if (exl_summary_closed(&s)) {
		cli_err("%s: already closed (scheduler_state %s)", path,
			s.sched_state ? s.sched_state : "not recorded");
	} else if (!s.job_id) {
		cli_err("%s: no execution_id in its newest job block: close "
			"it by hand", path);
	} else {
		id = s.job_id;
		s.job_id = NULL;
	}
	exl_summary_free(&s);
	free(error);
	free(buf);
	return id;
}

/* sched_end: what slurmctld says about job id.  0: it ended; state, and
 * e's exit status and end time, are filled.  1: the scheduler does not
 * know the job or did not answer (said on stderr).  -1 after a message:
 * the job is still live. */
static int sched_end(const char *id, char *state, size_t len,
		     struct exl_run_end *e)
{
	struct exl_sched_set set = { 0 };
	const struct exl_sched_job *j;
	struct rl_sched_query q;
	char why[256];
	int rc = 1;

	if (exl_job_id_num(id) < 0)
		return 1;
	if (rl_sched_start(&q, why, sizeof(why)) < 0 ||
	    rl_sched_finish(&q, &set, why, sizeof(why)) < 0) {
		cli_err("scheduler not reachable (%s): closing without its "
			"state", why);
		exl_sched_free(&set);
		return 1;
	}
	j = exl_sched_find(&set, id);
	if (j && exl_state_is_final(j->state)) {
		snprintf(state, len, "%s", j->state);
		if (j->have_exit) {
			e->have_status = 1;
			e->wstatus = j->exit_status;
		}
		if (j->end > 0)
			e->end = j->end;
		rc = 0;
	} else if (j) {
		cli_err("job %s is %s: its run log closes when it ends (give "
			"--state to close it anyway)", id, j->state);
		rc = -1;
	}
	exl_sched_free(&set);
	return rc;
}

struct drop_arg {
	const char *job_id, *root;
};

/* drop_note: the unlogged note (unlogged.h) of the job just closed has
 * been acted on: remove it. */
static void drop_note(const struct exl_unlogged *u, void *arg)
{
	const struct drop_arg *a = arg;

	if (strcmp(u->job_id, a->job_id) == 0 && strcmp(u->root, a->root) == 0 &&
	    unlink(u->path) < 0)
		cli_err("couldn't remove %s: %s", u->path, strerror(errno));
}

int cmd_close(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "state", required_argument, NULL, 's' },
		{ "exit", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct exl_run_end e = { .source = "runlog close" };
	const char *state = NULL;
	char sched_state[32];
	struct rl_run run;
	struct exl_err err;
	long code = -1;
	char *id;
	int ch, rc;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":s:e:h", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			state = optarg;
			if (!exl_state_is_final(state))
				return rl_usage("close", "--state %s: not a final "
						"Slurm state", state);
			break;
		case 'e':
			code = rl_parse_count(optarg);
			if (code < 0 || code > 255)
				return rl_usage("close", "--exit %s: give 0-255",
						optarg);
			break;
		case 'h':
			return rl_help(usage);
		default:
			return cli_bad_option(ch, argv, "close");
		}
	}
	if (argc == optind)
		return cli_missing("close", "RUN", usage);
	if (argc - optind != 1)
		return rl_usage("close", "give one RUN");
	rc = rl_find_run(c, argv[optind], &run);
	if (rc)
		return rc;
	id = job_id_of(run.path);
	if (!id)
		return EXL_EXIT_ERROR;
	if (!state) {
		rc = sched_end(id, sched_state, sizeof(sched_state), &e);
		if (rc < 0) {
			free(id);
			return EXL_EXIT_ERROR;
		}
		if (rc == 0)
			state = sched_state;
	}
	if (code >= 0) {
		e.have_status = 1;
		e.wstatus = (int)code << 8;
	}
	e.sched_state = state ? state : code > 0 ? "FAILED" : "COMPLETED";
	rc = exl_run_end(run.root, id, &e, &err);
	if (rc == 0 && getenv("HOME")) {
		struct drop_arg da = { id, run.root };

		(void)exl_unlogged_each(getenv("HOME"), 1000, drop_note, &da);
	}
	if (rc == 1)
		cli_err("%s: execution_id %s has no job index under %s (not "
			"made by exp-log): close it by hand", run.path, id,
			run.root);
	else if (rc < 0)
		cli_err("%s", err.text);
	free(id);
	return rc == 0 ? EXL_EXIT_OK : EXL_EXIT_ERROR;
}
