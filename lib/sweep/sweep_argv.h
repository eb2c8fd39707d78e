/* sweep_argv.h - the sbatch command line of a sweep's job array. */
#ifndef EXL_SWEEP_ARGV_H
#define EXL_SWEEP_ARGV_H

#include "sweep/sweep.h"

/* The run-log group of the sweep: exp: group, else the sweep's name. */
const char *exl_sweep_group(const struct exl_sweep_spec *s);

/* The run-log root as the spec's exp: log gives it, NULL: the default. */
const char *exl_sweep_log_dir(const struct exl_sweep_spec *s);

/* argv (NULL-terminated, newly allocated strings) for
 *   sbatch --parsable --array=ARRAY --job-name=NAME
 *          --export=ALL,EXP_LOG_SWEEP=MAP [sbatch: options]
 *          --exp-log[=DIR] --exp-group=GROUP [exp: options]
 *          [--exp-resume] SCRIPT ARGS
 * (--exp-resume with resume: each task continues its newest run log).
 * NULL when out of memory. */
char **exl_sweep_argv(const struct exl_sweep_spec *s, const char *sbatch,
		      const char *array, const char *map, int resume);

/* The environment a chain stage's job gets: the chain file's path and
 * its stage number (sweep_chain.h). */
#define EXL_CHAIN_ENV "EXP_LOG_CHAIN"
#define EXL_CHAIN_STAGE_ENV "EXP_LOG_CHAIN_STAGE"

/* How a chain stage is submitted (sweep_chain.h). */
struct exl_stage_sub {
	int hold;		/* --hold: the first stage, released once the
				 * chain file is written */
	const char *dependency;	/* "afterok:123", NULL: none */
	const char *chain;	/* the chain file's path */
	unsigned stage;		/* 1-based */
};

/* A chain stage's argv: as exl_sweep_argv, plus --hold/--dependency,
 * EXP_LOG_CHAIN and EXP_LOG_CHAIN_STAGE in --export; array NULL (a stage
 * without grid:): one job, no --array and no task map. */
char **exl_sweep_stage_argv(const struct exl_sweep_spec *s, const char *sbatch,
			    const char *array, const char *map,
			    const struct exl_stage_sub *c);

void exl_sweep_argv_free(char **argv);

/* argv as one shell-quoted line (newly allocated). */
char *exl_sweep_argv_line(char *const *argv);

#endif
