/* sbatch_exp.h - sbatch-exp's parts: one sweep being submitted. */
#ifndef SBATCH_EXP_H
#define SBATCH_EXP_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "sweep/sweep.h"

struct sweep_run {
	struct exl_sweep_spec spec;
	struct exl_sweep_tasks tasks;
	unsigned char *sel;	/* tasks to submit, NULL: all */
	size_t nsel;
	int rerun;		/* --rerun failed */
	char root[PATH_MAX];	/* the run-log root */
	char map[PATH_MAX];	/* the task map's path */
};

/* Set r->root and r->map (the task map's path) from r->spec, tag (may
 * be NULL: a chain's stage name) in the map's name; exits with a
 * message when the root is unusable (sbatch_exp.c). */
int sweep_map_path(struct sweep_run *r, const char *tag);

/* Write r's task map; -1 after a message. */
int sweep_write_map(const struct sweep_run *r);

/* sbatch-exp --help into f (sbatch_exp.c). */
void sbatch_exp_usage(FILE *f);

/* sbatch-exp chain (sbatch_exp_chain.c). */
int cmd_chain(int argc, char **argv);

/* Is task i among those submitted? */
int sweep_selected(const struct sweep_run *r, size_t i);

/* --rerun failed: select the tasks whose newest run log ended failed
 * (sbatch_exp_rerun.c).  Returns 0, or an exit code after a message. */
int sweep_rerun_select(struct sweep_run *r);

/* The sbatch argv for the selected tasks (array is their --array). */
char **sweep_sbatch_argv(const struct sweep_run *r, const char *sbatch,
			 const char *array);

/* Run argv (no shell); its stdout into *out (NUL-terminated, caller
 * frees).  Returns its exit status (128+N for signal N), -1 when it
 * could not be waited for (sbatch_exp_cmd.c). */
int sx_run(char *const *argv, char **out);

/* Run an sbatch --parsable argv; the job id it prints into id.  Returns
 * sbatch's exit status, -1 when it could not be run. */
int sx_sbatch(char *const *argv, char *id, size_t len);

#endif
