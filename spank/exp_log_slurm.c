/* exp_log_slurm.c - read the controller's record of a job.
 *
 * The plugin is not linked against libslurm: every process that loads it
 * (sbatch, srun, salloc, slurmstepd) already carries libslurmfull, and
 * Slurm opens plugins with RTLD_LAZY.  Only slurmstepd-side hooks call
 * these functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

#include "exp_log.h"
#include "runstore/run_facts.h"

/* state_name: Slurm's name for a base job state.  libslurm has this as
 * job_state_string(), but 22.05 does not declare it in slurm.h. */
static const char *state_name(uint32_t state)
{
	if (state & JOB_REQUEUE)
		return "REQUEUED";
	switch (state & JOB_STATE_BASE) {
	case JOB_PENDING:
		return "PENDING";
	case JOB_RUNNING:
		return "RUNNING";
	case JOB_SUSPENDED:
		return "SUSPENDED";
	case JOB_COMPLETE:
		return "COMPLETED";
	case JOB_CANCELLED:
		return "CANCELLED";
	case JOB_FAILED:
		return "FAILED";
	case JOB_TIMEOUT:
		return "TIMEOUT";
	case JOB_NODE_FAIL:
		return "NODE_FAIL";
	case JOB_PREEMPTED:
		return "PREEMPTED";
	case JOB_BOOT_FAIL:
		return "BOOT_FAIL";
	case JOB_DEADLINE:
		return "DEADLINE";
	case JOB_OOM:
		return "OUT_OF_MEMORY";
	default:
		return "UNKNOWN";
	}
}

/* load_job: slurmctld's record of job id, asked up to tries times: a
 * controller that is busy (a burst of ending jobs) or restarting gets a
 * second chance after 1 s, a third after 2 s more...; a job it does not
 * know is not asked about again. */
static int load_job(uint32_t id, job_info_msg_t **msg, int tries)
{
	unsigned int pause = 1;
	int i;

	for (i = 1;; i++) {
		/* SHOW_LOCAL: this job runs here, on the local cluster;
		 * without it libslurm first asks for the federation, a
		 * second RPC */
		*msg = NULL;
		if (slurm_load_job(msg, id, SHOW_ALL | SHOW_LOCAL) == 0 && *msg)
			return 0;
		if (i >= tries || slurm_get_errno() == ESLURM_INVALID_JOB_ID)
			return -1;
		sleep(pause);
		pause *= 2;
	}
}

int exp_log_job_record(const char *job_id, int tries,
		       struct exl_job_facts *j, char *state, size_t state_len,
		       time_t *end_time, int *exit_code)
{
	job_info_msg_t *msg = NULL;
	slurm_job_info_t *r = NULL;
	uint32_t id = (uint32_t)strtoul(job_id, NULL, 10);
	uint32_t i;

	if (load_job(id, &msg, tries) < 0) {
		slurm_error("exp-log: couldn't load job %s from slurmctld: %s",
			    job_id, slurm_strerror(slurm_get_errno()));
		return -1;
	}
	for (i = 0; i < msg->record_count; i++)
		if (msg->job_array[i].job_id == id)
			r = &msg->job_array[i];
	if (!r) {
		slurm_free_job_info_msg(msg);
		slurm_error("exp-log: slurmctld has no record of job %s", job_id);
		return -1;
	}
	if (j) {
		j->submitted = r->submit_time;
		j->time_limit_min = r->time_limit;
		if (r->command)
			snprintf(j->script, sizeof(j->script), "%s", r->command);
		if (r->batch_host)
			snprintf(j->batch_host, sizeof(j->batch_host), "%s",
				 r->batch_host);
		if (r->partition && !j->partition[0])
			snprintf(j->partition, sizeof(j->partition), "%s",
				 r->partition);
		if (r->work_dir)
			snprintf(j->work_dir, sizeof(j->work_dir), "%s",
				 r->work_dir);
		if (r->tres_alloc_str)
			snprintf(j->tres, sizeof(j->tres), "%s",
				 r->tres_alloc_str);
		if (r->batch_flag) {
			slurm_get_job_stdout(j->stdout_path,
					     (int)sizeof(j->stdout_path), r);
			slurm_get_job_stderr(j->stderr_path,
					     (int)sizeof(j->stderr_path), r);
		}
		if (r->nodes && !j->nodes[0])
			snprintf(j->nodes, sizeof(j->nodes), "%s", r->nodes);
		if (!j->nnodes)
			j->nnodes = (int)r->num_nodes;
		if (!j->restart_count)
			j->restart_count = (int)r->restart_cnt;
		j->requeue_off = r->requeue == 0;
	}
	/* A job whose epilog runs has run: if slurmctld already calls it
	 * pending, it was requeued, and its end_time is a forecast.  A
	 * preempted job (PreemptMode=REQUEUE) keeps its preempt time until
	 * the epilog is done: that link ended PREEMPTED. */
	if (state)
		snprintf(state, state_len, "%s",
			 (r->job_state & JOB_STATE_BASE) != JOB_PENDING ?
			 state_name(r->job_state) :
			 r->preempt_time ? "PREEMPTED" : "REQUEUED");
	if (end_time)
		*end_time = (r->job_state & JOB_STATE_BASE) == JOB_PENDING ||
			    r->end_time > time(NULL) ? 0 : r->end_time;
	if (exit_code)
		*exit_code = (int)r->exit_code;
	slurm_free_job_info_msg(msg);
	return 0;
}
