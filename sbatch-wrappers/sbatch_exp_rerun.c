/* sbatch_exp_rerun.c - sbatch-exp sweep --rerun failed: only the tasks
 * whose newest run log ended failed, timeout or cancelled, or is LOST
 * (still open, but slurmctld no longer knows its job), each resumed in
 * its own run log with --exp-resume. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "util/sha256file.h"
#include "runstore/sched_job.h"
#include "sweep/sweep_argv.h"
#include "sweep/sweep_discard.h"
#include "sweep/sweep_state.h"
#include "sbatch_exp.h"

/* warn_discarded: a task about to rerun whose statepoints and config
 * match a run a person marked discard in experiments.md (don't repeat a
 * failed variation unknowingly). */
static void warn_discarded(const struct sweep_run *r)
{
	const char *cfg = NULL, *group = exl_sweep_group(&r->spec);
	char sha[EXL_SHA256_HEX] = "", cwd[PATH_MAX], path[PATH_MAX];
	struct exl_discards d;
	struct exl_err err;

	for (size_t i = 0; i < r->spec.nexp; i++)
		if (strcmp(r->spec.exp[i].key, "config") == 0)
			cfg = r->spec.exp[i].val;
	if (cfg && (!getcwd(cwd, sizeof(cwd)) ||
		    exl_path_resolve(cwd, cfg, path, sizeof(path)) < 0 ||
		    exl_sha256_file(path, sha, &err) < 0))
		sha[0] = '\0';
	if (exl_sweep_discards(r->root, group, &d) < 0)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	for (size_t i = 0; i < r->tasks.n; i++) {
		const struct exl_discarded *x;

		if (!r->sel[i])
			continue;
		x = exl_sweep_discarded(&d, r->tasks.t[i].sp, sha);
		if (x)
			cli_err("warning: task %s: %s (same statepoints%s) is marked discard in %s/experiments.md; rerunning it anyway",
				r->tasks.t[i].name, x->stem,
				sha[0] ? " and config" : "", group);
	}
	exl_sweep_discards_free(&d);
}

/* Open run logs of a sweep: the task and the job its log names. */
struct open_task {
	size_t i;
	char job[64];
};

/* live_jobs: the job ids slurmctld still knows, every array task on its
 * own line (squeue --states=all --array), for this user.  NULL when
 * squeue failed: then no open log can be called lost. */
static char *live_jobs(void)
{
	char uid[32], *out;
	char *argv[] = { "squeue", "--noheader", "--states=all", "--array",
			 "--format=%A", "--user", uid, NULL };
	int rc;

	snprintf(uid, sizeof(uid), "%lu", (unsigned long)getuid());
	rc = sx_run(argv, &out);
	if (rc != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* listed: is job (a decimal id) a line of squeue's output? */
static int listed(const char *out, const char *job)
{
	size_t n = strlen(job);

	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, job, n) == 0 && (p[n] == '\n' || p[n] == '\0' ||
						p[n] == ' '))
			return 1;
	return 0;
}

/* pick_lost: of the open logs, those whose job slurmctld no longer knows
 * (the job vanished without closing its log: LOST) are rerun too.
 * Returns how many open logs stay running. */
static size_t pick_lost(struct sweep_run *r, const struct open_task *o,
			size_t n)
{
	char *out;
	size_t running = 0;

	if (!n)
		return 0;
	out = live_jobs();
	if (!out)
		cli_err("warning: squeue did not answer: the %zu open run log%s of sweep %s count as running, not lost",
			n, n == 1 ? "" : "s", r->spec.name);
	for (size_t k = 0; k < n; k++) {
		if (!out || !o[k].job[0] || exl_job_id_num(o[k].job) < 0 ||
		    listed(out, o[k].job)) {
			running++;
			continue;
		}
		cli_err("task %s: job %s is gone but its run log never closed (LOST): rerunning it",
			r->tasks.t[o[k].i].name, o[k].job);
		r->sel[o[k].i] = 1;
		r->nsel++;
	}
	free(out);
	return running;
}

int sweep_rerun_select(struct sweep_run *r)
{
	const char *group = exl_sweep_group(&r->spec);
	struct open_task *open;
	size_t i, running, nopen = 0;

	r->sel = calloc(r->tasks.n + 1, 1);
	open = calloc(r->tasks.n + 1, sizeof(*open));
	if (!r->sel || !open)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	r->nsel = 0;
	for (i = 0; i < r->tasks.n; i++) {
		enum exl_sweep_state st;
		char *path, job[64];

		if (exl_sweep_task_state(r->root, group, r->tasks.t[i].name,
					 &path, &st, job, sizeof(job)) < 0) {
			cli_err("task %s: couldn't read its run log %s",
				r->tasks.t[i].name, path ? path : "");
			free(path);
			free(open);
			return EXL_EXIT_ERROR;
		}
		free(path);
		if (st == EXL_SWEEP_FAILED) {
			r->sel[i] = 1;
			r->nsel++;
		}
		if (st == EXL_SWEEP_RUNNING) {
			open[nopen].i = i;
			snprintf(open[nopen++].job, sizeof(open->job), "%s", job);
		}
	}
	running = pick_lost(r, open, nopen);
	free(open);
	if (running)
		cli_err("warning: %zu task%s of sweep %s still running; they are not rerun",
			running, running == 1 ? "" : "s", r->spec.name);
	if (r->nsel == 0) {
		cli_err("sweep %s: no task ended failed or was lost in %s/%s: nothing to rerun",
			r->spec.name, r->root, group);
		return EXL_EXIT_CHECK;
	}
	warn_discarded(r);
	return 0;
}

char **sweep_sbatch_argv(const struct sweep_run *r, const char *sbatch,
			 const char *array)
{
	return exl_sweep_argv(&r->spec, sbatch, array, r->map, r->rerun);
}
