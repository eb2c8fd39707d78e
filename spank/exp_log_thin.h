/* exp_log_thin.h - state of exp_log.so itself (the thin plugin): the
 * option values and, once a job asks for --exp-log, the core module. */
#ifndef EXP_LOG_THIN_H
#define EXP_LOG_THIN_H

#include <slurm/spank.h>

#include "exp_log_core.h"
#include "opts/options.h"

struct exp_log_thin {
	struct exl_opts opts;	/* values from the option callbacks */
	int opts_failed;	/* a value was refused */
	int ac;			/* plugstack.conf arguments, for the core */
	char **av;
	int core_inited;
};

extern struct exp_log_thin exp_log_thin;

/* Register the option table with Slurm. */
int exp_log_register_options(spank_t sp);

/* Fill the options from the job's SPANK environment where callbacks do
 * not run (the job epilog). */
int exp_log_getopts(spank_t sp);

/* The core, loaded and handed the options on first use (NULL: logged). */
const struct exp_log_core_ops *exp_log_thin_core(void);

#endif
