/* exp_log.c - SPANK entry points of the exp-log plugin.
 *
 * A thin dispatcher: each hook forwards to the file of the context it runs
 * in.  A logging plugin must never be the reason a job fails, so remote
 * and epilog hooks log their errors and return 0; only a refused option
 * value on the submit side returns an error (the submission stops with a
 * one-line message).
 */
#include <slurm/spank.h>

#include "exp_log.h"

SPANK_PLUGIN(exp_log, 1);

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	struct exl_err err;

	/* a bad plugstack.conf line is the admin's: log it, use defaults */
	if (exl_plugargs_parse(&exp_log_ctx.pargs, ac, av, &err) < 0)
		slurm_error("%s", err.text);
	switch (spank_context()) {
	case S_CTX_LOCAL:
	case S_CTX_ALLOCATOR:
	case S_CTX_REMOTE:
		return exp_log_register_options(sp);
	default:
		return 0;
	}
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	switch (spank_context()) {
	case S_CTX_LOCAL:
	case S_CTX_ALLOCATOR:
		return exp_log_alloc_post_opt(sp);
	default:
		return 0;
	}
}

int slurm_spank_user_init(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (spank_context() != S_CTX_REMOTE)
		return 0;
	exp_log_remote_user_init(sp);
	return 0;
}

int slurm_spank_task_exit(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (spank_context() != S_CTX_REMOTE)
		return 0;
	exp_log_remote_task_exit(sp);
	return 0;
}

int slurm_spank_job_epilog(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	exp_log_slurmd_job_epilog(sp);
	return 0;
}

int slurm_spank_exit(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (spank_context() == S_CTX_REMOTE) {
		exp_log_remote_exit(sp);
		exp_log_telemetry_stop();
	}
	exp_log_ctx_reset();
	return 0;
}
