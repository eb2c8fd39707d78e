/* settle_direct.c - the writes of settle.h, in runlog-full: the library
 * called in process, and the --settle entry the status binary runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "job/run_lifecycle.h"
#include "eff_fill.h"
#include "runlog.h"
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

/* eff_report: the Efficiency blocks of rels under root, the answer's
 * lines written to f. */
static void eff_report(const char *root, char *const *rels, size_t n,
		       FILE *f)
{
	struct rl c = { .now = time(NULL) };
	struct exl_scan sc;
	struct exl_err err;
	struct rl_row *rows = NULL;
	char why[sizeof(err.text)] = "";
	size_t i, m = 0;
	int rc = -1;

	memset(&sc, 0, sizeof(sc));
	snprintf(c.root, sizeof(c.root), "%s", root);
	if (exl_scan_pick(root, NULL, (const char *const *)rels, n, &sc,
			  &err) < 0 ||
	    exl_scan_summaries(&sc, 1, &err) < 0) {
		snprintf(why, sizeof(why), "%s", err.text);
		goto out;
	}
	rows = calloc(sc.n ? sc.n : 1, sizeof(*rows));
	if (!rows) {
		snprintf(why, sizeof(why), "out of memory");
		goto out;
	}
	for (i = 0; i < sc.n; i++)
		if (sc.v[i].ok) {
			rows[m].e = &sc.v[i];
			rows[m++].r.final = 1;
		}
	rc = rl_eff_fill_as(&c, rows, m, 1, f, NULL, why, sizeof(why));
out:
	if (rc == -2)
		fprintf(f, "none %s\n", why);
	else if (rc < 0)
		fprintf(f, "failed %s\n", why);
	free(rows);
	exl_scan_free(&sc);
}

int rl_settle_eff(const char *root, char *const *rels, size_t n,
		  struct rl_eff_answer *a, struct exl_err *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	memset(a, 0, sizeof(*a));
	if (!f)
		return exl_errnof(err, errno, "efficiency");
	eff_report(root, rels, n, f);
	if (fclose(f) != 0) {
		free(text);
		return exl_errnof(err, ENOMEM, "efficiency");
	}
	rc = rl_eff_answer_parse(text, a);
	free(text);
	return rc < 0 ? exl_errnof(err, ENOMEM, "efficiency") : 0;
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
	} else if (strcmp(act, "eff") == 0 && argc >= 4) {
		eff_report(argv[2], argv + 3, (size_t)argc - 3, stdout);
		return fflush(stdout) == 0 ? EXL_EXIT_OK : EXL_EXIT_ERROR;
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
