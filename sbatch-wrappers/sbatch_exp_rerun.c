/* sbatch_exp_rerun.c - sbatch-exp sweep --rerun failed: only the tasks
 * whose newest run log ended failed, timeout, cancelled (or lost), each
 * resumed in its own run log with --exp-resume. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sweep/sweep_argv.h"
#include "sweep/sweep_state.h"
#include "sbatch_exp.h"

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
	return 0;
}

char **sweep_sbatch_argv(const struct sweep_run *r, const char *sbatch,
			 const char *array)
{
	return exl_sweep_argv(&r->spec, sbatch, array, r->map, r->rerun);
}
