/* exp_run_chain.c - exp-run --requeue: at the end of a link, ask
 * slurmctld what ended it (time limit, preemption, cancellation), let
 * job/chain.h decide, and requeue the job through libslurm
 * (slurm_requeue), writing the decision into exp-run.json first: the
 * requeue ends the batch step, and the plugin's close-out reads it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>

#include "cli/cli.h"
#include "exp_run.h"
#include "job/chain.h"
#include "runstore/layout.h"
#include "util/exl_err.h"
#include "watch/checkpoint_find.h"

/* Most checkpoint globs read from $EXP_LOG_CHECKPOINT_GLOBS. */
#define MAX_GLOBS 32

/* job_id: $SLURM_JOB_ID, 0 when not in a job. */
static uint32_t job_id(void)
{
	const char *v = getenv("SLURM_JOB_ID");

	return v ? (uint32_t)strtoul(v, NULL, 10) : 0;
}

/* load_job: the job's record from slurmctld; NULL when it did not
 * answer (msg to be freed by the caller). */
static slurm_job_info_t *load_job(job_info_msg_t **msg)
{
	uint32_t id = job_id(), i;

	*msg = NULL;
	if (!id || slurm_load_job(msg, id, SHOW_ALL) != 0 || !*msg)
		return NULL;
	for (i = 0; i < (*msg)->record_count; i++)
		if ((*msg)->job_array[i].job_id == id)
			return &(*msg)->job_array[i];
	return NULL;
}

void exp_run_chain_load(struct exp_run *r)
{
	struct exl_exprun_result prev;
	job_info_msg_t *msg;
	slurm_job_info_t *j;
	const char *v;

	if ((v = getenv("SLURM_RESTART_COUNT")))
		r->link = atoi(v);
	j = load_job(&msg);
	if (j)
		r->link = (int)j->restart_cnt;
	slurm_free_job_info_msg(msg);
	if (r->requeue_max < 0)
		return;
	v = getenv("EXP_LOG_CHECKPOINT_GLOBS");
	r->ckpt_globs = v && *v ? v : NULL;
	v = getenv("EXP_LOG_CHECKPOINT_DIR");
	r->ckpt_dir = v && *v ? v : NULL;
	v = getenv("EXP_LOG_RESUME_CHECKPOINT");
	r->resume_ckpt = v && *v ? v : NULL;
	/* the previous link's record, before this link's replaces it */
	if (r->link > 0 && r->state_dir &&
	    exl_exprun_read(r->state_dir, &prev) == 0 &&
	    prev.chain.decision[0] && prev.chain.link == r->link - 1)
		r->prev_stalled = prev.chain.stalled;
}

/* newest: the newest checkpoint written since the link started into
 * out; 1 found, 0 none, -1 unknown (no globs, or the search failed). */
static int newest(const struct exp_run *r, char *out, size_t len)
{
	char *copy, *globs[MAX_GLOBS], *save = NULL, *g;
	char *root;
	size_t n = 0;
	int rc;

	out[0] = '\0';
	if (!r->ckpt_globs || !(copy = strdup(r->ckpt_globs)))
		return -1;
	for (g = strtok_r(copy, "\n", &save); g && n < MAX_GLOBS;
	     g = strtok_r(NULL, "\n", &save))
		globs[n++] = g;
	/* the run-log root holds no checkpoints: passed over */
	root = r->state_dir ? exl_layout_root_of(r->state_dir) : NULL;
	rc = n ? exl_checkpoint_newest(r->ckpt_dir ? r->ckpt_dir : ".", globs,
				       n, (time_t)r->start, root, out, len,
				       NULL) : -1;
	free(root);
	free(copy);
	return rc == 0 ? 1 : rc == 1 ? 0 : -1;
}

/* facts: what slurmctld says about the job now. */
static void facts(const struct exp_run *r, struct exl_chain_in *in)
{
	job_info_msg_t *msg;
	slurm_job_info_t *j = load_job(&msg);
	uint32_t base;

	if (!j) {
		slurm_free_job_info_msg(msg);
		return;
	}
	base = j->job_state & JOB_STATE_BASE;
	in->job_known = 1;
	in->cancelled = base == JOB_CANCELLED;
	in->pending = base == JOB_PENDING;
	in->preempted = j->preempt_time != 0 || base == JOB_PREEMPTED;
	in->warned = r->warned_at > 0;
	/* the job's end is its time limit while it runs */
	in->warn_left = r->warned_at > 0 && j->end_time > 0 && !in->pending ?
			(long long)j->end_time - (long long)r->warned_at : -1;
	in->warn_secs = r->warn_secs;
	slurm_free_job_info_msg(msg);
}

void exp_run_chain_end(struct exp_run *r)
{
	struct exl_chain_in in;
	struct exl_exprun_chain *c = &r->chain;
	char ckpt[4096], why[256];
	enum exl_chain_do d;
	int found;

	if (r->requeue_max < 0 || r->rank != 0)
		return;
	memset(&in, 0, sizeof(in));
	in.wstatus = r->wstatus;
	in.max = r->requeue_max;
	in.link = r->link;
	in.prev_stalled = r->prev_stalled;
	in.stall_limit = r->stall_limit;
	found = newest(r, ckpt, sizeof(ckpt));
	in.progress = found;
	in.checkpoint = found == 1 ? ckpt : r->resume_ckpt;
	facts(r, &in);
	d = exl_chain_decide(&in, c);
	c->at = (double)time(NULL);
	if (d != EXL_CHAIN_REQUEUE) {
		cli_err("%s", c->text);
		return;
	}
	/* recorded first: the requeue ends this batch step */
	exp_run_write_result(r);
	if (slurm_requeue(job_id(), 0) != 0) {
		snprintf(why, sizeof(why), "%s", slurm_strerror(slurm_get_errno()));
		exl_chain_failed(c, why);
	}
	cli_err("%s", c->text);
}
