/* sbatch_exp_rerun.c - sbatch-exp sweep --rerun failed: only the tasks
 * whose newest run log ended failed, timeout, cancelled (or lost), each
 * resumed in its own run log with --exp-resume. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "util/sha256file.h"
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

int sweep_rerun_select(struct sweep_run *r)
{
	const char *group = exl_sweep_group(&r->spec);
	size_t i, running = 0;

	r->sel = calloc(r->tasks.n + 1, 1);
	if (!r->sel)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	r->nsel = 0;
	for (i = 0; i < r->tasks.n; i++) {
		enum exl_sweep_state st;
		char *path;

		if (exl_sweep_task_state(r->root, group, r->tasks.t[i].name,
					 &path, &st) < 0) {
			cli_err("task %s: couldn't read its run log %s",
				r->tasks.t[i].name, path ? path : "");
			free(path);
			return EXL_EXIT_ERROR;
		}
		free(path);
		if (st == EXL_SWEEP_FAILED) {
			r->sel[i] = 1;
			r->nsel++;
		}
		running += st == EXL_SWEEP_RUNNING;
	}
	if (running)
		cli_err("warning: %zu task%s of sweep %s still running; they are not rerun",
			running, running == 1 ? "" : "s", r->spec.name);
	if (r->nsel == 0) {
		cli_err("sweep %s: no task ended failed in %s/%s: nothing to rerun",
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
