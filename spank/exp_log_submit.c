/* exp_log_submit.c - the run log of a job sbatch just submitted.
 *
 * SPANK tells the allocator context nothing about the job it submitted:
 * sbatch calls slurm_spank_exit from atexit() after "Submitted batch job
 * N", S_JOB_ID is not an allocator item and no SLURM_JOB_ID is set.  So
 * the exit hook asks slurmctld for this user's jobs (one RPC,
 * slurm_load_job_user) and takes the batch job submitted from this
 * session (alloc_sid) since init_post_opt (slurmctld's second is not
 * before ours), with our script's name, that no run log claims yet.
 * When that is not exactly one job (sbatch of the same script run in
 * parallel from one session), or it is an array or het job, or asks for
 * --exp-resume,
 * nothing is written here and the job's start writes the run log as
 * before: a run log never appears twice, because both sides create it
 * under the group lock only when the job map has no entry for the id.
 * Runs as the submitting user; never fails sbatch.  (A token passed to
 * the job would not help: job info does not show a job's SPANK
 * environment, so nothing could map it to a job id while it pends.)
 *
 * The plugin is not linked against libslurm: sbatch carries libslurmfull
 * (see exp_log_slurm.c).
 */
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

#include "exp_log.h"
#include "runstore/layout.h"
#include "util/fileio.h"

void exp_log_submit_arm(const char *root, const char *signal_spec,
			const char *script)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	/* salloc's exit comes after its job ended: nothing to do there;
	 * --exp-resume continues a run log, which the start picks */
	if (n <= 0 || c->opts->resume)
		return;
	exe[n] = '\0';
	if (strcmp(exl_basename(exe), "sbatch") != 0 ||
	    !getcwd(c->submit.cwd, sizeof(c->submit.cwd)))
		return;
	snprintf(c->root, sizeof(c->root), "%s", root);
	snprintf(c->submit.signal_spec, sizeof(c->submit.signal_spec), "%s",
		 signal_spec);
	snprintf(c->submit.script, sizeof(c->submit.script), "%s", script);
	c->submit.t0 = time(NULL);
	c->submit.armed = 1;
}

/* claimed: does a run log already own job id under root? */
static int claimed(const char *root, uint32_t id)
{
	char sid[16], *p;
	int rc;

	snprintf(sid, sizeof(sid), "%u", id);
	p = exl_layout_job_index(root, sid);
	rc = !p || access(p, F_OK) == 0;
	free(p);
	return rc;
}

/* our_job: the one batch job of this user, submitted from this session
 * (libslurm records the submitting process's session id as the job's
 * alloc_sid) since t0, that no run log claims; NULL when there is none
 * or more than one. */
static const slurm_job_info_t *our_job(const job_info_msg_t *msg, uid_t uid)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	const slurm_job_info_t *hit = NULL;
	pid_t sid = getsid(0);
	uint32_t i;

	for (i = 0; i < msg->record_count; i++) {
		const slurm_job_info_t *j = &msg->job_array[i];

		if (j->user_id != uid || !j->batch_flag ||
		    (sid > 0 && j->alloc_sid != (uint32_t)sid) ||
		    j->submit_time < c->submit.t0 ||
		    (c->submit.script[0] && (!j->command ||
		     strcmp(exl_basename(j->command), c->submit.script) != 0)) ||
		    claimed(c->root, j->job_id))
			continue;
		if (hit && !(hit->array_job_id &&
			     hit->array_job_id == j->array_job_id))
			return NULL;
		hit = j;
	}
	return hit;
}

/* facts: what the submission knows of job j. */
static void facts(const slurm_job_info_t *j, struct exl_run_facts *f,
		  uid_t uid)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_job_facts *jf = &f->job;
	struct passwd *pw = getpwuid(uid);
	char task[512];

	memset(f, 0, sizeof(*f));
	f->opts = c->opts;
	snprintf(jf->job_id, sizeof(jf->job_id), "%u", j->job_id);
	snprintf(jf->job_name, sizeof(jf->job_name), "%s", j->name ? j->name : "");
	snprintf(jf->user, sizeof(jf->user), "%s", pw ? pw->pw_name : "");
	jf->submitted = j->submit_time;
	snprintf(jf->partition, sizeof(jf->partition), "%s",
		 j->partition ? j->partition : "");
	jf->time_limit_min = j->time_limit == NO_VAL ? INFINITE : j->time_limit;
	snprintf(jf->script, sizeof(jf->script), "%s",
		 j->command ? j->command : "");
	snprintf(jf->work_dir, sizeof(jf->work_dir), "%s",
		 j->work_dir ? j->work_dir : "");
	snprintf(jf->submit_dir, sizeof(jf->submit_dir), "%.4095s", c->submit.cwd);
	snprintf(jf->signal_spec, sizeof(jf->signal_spec), "%.63s",
		 c->submit.signal_spec);
	if (f->opts->task)
		snprintf(task, sizeof(task), "%s", f->opts->task);
	else
		exl_task_from_job_name(jf->job_name, task, sizeof(task));
	exl_sanitize_name(task, f->task);
	if (f->opts->config &&
	    exl_path_resolve(c->submit.cwd, f->opts->config, f->config_abs,
			     sizeof(f->config_abs)) < 0)
		snprintf(f->config_error, sizeof(f->config_error),
			 "path too long");
	f->price_per_gpu_hour = c->cfg.cost_per_gpu_hour;
	if (c->cfg.currency)
		snprintf(f->currency, sizeof(f->currency), "%.15s",
			 c->cfg.currency);
}

int exp_log_submit_exit(spank_t sp)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	const slurm_job_info_t *j;
	job_info_msg_t *msg = NULL;
	struct exl_run_paths out;
	struct exl_run_facts f;
	struct exl_err err;
	uid_t uid = getuid();
	int rc;

	(void)sp;
	if (!c->submit.armed)
		return 0;
	c->submit.armed = 0;
	if (slurm_load_job_user(&msg, uid, SHOW_ALL) != SLURM_SUCCESS || !msg) {
		slurm_verbose("exp-log: couldn't list the submitted job (%s): its run log is written when it starts",
			      slurm_strerror(slurm_get_errno()));
		return 0;
	}
	j = our_job(msg, uid);
	if (!j || j->array_job_id || (j->het_job_id && j->het_job_id != NO_VAL)) {
		slurm_verbose("exp-log: run log written when the job starts (%s)",
			      j ? "array or heterogeneous job" :
			      "the submitted job is not known for sure");
		slurm_free_job_info_msg(msg);
		return 0;
	}
	facts(j, &f, uid);
	slurm_free_job_info_msg(msg);
	rc = exl_run_submit(c->root, &f, &out, &err);
	if (rc < 0)
		slurm_info("exp-log: warning: job %s: couldn't write its run log at submission (%s): it is written when the job starts",
			   f.job.job_id, err.text);
	else if (rc == 0)
		slurm_verbose("exp-log: job %s: run log %s", f.job.job_id,
			      out.run_log);
	return 0;
}
