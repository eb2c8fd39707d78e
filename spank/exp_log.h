/* exp_log.h - state shared by the files of exp_log_core.so, the part of
 * the plugin that does the work (see exp_log_core.h for why it is a
 * separate module).
 *
 * One static context per process (sbatch/srun/salloc, slurmstepd, the
 * slurmd epilog runner); each context file reads and fills it, and
 * exp_log_ctx_reset() clears it in slurm_spank_exit.
 */
#ifndef EXP_LOG_H
#define EXP_LOG_H

#include <stdint.h>

#include <slurm/spank.h>

#include "config/config.h"
#include "watch/monitor_proc.h"
#include "config/plugargs.h"
#include "opts/options.h"
#include "runstore/run_facts.h"
#include "job/run_monitor.h"
#include "job/run_lifecycle.h"

struct exp_log_ctx {
	struct exl_opts *opts;	/* the thin plugin's option values */
	struct exl_plugargs pargs;	/* plugstack.conf arguments */
	struct exl_config cfg;	/* site + user exp-log.yaml */
	int cfg_loaded;
	struct exl_config_problems probs;
	/* remote context */
	int owner;		/* this step created/resumed the run log */
	int batch;		/* ... and it is the batch step */
	char root[4096];	/* absolute run-log root */
	char job_id[32];
	int have_status;	/* task_exit saw the step's status */
	int wstatus;
	struct exl_run_paths paths;
	/* the batch step's monitor (see lib/run_monitor.h) */
	struct exl_monitor monitor;
	struct exl_run_monitor_cfg mcfg;
	char stdout_path[4096], stderr_path[4096], work_dir[4096];
	char telemetry_file[4300];	/* the batch node's samples */
#define EXP_LOG_MAX_ENV 32
	const char *env_names[EXP_LOG_MAX_ENV], *env_cmds[EXP_LOG_MAX_ENV];
	time_t start;
	/* submit side: sbatch writes the run log after its submission
	 * (exp_log_submit.c) */
	struct {
		int armed;		/* sbatch with --exp-log */
		time_t t0;		/* before the job was submitted */
		char cwd[4096];		/* SLURM_SUBMIT_DIR to be */
		char signal_spec[64];
		char script[256];	/* its script's base name, "" */
	} submit;
};

extern struct exp_log_ctx exp_log_ctx;

/* exp_log_config.c: load site + user configuration (user_home: the
 * caller's home, NULL: $HOME) as the calling user, checked as in the job
 * (a user file that would widen the site's view is ignored whole), and
 * fill unset options from it.  Problems stay in ctx.probs for the caller
 * to show.  Returns -1 when unusable. */
int exp_log_load_config(const char *user_home);

/* exp_log_config.c: the same where root can come back (slurmstepd): the
 * site file here, the user's (user_home's, NULL: none) in a child
 * dropped to u's uid for good, its result checked here. */
struct exl_config_user;
int exp_log_load_config_as(const struct exl_config_user *u,
			   const char *user_home);

/* exp_log_config.c: is root allowed by the site's allowed_roots? */
int exp_log_root_allowed(const char *root, struct exl_err *err);

/* exp_log_alloc.c: sbatch/salloc/srun side (S_CTX_LOCAL/ALLOCATOR). */
int exp_log_check_root(void);
int exp_log_alloc_post_opt(spank_t sp);

/* exp_log_submit.c: sbatch's exit, after the submission: the run log
 * of the job just submitted (exl_run_submit). */
void exp_log_submit_arm(const char *root, const char *signal_spec,
			const char *script);
int exp_log_submit_exit(spank_t sp);

/* exp_log_chain.c: a requeue chain's variables in the batch step. */
void exp_log_export_chain(spank_t sp, const struct exp_log_ctx *c,
			  const struct exl_run_paths *p,
			  const struct exl_job_facts *j);

/* exp_log_remote.c: slurmstepd side. */
int exp_log_remote_user_init(spank_t sp);
int exp_log_remote_task_exit(spank_t sp);
int exp_log_remote_exit(spank_t sp);

/* exp_log_telemetry.c: the step's sampler thread (every step, every
 * node), writing below the run's state_dir ("" or NULL: none); stopped
 * in slurm_spank_exit. */
void exp_log_telemetry_start(spank_t sp, uint32_t stepid, int batch,
			     const char *state_dir);
void exp_log_telemetry_stop(void);

/* exp_log_slurmd.c: the job epilog, run as root on every node. */
int exp_log_slurmd_job_epilog(spank_t sp);

/* exp_log_slurm.c: facts from the controller's job record, asked for up
 * to tries times (1: once; the epilog, which must learn how the job
 * ended, waits out a busy controller). */
struct exl_job_facts;
int exp_log_job_record(const char *job_id, int tries,
		       struct exl_job_facts *j, char *state, size_t state_len,
		       time_t *end_time, int *exit_code);

/* Root resolution: --exp-log DIR (absolute, or relative to submit_dir),
 * default submit_dir/run_logs. */
int exp_log_resolve_root(const char *dir, const char *submit_dir, char *out,
			 size_t len);

void exp_log_ctx_reset(void);

#endif
