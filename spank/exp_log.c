/* exp_log.c - SPANK entry points of the exp-log plugin.
 *
 * A thin dispatcher: options are registered and checked here; the work
 * is done by exp_log_core.so, loaded only for jobs with --exp-log (see
 * exp_log_core.h).  A logging plugin must never be the reason a job
 * fails, so remote and epilog hooks log their errors and return 0; only a
 * refused option value on the submit side returns an error (the
 * submission stops with a one-line message).
 */
#include <string.h>

#include <slurm/spank.h>

#include "exp_log_thin.h"

SPANK_PLUGIN(exp_log, 1);

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	exp_log_thin.ac = ac;
	exp_log_thin.av = av;
	switch (spank_context()) {
	case S_CTX_LOCAL:
	case S_CTX_ALLOCATOR:
	case S_CTX_REMOTE:
		return exp_log_register_options(sp);
	default:
		return 0;
	}
}

/* enabled_core: the core, when this job asked for --exp-log. */
static const struct exp_log_core_ops *enabled_core(void)
{
	if (!exp_log_thin.opts.enabled || exp_log_thin.opts_failed)
		return NULL;
	return exp_log_thin_core();
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	const struct exp_log_core_ops *core;

	(void)ac;
	(void)av;
	if (exp_log_thin.opts_failed)
		return -1;
	switch (spank_context()) {
	case S_CTX_LOCAL:
	case S_CTX_ALLOCATOR:
		core = enabled_core();
		if (exp_log_thin.opts.enabled && !core)
			return -1;
		return core ? core->alloc_post_opt(sp) : 0;
	default:
		return 0;
	}
}

int slurm_spank_user_init(spank_t sp, int ac, char **av)
{
	const struct exp_log_core_ops *core;

	(void)ac;
	(void)av;
	if (spank_context() == S_CTX_REMOTE && (core = enabled_core()))
		core->remote_user_init(sp);
	return 0;
}

int slurm_spank_task_exit(spank_t sp, int ac, char **av)
{
	const struct exp_log_core_ops *core;

	(void)ac;
	(void)av;
	if (spank_context() == S_CTX_REMOTE && (core = enabled_core()))
		core->remote_task_exit(sp);
	return 0;
}

int slurm_spank_job_epilog(spank_t sp, int ac, char **av)
{
	const struct exp_log_core_ops *core;

	(void)ac;
	(void)av;
	exp_log_thin.ac = ac;
	exp_log_thin.av = av;
	if (exp_log_getopts(sp) == 0 && (core = enabled_core()))
		core->job_epilog(sp);
	return 0;
}

int slurm_spank_exit(spank_t sp, int ac, char **av)
{
	const struct exp_log_core_ops *core = NULL;

	(void)ac;
	(void)av;
	if (exp_log_thin.core_inited)
		core = exp_log_core();
	if (core && spank_context() == S_CTX_REMOTE)
		core->remote_exit(sp);
	if (core && spank_context() == S_CTX_ALLOCATOR &&
	    exp_log_thin.opts.enabled && !exp_log_thin.opts_failed)
		core->alloc_exit(sp);
	if (core)
		core->reset();
	exl_opts_free(&exp_log_thin.opts);
	memset(&exp_log_thin, 0, sizeof(exp_log_thin));
	return 0;
}
