/* rows.c - status rows (see rows.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rows.h"
#include "rl_sched.h"
#include "timefmt.h"

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
		 const struct rl_sched_view *v, struct rl_row *row)
{
	struct exl_status_in in = { 0 };
	char base[RL_PATH];

	in.log = &e->sum;
	in.sched_ok = v->ok;
	in.sched = v->ok ? exl_sched_find(&v->jobs, e->sum.job_id) : NULL;
	in.acct = exl_sched_find(&v->acct, e->sum.job_id);
	in.local_alive = local_alive(e->sum.job_id);
	in.now = c->now;
	row->e = e;
	exl_status_reconcile(&in, &row->r);
	rl_base_dir(c->root, base, sizeof(base));
	row->pp = exl_ckpt_state(e->sum.checkpoint, base);
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
	if (n && rl_sacct(ids, n, &v->acct, why, sizeof(why)) < 0)
		cli_err("--sacct: %s", why);
	free(ids);
}

void rl_mode(const char *run_type, char *buf, size_t len)
{
	size_t n = run_type ? strcspn(run_type, " (") : 0;

	if (n == 0 || strncmp(run_type, "unspecified", 11) == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*s", (int)n, run_type);
}

void rl_json_print(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

json_object *rl_json_number(double v)
{
	char buf[32];

	/* as the log wrote it, not 0.085000000000000006 */
	snprintf(buf, sizeof(buf), "%.6g", v);
	return json_object_new_double_s(v, buf);
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void add_int(json_object *o, const char *k, long long v, int have)
{
	json_object_object_add(o, k, have ? json_object_new_int64(v) : NULL);
}

json_object *rl_row_json(const struct rl_row *row)
{
	const struct exl_run_summary *s = &row->e->sum;
	const struct exl_status_row *r = &row->r;
	json_object *o = json_object_new_object();
	char mode[64], iso[40];

	rl_mode(s->run_type, mode, sizeof(mode));
	add_str(o, "run", row->e->rel);
	add_str(o, "path", row->e->path);
	add_str(o, "group", row->e->group);
	add_str(o, "title", s->title);
	add_str(o, "mode", strcmp(mode, "-") ? mode : NULL);
	add_str(o, "run_type", s->run_type);
	add_str(o, "job_id", s->job_id);
	add_str(o, "state", r->state);
	add_str(o, "reason", r->reason[0] ? r->reason : NULL);
	add_str(o, "state_source", r->source);
	json_object_object_add(o, "open", json_object_new_boolean(r->open));
	add_int(o, "start", (long long)s->start, s->start != 0);
	add_int(o, "elapsed_s", r->elapsed, r->elapsed >= 0);
	add_int(o, "time_left_s", r->time_left, r->time_left >= 0);
	add_int(o, "step", s->ev.step, s->ev.step >= 0);
	json_object_object_add(o, "loss", s->ev.loss_name[0] ?
			       rl_json_number(s->ev.loss) : NULL);
	add_str(o, "loss_name", s->ev.loss_name[0] ? s->ev.loss_name : NULL);
	add_int(o, "gpu_util", s->ev.gpu_util, s->ev.gpu_util >= 0);
	if (s->last_stamp && exl_time_iso(s->last_stamp, iso, sizeof(iso)) == 0)
		add_str(o, "last_evidence", iso);
	else
		add_str(o, "last_evidence", NULL);
	add_int(o, "evidence_age_s", r->evidence_age, r->evidence_age >= 0);
	add_str(o, "last_status", s->last_status);
	add_str(o, "wandb", r->wandb);
	add_str(o, "wandb_url", s->wandb_url);
	add_str(o, "passport", exl_ckpt_state_name(row->pp));
	add_str(o, "checkpoint", exl_value_present(s->checkpoint) ?
		s->checkpoint : NULL);
	add_str(o, "hint", r->hint[0] ? r->hint : NULL);
	return o;
}

void rl_sched_view_free(struct rl_sched_view *v)
{
	exl_sched_free(&v->jobs);
	exl_sched_free(&v->acct);
}
