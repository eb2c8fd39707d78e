/* settle_spawn.c - the writes of settle.h, in the status binary: each
 * runs in `runlog-full --settle ...`, which links the run-lifecycle
 * library this binary leaves out (see settle.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util/fileio.h"
#include "runlog.h"
#include "rl_spawn.h"
#include "settle.h"

/* A write takes a group lock; the epilog may hold it a while. */
#define SETTLE_TIMEOUT 120

/* run: runlog-full --settle with args; its exit status 0 or 1, else -1
 * with its message (or why it could not run) in err. */
static int run(const char *const *args, size_t n, struct exl_err *err)
{
	char full[RL_PATH], *argv[12], *out = NULL, *etext = NULL, *nl;
	size_t i;
	int st;

	if (n + 3 > sizeof(argv) / sizeof(argv[0]))
		return exl_errf(err, "%s: too many arguments", RL_SETTLE_ARG);
	if (rl_full_path(full, sizeof(full)) < 0)
		return exl_errf(err, "couldn't find runlog-full (reinstall "
				"exp-log-tools)");
	argv[0] = full;
	argv[1] = (char *)RL_SETTLE_ARG;
	for (i = 0; i < n; i++)
		argv[i + 2] = (char *)args[i];
	argv[n + 2] = NULL;
	st = rl_spawn(argv, SETTLE_TIMEOUT, &out, NULL, &etext);
	if (st < 0)
		return exl_errnof(err, errno, "couldn't run %s", full);
	if (WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1)) {
		st = WEXITSTATUS(st);
	} else {
		nl = etext ? strchr(etext, '\n') : NULL;
		if (nl)
			*nl = '\0';
		if (etext && *etext)
			exl_errf(err, "%s", etext);
		else
			exl_errf(err, "%s %s %s: %s %d", full, RL_SETTLE_ARG,
				 args[0], WIFEXITED(st) ? "exit status" :
				 "killed by signal", WIFEXITED(st) ?
				 WEXITSTATUS(st) : WTERMSIG(st));
		st = -1;
	}
	free(out);
	free(etext);
	return st;
}

/* said: does the run log at path hold text already?  Then there is
 * nothing to write (the check exl_run_status_once makes, without a
 * process). */
static int said(const char *path, const char *text)
{
	char *buf = NULL;
	int yes;

	if (!path || exl_read_file(path, EXL_READ_MAX, &buf, NULL, NULL) < 0)
		return 0;
	yes = strstr(buf, text) != NULL;
	free(buf);
	return yes;
}

int rl_settle_once(const char *root, const char *path, const char *job_id,
		   const char *text, struct exl_err *err)
{
	const char *a[] = { "once", root, job_id, text };

	if (said(path, text))
		return 1;
	return run(a, 4, err);
}

int rl_settle_unstarted(const char *root, const char *job_id,
			const char *state, const char *reason, time_t end,
			int started, struct exl_err *err)
{
	char r[sizeof(((struct exl_sched_job *)0)->reason) + 2], e[24];
	const char *a[] = { "unstarted", root, job_id, state, r, e };

	if (started)
		return 1;

	/* NULL and "" are told apart ("-", "+text": settle_direct.c) */
	snprintf(r, sizeof(r), "%s%s", reason ? "+" : "-",
		 reason ? reason : "");
	snprintf(e, sizeof(e), "%lld", (long long)end);
	return run(a, 6, err);
}

int rl_settle_acct_end(const char *root, const char *job_id,
		       const struct exl_sched_job *j, struct exl_err *err)
{
	char line[256], *nl;
	const char *a[] = { "acct-end", root, job_id, line };

	if (exl_sched_format(j, line, sizeof(line)) < 0)
		return exl_errf(err, "job %s: record too long", job_id);
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	return run(a, 4, err) < 0 ? -1 : 0;
}

int rl_settle_eff(const char *root, char *const *rels, size_t n,
		  struct rl_eff_answer *a, struct exl_err *err)
{
	char full[RL_PATH], **argv = calloc(n + 5, sizeof(*argv));
	char *out = NULL, *etext = NULL, *nl;
	size_t i;
	int st, rc = -1;

	memset(a, 0, sizeof(*a));
	if (!argv)
		return exl_errnof(err, ENOMEM, "efficiency");
	if (rl_full_path(full, sizeof(full)) < 0) {
		free(argv);
		return exl_errf(err, "couldn't find runlog-full (reinstall "
				"exp-log-tools)");
	}
	argv[0] = full;
	argv[1] = (char *)RL_SETTLE_ARG;
	argv[2] = (char *)"eff";
	argv[3] = (char *)root;
	for (i = 0; i < n; i++)
		argv[i + 4] = rels[i];
	st = rl_spawn(argv, SETTLE_TIMEOUT, &out, NULL, &etext);
	nl = etext ? strchr(etext, '\n') : NULL;
	if (nl)
		*nl = '\0';
	if (st < 0)
		exl_errnof(err, errno, "couldn't run %s", full);
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		exl_errf(err, "%s", etext && *etext ? etext :
			 "runlog-full --settle eff failed");
	else if (rl_eff_answer_parse(out, a) < 0)
		exl_errnof(err, ENOMEM, "efficiency");
	else
		rc = 0;
	free(out);
	free(etext);
	free(argv);
	return rc;
}
