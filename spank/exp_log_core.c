/* exp_log_core.c - the entry points of exp_log_core.so (exp_log_core.h). */
#include <string.h>

#include <slurm/spank.h>

#include "exp_log.h"
#include "exp_log_core.h"

struct exp_log_ctx exp_log_ctx = {
	.monitor = { .stop_fd = -1, .done_fd = -1, .pid = -1 },
};

static void core_init(int ac, char **av, struct exl_opts *opts)
{
	struct exl_err err;

	exp_log_ctx.opts = opts;
	/* a bad plugstack.conf line is the admin's: log it, use defaults */
	if (exl_plugargs_parse(&exp_log_ctx.pargs, ac, av, &err) < 0)
		slurm_error("%s", err.text);
}

static int core_remote_exit(spank_t sp)
{
	int rc = exp_log_remote_exit(sp);

	exp_log_telemetry_stop();
	return rc;
}

void exp_log_ctx_reset(void)
{
	exl_monitor_stop(&exp_log_ctx.monitor, 0, NULL, 0);
	if (exp_log_ctx.cfg_loaded)
		exl_config_free(&exp_log_ctx.cfg);
	memset(&exp_log_ctx, 0, sizeof(exp_log_ctx));
	exp_log_ctx.monitor.stop_fd = exp_log_ctx.monitor.done_fd = -1;
}

const struct exp_log_core_ops exp_log_core_ops = {
	.abi = EXP_LOG_CORE_ABI,
	.init = core_init,
	.check_root = exp_log_check_root,
	.alloc_post_opt = exp_log_alloc_post_opt,
	.remote_user_init = exp_log_remote_user_init,
	.remote_task_exit = exp_log_remote_task_exit,
	.remote_exit = core_remote_exit,
	.job_epilog = exp_log_slurmd_job_epilog,
	.reset = exp_log_ctx_reset,
	.alloc_exit = exp_log_submit_exit,
};
