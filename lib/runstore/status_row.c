/* status_row.c - reconcile a run log with the scheduler (see status_row.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jobstate.h"
#include "runstore/status_row.h"

int exl_summary_closed(const struct exl_run_summary *s)
{
	if (s->end)
		return 1;
	return !s->has_end_key && exl_state_word(s->sched_state) &&
	       exl_state_is_final(s->sched_state);
}

int exl_local_id(const char *id, char *host, size_t len, long *pid)
{
	const char *h, *colon;
	char *end;

	if (!id || strncmp(id, "local:", 6) != 0)
		return -1;
	h = id + 6;
	colon = strrchr(h, ':');
	if (!colon || colon == h || (size_t)(colon - h) >= len)
		return -1;
	errno = 0;
	*pid = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || errno || *pid <= 0 || *pid > INT_MAX)
		return -1;
	snprintf(host, len, "%.*s", (int)(colon - h), h);
	return 0;
}

int exl_state_is_live(const char *st)
{
	static const char *const live[] = { "PENDING", "RUNNING", "SUSPENDED",
		"COMPLETING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD",
		"REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT",
		"STOPPED", "RESV_DEL_HOLD", "SPECIAL_EXIT", NULL };
	int i;

	for (i = 0; live[i]; i++)
		if (strcmp(st, live[i]) == 0)
			return 1;
	return 0;
}

/* from_sched: the row's timing from a scheduler record. */
static void from_sched(const struct exl_sched_job *j, time_t now,
		       struct exl_status_row *r)
{
	snprintf(r->state, sizeof(r->state), "%s", j->state);
	if (strcmp(j->state, "PENDING") == 0) {
		snprintf(r->reason, sizeof(r->reason), "%s", j->reason);
		/* a forecast; a requeued job's past start is none, and a
		 * held job starts when released, whatever the scheduler
		 * guessed (squeue --start says N/A) */
		if (j->start >= now && strncmp(j->reason, "JobHeld", 7) != 0)
			r->expected_start = j->start;
	}
	r->elapsed = j->elapsed;
	r->unlimited = j->limit_min == EXL_NO_LIMIT;
	if (!r->unlimited && j->elapsed >= 0 && exl_state_is_live(j->state)) {
		r->time_left = j->limit_min * 60 - j->elapsed;
		if (r->time_left < 0)
			r->time_left = 0;
	}
	if (exl_state_is_final(j->state) && j->end)
		r->finished = j->end;
}

void exl_status_row_hint(struct exl_status_row *r, const char *fmt, ...)
{
	va_list ap;

	exl_status_row_free(r);
	va_start(ap, fmt);
	if (vasprintf(&r->hint, fmt, ap) < 0)
		r->hint = NULL;
	va_end(ap);
}

void exl_status_row_free(struct exl_status_row *r)
{
	free(r->hint);
	r->hint = NULL;
}

/* unsched: a log whose job the scheduler does not know (any more). */
static void unsched(const struct exl_status_in *in, struct exl_status_row *r)
{
	const struct exl_run_summary *s = in->log;
	const char *id = s->job_id;
	char host[256];
	long pid;

	if (in->acct && in->acct_closed) {
		from_sched(in->acct, in->now, r);
		r->source = "accounting";
		return;
	}
	if (in->acct) {
		from_sched(in->acct, in->now, r);
		r->source = "sacct";
		exl_status_row_hint(r, "sacct says %s but the log never "
				    "closed: the epilog did not run or could "
				    "not write (see the slurmd log)",
				    in->acct->state);
		return;
	}
	if (exl_local_id(id, host, sizeof(host), &pid) == 0) {
		r->source = "local";
		if (in->local_alive == 1) {
			snprintf(r->state, sizeof(r->state), "RUNNING");
			r->elapsed = s->start ? (long)(in->now - s->start) : -1;
			r->unlimited = 1;
		} else if (in->local_alive == 0) {
			snprintf(r->state, sizeof(r->state), "LOST");
			exl_status_row_hint(r, "process %ld on %s is gone but "
					    "its log never closed: record how "
					    "it ended with `runlog close`",
					    pid, host);
		} else {
			snprintf(r->state, sizeof(r->state), "UNKNOWN");
			exl_status_row_hint(r, "runs on %s: check process "
					    "%ld there", host, pid);
		}
		return;
	}
	if (exl_job_id_num(id) < 0) {
		snprintf(r->state, sizeof(r->state), "UNKNOWN");
		r->source = "none";
		if (id)
			exl_status_row_hint(r, "execution_id %s is not a "
					    "Slurm job id and the log is open: "
					    "close it with `runlog close`", id);
		else
			exl_status_row_hint(r, "no execution_id in the newest "
					    "job block: add the job id");
		return;
	}
	r->source = "log";
	if (!in->sched_ok) {
		snprintf(r->state, sizeof(r->state), "UNKNOWN");
		exl_status_row_hint(r, "the scheduler did not answer; the "
				    "log of job %s is still open", id);
		return;
	}
	snprintf(r->state, sizeof(r->state), "LOST");
	if (in->acct_asked)
		exl_status_row_hint(r, "job %s is gone, its log never closed "
				    "and accounting does not know it either: "
				    "record how it ended with `runlog close`",
				    id);
	else
		exl_status_row_hint(r, "job %s is gone but its log never "
				    "closed: check the slurmd log / `sacct -j "
				    "%s`", id, id);
}

void exl_status_reconcile(const struct exl_status_in *in,
			  struct exl_status_row *r)
{
	const struct exl_run_summary *s = in->log;

	memset(r, 0, sizeof(*r));
	r->elapsed = r->time_left = r->evidence_age = -1;
	r->open = !exl_summary_closed(s) && !in->acct_closed;
	r->started = s->start ? s->start : s->mtime;
	if (s->last_stamp)
		r->evidence_age = in->now > s->last_stamp ?
				  (long)(in->now - s->last_stamp) : 0;
	r->wandb = s->wandb_url ? "synced" :
		   (s->wandb_pending || s->wandb_local) ? "pending" : "n/a";
	if (in->sched) {
		from_sched(in->sched, in->now, r);
		r->source = "scheduler";
		if (r->open && exl_state_is_final(r->state))
			exl_status_row_hint(r, "the scheduler says %s; the "
					    "log is not closed yet (the job "
					    "epilog writes it)", r->state);
	} else if (!r->open && !in->acct_closed) {
		snprintf(r->state, sizeof(r->state), "%s",
			 exl_state_word(s->sched_state) ? s->sched_state : "ENDED");
		r->source = "log";
		if (s->start && s->end && s->end >= s->start)
			r->elapsed = (long)(s->end - s->start);
		r->finished = s->end ? s->end : s->mtime;
	} else {
		unsched(in, r);
	}
	r->final = !exl_state_is_live(r->state) && strcmp(r->state, "LOST") &&
		   strcmp(r->state, "UNKNOWN");
	if (r->final && !r->finished)
		r->finished = s->end ? s->end : s->mtime;
}
