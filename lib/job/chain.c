/* chain.c - a requeue chain's rules (see chain.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "job/chain.h"
#include "util/jobstate.h"

int exl_chain_is_time_limit(long long warn_left, int warn_secs)
{
	return warn_secs > 0 && warn_left >= 0 &&
	       warn_left <= (long long)warn_secs + EXL_CHAIN_WARN_SLACK;
}

/* set: the decision, the reason and the Status text. */
static enum exl_chain_do set(struct exl_exprun_chain *o, enum exl_chain_do d,
			     const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum exl_chain_do set(struct exl_exprun_chain *o, enum exl_chain_do d,
			     const char *reason, const char *fmt, ...)
{
	static const char *const word[] = {
		[EXL_CHAIN_END] = "ended", [EXL_CHAIN_STOP] = "stopped",
		[EXL_CHAIN_SCHEDULER] = "scheduler",
		[EXL_CHAIN_REQUEUE] = "requeued",
	};
	va_list ap;

	snprintf(o->decision, sizeof(o->decision), "%s", word[d]);
	snprintf(o->reason, sizeof(o->reason), "%s", reason);
	va_start(ap, fmt);
	vsnprintf(o->text, sizeof(o->text), fmt, ap);
	va_end(ap);
	return d;
}

/* why_ended: "time limit", "preempted" or NULL (neither). */
static const char *why_ended(const struct exl_chain_in *in)
{
	if (in->preempted)
		return "preempted";
	if (in->warned && exl_chain_is_time_limit(in->warn_left, in->warn_secs))
		return "time limit";
	return NULL;
}

enum exl_chain_do exl_chain_decide(const struct exl_chain_in *in,
				   struct exl_exprun_chain *o)
{
	int limit = in->stall_limit > 0 ? in->stall_limit :
		    EXL_CHAIN_STALL_DEFAULT;
	const char *why = in->job_known ? why_ended(in) : NULL;
	char ex[64];

	memset(o, 0, sizeof(*o));
	o->link = in->link;
	o->max = in->max;
	o->stall_limit = limit;
	if (in->checkpoint)
		snprintf(o->checkpoint, sizeof(o->checkpoint), "%s",
			 in->checkpoint);
	/* progress unknown (no checkpoint globs) never stops a chain */
	o->stalled = in->progress == 0 ? in->prev_stalled + 1 : 0;
	exl_exit_text(in->wstatus, ex, sizeof(ex));
	if (WIFEXITED(in->wstatus) && WEXITSTATUS(in->wstatus) == 0)
		return set(o, EXL_CHAIN_END, "finished",
			   "chain ended: the program finished (exit code 0) in link %d",
			   in->link + 1);
	if (!in->job_known)
		return set(o, EXL_CHAIN_STOP, "unknown",
			   "chain stopped: slurmctld did not answer, so a time limit or preemption could not be told: not requeued");
	if (in->cancelled)
		return set(o, EXL_CHAIN_STOP, "cancelled",
			   "chain stopped: the job was cancelled (scancel): not requeued");
	if (!why)
		return set(o, EXL_CHAIN_STOP, "failed",
			   "chain stopped: the program ended with %s with no time-limit warning or preemption: not requeued",
			   ex);
	if (in->preempted && in->pending)
		return set(o, EXL_CHAIN_SCHEDULER, why,
			   "preempted: the scheduler requeued the job (PreemptMode=REQUEUE)");
	if (in->link >= in->max)
		return set(o, EXL_CHAIN_STOP, why,
			   "chain stopped: %s, and the requeue budget is spent (%d of %d requeues): not requeued",
			   why, in->link, in->max);
	if (o->stalled >= limit && in->checkpoint)
		return set(o, EXL_CHAIN_STOP, "no progress",
			   "chain stopped: %s, and no progress in %d links (no checkpoint newer than %s): not requeued",
			   why, o->stalled, in->checkpoint);
	if (o->stalled >= limit)
		return set(o, EXL_CHAIN_STOP, "no progress",
			   "chain stopped: %s, and no progress in %d links (no checkpoint written): not requeued",
			   why, o->stalled);
	return set(o, EXL_CHAIN_REQUEUE, why, "%s: requeued by exp-run (%d/%d)",
		   why, in->link + 1, in->max);
}

void exl_chain_failed(struct exl_exprun_chain *o, const char *why)
{
	char reason[sizeof(o->reason)];

	snprintf(reason, sizeof(reason), "%s", o->reason);
	set(o, EXL_CHAIN_STOP, reason,
	    "chain stopped: %s, but the requeue failed: %s", reason, why);
}

/* clock_of: "HH:MM:SS" of t, local time. */
static void clock_of(double t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "?");
}

int exl_chain_status(const char *state_dir, long long restart,
		     const char *st, const char *ex, char *verdict,
		     size_t vlen, char *extra, size_t elen)
{
	struct exl_exprun_result r;
	char at[16];

	verdict[0] = extra[0] = '\0';
	if (!state_dir || !st || exl_exprun_read(state_dir, &r) != 0 ||
	    !r.chain.decision[0] || r.chain.link != restart)
		return 0;
	if (strcmp(st, "REQUEUED") != 0 && strcmp(st, "PREEMPTED") != 0) {
		snprintf(extra, elen, "%s", r.chain.text);
		return 1;
	}
	clock_of(r.chain.at, at, sizeof(at));
	snprintf(verdict, vlen, "%s at %s (scheduler state %s)%s%s",
		 r.chain.text, at, st, ex ? ", " : "", ex ? ex : "");
	return 1;
}
