/* exp_log_alloc.c - the submit side: sbatch, salloc, srun (local and
 * allocator contexts).  Runs as the user on the login node.  It checks
 * what can only be checked here (the submit directory's files) and hands
 * the absolute run-log root to the job epilog.  The job id is not known
 * yet, so nothing is written here; sbatch's exit writes the run log of
 * the job it submitted (exp_log_submit.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/spank.h>

#include "exp_log.h"
#include "util/fileio.h"
#include "util/sigspec.h"
#include "runstore/root_usable.h"

/* Largest /proc/self/cmdline and job script we read for --signal. */
#define EXP_LOG_CMDLINE_MAX (1u << 20)

/* read_cmdline: this process's argv from /proc (SPANK does not pass the
 * submit command line to plugins).  Returns argc, argv in *argvp
 * pointing into *bufp. */
static int read_cmdline(char **bufp, char ***argvp)
{
	struct exl_err err;
	size_t len, i;
	char **argv;
	int argc = 0;

	if (exl_read_file("/proc/self/cmdline", EXP_LOG_CMDLINE_MAX, bufp, &len,
			  &err) < 0)
		return -1;
	for (i = 0; i < len; i++)
		if ((*bufp)[i] == '\0')
			argc++;
	argv = calloc((size_t)argc + 1, sizeof(*argv));
	if (!argv) {
		free(*bufp);
		return -1;
	}
	argc = 0;
	for (i = 0; i < len; i += strlen(*bufp + i) + 1)
		argv[argc++] = *bufp + i;
	*argvp = argv;
	return argc;
}

/* find_signal_spec: --signal as sbatch/salloc/srun will apply it:
 * command line, then the environment, then #SBATCH lines.  name gets
 * the base name of sbatch's script argument ("" when there is none). */
static int find_signal_spec(char *out, size_t len, char *name,
			    size_t nlen)
{
	static const struct { const char *prog, *env; } envs[] = {
		{ "sbatch", "SBATCH_SIGNAL" },
		{ "salloc", "SALLOC_SIGNAL" },
		{ "srun", "SLURM_SIGNAL" },
	};
	struct exl_err err;
	const char *raw = NULL, *prog;
	char *buf = NULL, **argv = NULL, *script = NULL, from_script[128];
	int argc, idx = -1, rc = -1;
	size_t i;

	argc = read_cmdline(&buf, &argv);
	if (argc < 1)
		return -1;
	prog = exl_basename(argv[0]);
	raw = exl_sigspec_from_argv(argc, argv, &idx);
	snprintf(name, nlen, "%s", idx > 0 && strcmp(prog, "sbatch") == 0 ?
		 exl_basename(argv[idx]) : "");
	for (i = 0; !raw && i < sizeof(envs) / sizeof(envs[0]); i++)
		if (strcmp(prog, envs[i].prog) == 0)
			raw = getenv(envs[i].env);
	if (!raw && strcmp(prog, "sbatch") == 0 && idx > 0 &&
	    exl_read_file(argv[idx], EXP_LOG_CMDLINE_MAX, &script, NULL,
			  &err) == 0 &&
	    exl_sigspec_from_script(script, from_script,
				    sizeof(from_script)) == 0)
		raw = from_script;
	if (raw && exl_sigspec_normalize(raw, out, len, &err) == 0)
		rc = 0;
	free(script);
	free(argv);
	free(buf);
	return rc;
}

int exp_log_resolve_root(const char *dir, const char *submit_dir, char *out,
			 size_t len)
{
	return exl_path_resolve(submit_dir, dir ? dir : "run_logs", out, len);
}

/* submit_root: load the configuration (its problems go to the submitting
 * user's terminal, once) and resolve the run-log root against the
 * current directory. */
static int submit_root(char *root, size_t len)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char cwd[PATH_MAX];
	int first = !c->cfg_loaded;

	if (exp_log_load_config(NULL) < 0)
		return -1;
	for (size_t i = 0; first && i < c->probs.count &&
	     i < EXL_CONFIG_PROBLEMS_MAX; i++)
		slurm_info("exp-log: warning: %s", c->probs.msg[i]);
	if (!getcwd(cwd, sizeof(cwd))) {
		slurm_error("exp-log: couldn't read the current directory: %s",
			    strerror(errno));
		return -1;
	}
	if (exp_log_resolve_root(c->opts->dir, cwd, root, len) < 0) {
		slurm_error("exp-log: --exp-log: path too long");
		return -1;
	}
	return 0;
}

int exp_log_check_root(void)
{
	struct exl_err err;
	char root[4096];

	if (submit_root(root, sizeof(root)) < 0)
		return -1;
	if (exp_log_root_allowed(root, &err) < 0 ||
	    exl_root_usable(root, &err) < 0) {
		slurm_error("%s", err.text);
		return -1;
	}
	return 0;
}

int exp_log_alloc_post_opt(spank_t sp)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char root[4096], sig[64], script[256] = "";
	spank_err_t rc;

	if (!c->opts->enabled)
		return 0;
	if (submit_root(root, sizeof(root)) < 0)
		return -1;
	/* The epilog sees this as SPANK_EXP_LOG_DIR.  Inside an existing
	 * allocation (srun in a batch job) there is no job to set it on:
	 * that is fine, the allocation's own submit set it already. */
	rc = spank_job_control_setenv(sp, "EXP_LOG_DIR", root, 1);
	if (rc != ESPANK_SUCCESS && rc != ESPANK_NOT_AVAIL)
		slurm_verbose("exp-log: couldn't pass the run-log root to the epilog: %s",
			      spank_strerror(rc));
	if (find_signal_spec(sig, sizeof(sig), script, sizeof(script)) == 0)
		spank_job_control_setenv(sp, "EXP_LOG_SIGNAL", sig, 1);
	else
		sig[0] = '\0';
	if (spank_context() == S_CTX_ALLOCATOR)
		exp_log_submit_arm(root, sig, script);
	return 0;
}
