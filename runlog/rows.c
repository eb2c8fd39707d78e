/* rows.c - status rows (see rows.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rows.h"
#include "rl_sched.h"
#include "util/timefmt.h"
#include "util/jobstate.h"
#include "settle.h"

/* local_alive: for "local:<host>:<pid>" on this host, does pid live? */
static int local_alive(const char *job_id)
{
	char host[256], me[256];
	long pid;

	if (exl_local_id(job_id, host, sizeof(host), &pid) < 0)
		return -1;
	if (gethostname(me, sizeof(me)) < 0)
		return -1;
	me[sizeof(me) - 1] = '\0';
	if (strcmp(host, me) != 0)
		return -1;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

void rl_row_fill(const struct rl *c, const struct exl_scan_entry *e,
		 const struct rl_sched_view *v, struct rl_row *row,
		 struct exl_ckpt_memo *memo)
{
	struct exl_status_in in = { 0 };

	in.log = &e->sum;
	in.sched_ok = v->ok;
	in.sched = v->ok ? exl_sched_find(&v->jobs, e->sum.job_id) : NULL;
	in.acct = exl_sched_find(&v->acct, e->sum.job_id);
	in.acct_asked = exl_sched_find(&v->acct_asked, e->sum.job_id) != NULL;
	in.acct_closed = exl_sched_find(&v->acct_closed,
					e->sum.job_id) != NULL;
	in.local_alive = local_alive(e->sum.job_id);
	in.now = c->now;
	row->e = e;
	exl_status_reconcile(&in, &row->r);
	row->pp = exl_ckpt_state_memo(e->sum.checkpoint, c->base, memo);
}

/* Said once in the log of a job that waits for a dependency that failed. */
#define NEVER_SATISFIED "pending: dependency never satisfied, the job will " \
	"not start (scancel it, or fix the dependency with scontrol update)"

void rl_row_settle(struct rl *c, struct rl_row *row,
		   const struct rl_sched_view *v)
{
	const struct exl_sched_job *j;
	const struct exl_run_summary *s = &row->e->sum;
	struct exl_status_row *r = &row->r;
	struct exl_err err;
	int rc;

	if (!r->open || exl_job_id_num(s->job_id) < 0)
		return;
	if (strcmp(r->state, "PENDING") == 0) {
		if (strcmp(r->reason, "DependencyNeverSatisfied") == 0 &&
		    rl_settle_once(c->root, row->e->path, s->job_id,
				   NEVER_SATISFIED, &err) < 0)
			cli_err("%s: %s", row->e->path, err.text);
		return;
	}
	/* only the scheduler's word (or sacct's) says how it left */
	if (!exl_state_is_final(r->state) ||
	    (strcmp(r->source, "scheduler") != 0 &&
	     strcmp(r->source, "sacct") != 0))
		return;
	/* the last reason it waited for, which slurmctld keeps */
	j = v->ok ? exl_sched_find(&v->jobs, s->job_id) : NULL;
	rc = rl_settle_unstarted(c->root, s->job_id, r->state,
				 j && j->reason[0] ? j->reason : NULL,
				 r->finished, s->start > 0, &err);
	if (rc < 0) {
		cli_err("%s: %s", row->e->path, err.text);
	} else if (rc == 0) {
		r->open = 0;
		exl_status_row_free(r);
	}
}

void rl_sacct_fill(const struct exl_scan *sc, struct rl_sched_view *v)
{
	char **ids = calloc(sc->n + 1, sizeof(*ids)), why[256];
	size_t i, n = 0;

	if (!ids) {
		cli_err("sacct: out of memory");
		return;
	}
	for (i = 0; i < sc->n; i++) {
		const struct exl_run_summary *s = &sc->v[i].sum;

		if (sc->v[i].ok && !exl_summary_closed(s) &&
		    exl_job_id_num(s->job_id) >= 0 &&
		    !(v->ok && exl_sched_find(&v->jobs, s->job_id)))
			ids[n++] = s->job_id;
	}
	if (n && rl_sacct(ids, n, RL_SCHED_TIMEOUT, &v->acct, why,
			  sizeof(why)) < 0)
		cli_err("--sacct: %s", why);
	free(ids);
}

void rl_mode(const char *run_type, char *buf, size_t len)
{
	size_t n = run_type ? strcspn(run_type, " (") : 0;

	if (!len)
		return;
	if (n == 0 || strncmp(run_type, "unspecified", 11) == 0) {
		run_type = "-";
		n = 1;
	}
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, run_type, n);
	buf[n] = '\0';
}

