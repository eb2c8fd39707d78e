/* exp_log_alloc.c - the submit side: sbatch, salloc, srun (local and
 * allocator contexts).  Runs as the user on the login node.  It checks
 * what can only be checked here (the submit directory's files) and hands
 * the absolute run-log root to the job epilog; the job id is not known
 * yet, so nothing is written.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <slurm/spank.h>

#include "exp_log.h"

int exp_log_resolve_root(const char *dir, const char *submit_dir, char *out,
			 size_t len)
{
	int n;

	if (dir && dir[0] == '/')
		n = snprintf(out, len, "%s", dir);
	else if (dir)
		n = snprintf(out, len, "%s/%s", submit_dir, dir);
	else
		n = snprintf(out, len, "%s/run_logs", submit_dir);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

int exp_log_alloc_post_opt(spank_t sp)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char cwd[PATH_MAX], root[4096];
	spank_err_t rc;

	if (c->opts_failed)
		return -1;
	if (!c->opts.enabled)
		return 0;
	if (c->opts.config && access(c->opts.config, R_OK) < 0) {
		slurm_error("exp-log: --exp-config: can't read '%s': %s: give a readable config file",
			    c->opts.config, strerror(errno));
		return -1;
	}
	if (!getcwd(cwd, sizeof(cwd))) {
		slurm_error("exp-log: couldn't read the current directory: %s",
			    strerror(errno));
		return -1;
	}
	if (exp_log_resolve_root(c->opts.dir, cwd, root, sizeof(root)) < 0) {
		slurm_error("exp-log: --exp-log: path too long");
		return -1;
	}
	/* The epilog sees this as SPANK_EXP_LOG_DIR.  Inside an existing
	 * allocation (srun in a batch job) there is no job to set it on:
	 * that is fine, the allocation's own submit set it already. */
	rc = spank_job_control_setenv(sp, "EXP_LOG_DIR", root, 1);
	if (rc != ESPANK_SUCCESS && rc != ESPANK_NOT_AVAIL)
		slurm_verbose("exp-log: couldn't pass the run-log root to the epilog: %s",
			      spank_strerror(rc));
	return 0;
}
