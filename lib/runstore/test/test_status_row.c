/* Unit tests: reconciling a run log with the scheduler (status rows). */
#include <stdlib.h>
#include <string.h>

#include "runstore/status_row.h"
#include "tap.h"

#define NOW 1773327600L

/* a run log's facts, open or closed */
static void log_facts(struct exl_run_summary *s, const char *id, int closed,
		      const char *state)
{
	memset(s, 0, sizeof(*s));
	s->job_id = (char *)id;
	s->start = NOW - 3600;
	s->has_end_key = 1;
	s->end = closed ? NOW - 600 : 0;
	s->sched_state = (char *)state;
	s->last_stamp = NOW - 120;
	s->mtime = NOW - 60;
	s->ev.step = -1;
	s->ev.gpu_util = -1;
}

static void sched(struct exl_sched_job *j, const char *state,
		  const char *reason, long elapsed, long limit)
{
	memset(j, 0, sizeof(*j));
	j->job_id = 7;
	snprintf(j->state, sizeof(j->state), "%s", state);
	snprintf(j->reason, sizeof(j->reason), "%s", reason);
	j->elapsed = elapsed;
	j->limit_min = limit;
	j->end = NOW - 30;
}

static void row(const struct exl_run_summary *s, const struct exl_sched_job *j,
		int ok_, const struct exl_sched_job *acct, int alive,
		struct exl_status_row *r)
{
	struct exl_status_in in = { .log = s, .sched = j, .sched_ok = ok_,
				    .acct = acct, .local_alive = alive,
				    .now = NOW };

	static char *last;

	/* the tests reuse one row: free the hint it held */
	free(last);
	exl_status_reconcile(&in, r);
	last = r->hint;
}

static void scheduler_knows(void)
{
	struct exl_run_summary s;
	struct exl_sched_job j;
	struct exl_status_row r;

	log_facts(&s, "7", 0, NULL);
	sched(&j, "RUNNING", "None", 600, 60);
	row(&s, &j, 1, NULL, -1, &r);
	is_str(r.state, "RUNNING", "running from the scheduler");
	is_str(r.source, "scheduler", "source");
	is_str(r.reason, "", "no reason when running");
	is_int(r.elapsed, 600, "elapsed");
	is_int(r.time_left, 3000, "time left");
	is_int(r.evidence_age, 120, "evidence age");
	ok(r.open && !r.final && !r.hint, "open, live, no hint");

	sched(&j, "PENDING", "BeginTime", 0, EXL_NO_LIMIT);
	row(&s, &j, 1, NULL, -1, &r);
	is_str(r.state, "PENDING", "pending");
	is_str(r.reason, "BeginTime", "with its reason");
	ok(r.unlimited && r.time_left == -1, "no time limit");
	is_int(r.expected_start, 0, "expected start not known");
	j.start = NOW + 3600;
	row(&s, &j, 1, NULL, -1, &r);
	is_int(r.expected_start, NOW + 3600, "expected start (squeue --start)");
	j.start = NOW - 3600;
	row(&s, &j, 1, NULL, -1, &r);
	is_int(r.expected_start, 0, "a requeued job's past start is no forecast");
	sched(&j, "PENDING", "JobHeldUser", 0, EXL_NO_LIMIT);
	j.start = NOW + 120;
	row(&s, &j, 1, NULL, -1, &r);
	is_int(r.expected_start, 0, "a held job has no expected start");

	sched(&j, "RUNNING", "", 5000, 60);
	row(&s, &j, 1, NULL, -1, &r);
	is_int(r.time_left, 0, "past the limit: 0 left");

	sched(&j, "COMPLETED", "", 600, 60);
	j.start = NOW - 700;
	row(&s, &j, 1, NULL, -1, &r);
	is_int(r.expected_start, 0, "no expected start once it ran");
	ok(strcmp(r.state, "COMPLETED") == 0 && r.final && r.finished == NOW - 30,
	   "a final state the scheduler still remembers");
	ok(strstr(r.hint ? r.hint : "", "not closed yet") != NULL, "hint: log not closed yet");
	is_int(r.time_left, -1, "no time left for a finished job");

	log_facts(&s, "7", 1, "COMPLETED");
	sched(&j, "RUNNING", "", 10, 60);
	row(&s, &j, 1, NULL, -1, &r);
	is_str(r.state, "RUNNING", "the scheduler wins over a closed log (requeue)");
}