/* One "key": value pair of a row, on its own line. */
struct kv {
	struct rl_out *o;
	const char *indent;
	int first;
};

static void key(struct kv *k, const char *name)
{
	rl_out_str(k->o, k->first ? "" : ",\n");
	k->first = 0;
	rl_out_str(k->o, k->indent);
	rl_out_str(k->o, "  \"");
	rl_out_str(k->o, name);
	rl_out_str(k->o, "\": ");
}

static void kv_str(struct kv *k, const char *name, const char *v)
{
	key(k, name);
	rl_out_json_str(k->o, v);
}

static void kv_int(struct kv *k, const char *name, long long v, int have)
{
	key(k, name);
	if (have)
		rl_out_i64(k->o, v);
	else
		rl_out_str(k->o, "null");
}

void rl_row_json(struct rl_out *o, const struct rl_row *row,
		 const char *indent, const char *markdown)
{
	const struct exl_run_summary *s = &row->e->sum;
	const struct exl_status_row *r = &row->r;
	struct kv k = { .o = o, .indent = indent, .first = 1 };
	char mode[64], buf[40];

	rl_mode(s->run_type, mode, sizeof(mode));
	rl_out_str(o, indent);
	rl_out_str(o, "{\n");
	kv_str(&k, "run", row->e->rel);
	kv_str(&k, "path", row->e->path);
	kv_str(&k, "group", row->e->group);
	kv_str(&k, "title", s->title);
	kv_str(&k, "mode", strcmp(mode, "-") ? mode : NULL);
	kv_str(&k, "run_type", s->run_type);
	kv_str(&k, "job_id", s->job_id);
	kv_str(&k, "state", r->state);
	kv_str(&k, "reason", r->reason[0] ? r->reason : NULL);
	kv_str(&k, "state_source", r->source);
	kv_int(&k, "expected_start", (long long)r->expected_start,
	       r->expected_start != 0);
	key(&k, "open");
	rl_out_str(o, r->open ? "true" : "false");
	kv_int(&k, "start", (long long)s->start, s->start != 0);
	kv_int(&k, "elapsed_s", r->elapsed, r->elapsed >= 0);
	kv_int(&k, "time_left_s", r->time_left, r->time_left >= 0);
	kv_int(&k, "step", s->ev.step, s->ev.step >= 0);
	key(&k, "loss");
	/* as the log wrote it, not 0.085000000000000006; inf/nan are null */
	snprintf(buf, sizeof(buf), "%.6g", s->ev.loss);
	rl_out_str(o, s->ev.loss_name[0] && strspn(buf, "-0123456789.e+") ==
		   strlen(buf) ? buf : "null");
	kv_str(&k, "loss_name", s->ev.loss_name[0] ? s->ev.loss_name : NULL);
	kv_int(&k, "gpu_util", s->ev.gpu_util, s->ev.gpu_util >= 0);
	kv_str(&k, "last_evidence", s->last_stamp &&
	       exl_time_iso(s->last_stamp, buf, sizeof(buf)) == 0 ? buf : NULL);
	kv_int(&k, "evidence_age_s", r->evidence_age, r->evidence_age >= 0);
	kv_str(&k, "last_status", s->last_status);
	kv_str(&k, "wandb", r->wandb);
	kv_str(&k, "wandb_url", s->wandb_url);
	kv_str(&k, "passport", exl_ckpt_state_name(row->pp));
	kv_str(&k, "checkpoint", exl_value_present(s->checkpoint) ?
	       s->checkpoint : NULL);
	kv_str(&k, "hint", r->hint);
	if (markdown)
		kv_str(&k, "markdown", markdown);
	rl_out_char(o, '\n');
	rl_out_str(o, indent);
	rl_out_char(o, '}');
}

void rl_sched_view_free(struct rl_sched_view *v)
{
	exl_sched_free(&v->jobs);
	exl_sched_free(&v->acct);
	exl_sched_free(&v->acct_asked);
	exl_sched_free(&v->acct_closed);
}