static void log_only(void)
{
	struct exl_run_summary s;
	struct exl_sched_job a;
	struct exl_status_row r;

	log_facts(&s, "7", 1, "FAILED");
	row(&s, NULL, 1, NULL, -1, &r);
	ok(strcmp(r.state, "FAILED") == 0 && strcmp(r.source, "log") == 0,
	   "closed log: its final state");
	is_int(r.elapsed, 3000, "elapsed from start and end");
	is_int(r.finished, NOW - 600, "finished at its end");
	ok(r.final && !r.open, "final, closed");

	log_facts(&s, "7", 1, "_(filled when the job ends)_");
	row(&s, NULL, 1, NULL, -1, &r);
	is_str(r.state, "ENDED", "closed without a state word");

	log_facts(&s, "7", 0, NULL);
	row(&s, NULL, 1, NULL, -1, &r);
	is_str(r.state, "LOST", "open log, scheduler answered, job unknown");
	ok(strstr(r.hint ? r.hint : "", "sacct -j 7") != NULL, "hint names sacct -j ID");
	ok(!r.final, "LOST is not final (always shown)");

	row(&s, NULL, 0, NULL, -1, &r);
	is_str(r.state, "UNKNOWN", "scheduler unreachable: not LOST");
	ok(strstr(r.hint ? r.hint : "", "did not answer") != NULL, "hint says so");

	sched(&a, "CANCELLED", "", 42, EXL_NO_LIMIT);
	row(&s, NULL, 1, &a, -1, &r);
	ok(strcmp(r.state, "CANCELLED") == 0 && strcmp(r.source, "sacct") == 0,
	   "sacct's answer for a forgotten job");
	ok(strstr(r.hint ? r.hint : "", "never closed") != NULL, "hint: log never closed");
	{
		struct exl_status_in in = { .log = &s, .sched_ok = 1,
					    .acct = &a, .acct_asked = 1,
					    .acct_closed = 1, .now = NOW };

		exl_status_reconcile(&in, &r);
		ok(strcmp(r.state, "CANCELLED") == 0 &&
		   strcmp(r.source, "accounting") == 0 && !r.open && r.final,
		   "closed from accounting: its state, closed, final");
		is_int(r.finished, NOW - 30, "finished at accounting's end");
		ok(!r.hint, "no hint once closed");
		in.acct = NULL;
		in.acct_closed = 0;
		exl_status_reconcile(&in, &r);
		ok(strcmp(r.state, "LOST") == 0 &&
		   strstr(r.hint ? r.hint : "", "accounting does not know") != NULL,
		   "LOST when accounting does not know the job either");
		exl_status_row_free(&r);
	}

	/* a hand-written log without end key */
	log_facts(&s, "7", 0, "COMPLETED");
	s.has_end_key = 0;
	ok(exl_summary_closed(&s), "no end key + final state: closed");
	s.has_end_key = 1;
	ok(!exl_summary_closed(&s), "placeholder end: open");
}

static void local_and_odd(void)
{
	struct exl_run_summary s;
	struct exl_status_row r;
	char host[64];
	long pid;

	log_facts(&s, "local:box:123", 0, NULL);
	row(&s, NULL, 1, NULL, 1, &r);
	ok(strcmp(r.state, "RUNNING") == 0 && strcmp(r.source, "local") == 0,
	   "local run alive");
	is_int(r.elapsed, 3600, "elapsed since its start");
	row(&s, NULL, 1, NULL, 0, &r);
	is_str(r.state, "LOST", "local process gone");
	ok(strstr(r.hint ? r.hint : "", "runlog close") != NULL, "hint: runlog close");
	row(&s, NULL, 1, NULL, -1, &r);
	is_str(r.state, "UNKNOWN", "local run on another host");

	log_facts(&s, "vm-7/europe-west4", 0, NULL);
	row(&s, NULL, 1, NULL, -1, &r);
	ok(strcmp(r.state, "UNKNOWN") == 0 && strstr(r.hint ? r.hint : "", "not a Slurm job id"),
	   "cloud id");
	log_facts(&s, NULL, 0, NULL);
	row(&s, NULL, 1, NULL, -1, &r);
	ok(strcmp(r.state, "UNKNOWN") == 0 && strstr(r.hint ? r.hint : "", "no execution_id"),
	   "no id at all");

	ok(exl_local_id("local:a:b:99", host, sizeof(host), &pid) == 0 &&
	   strcmp(host, "a:b") == 0 && pid == 99, "host with a colon");
	ok(exl_local_id("local::99", host, sizeof(host), &pid) < 0, "empty host");
	ok(exl_local_id("local:h:", host, sizeof(host), &pid) < 0, "empty pid");
	ok(exl_local_id("local:h:0", host, sizeof(host), &pid) < 0, "pid 0");
	ok(exl_local_id("local:h:99999999999999999999", host, sizeof(host),
			&pid) < 0, "pid past LONG_MAX");
	ok(exl_local_id("local:h:4294967296", host, sizeof(host), &pid) < 0,
	   "pid past INT_MAX");
	ok(exl_local_id("123", host, sizeof(host), &pid) < 0, "a Slurm id");
}

static void wandb(void)
{
	struct exl_run_summary s;
	struct exl_status_row r;

	log_facts(&s, "7", 1, "COMPLETED");
	row(&s, NULL, 1, NULL, -1, &r);
	is_str(r.wandb, "n/a", "no W&B");
	s.wandb_local = 1;
	row(&s, NULL, 1, NULL, -1, &r);
	is_str(r.wandb, "pending", "offline run not synced");
	s.wandb_url = "https://wandb.ai/a/b/runs/c";
	row(&s, NULL, 1, NULL, -1, &r);
	is_str(r.wandb, "synced", "synced");
	s.last_stamp = 0;
	row(&s, NULL, 1, NULL, -1, &r);
	is_int(r.evidence_age, -1, "no Status line: no age");
}

int main(void)
{
	scheduler_knows();
	log_only();
	local_and_odd();
	wandb();
	return done_testing();
}
