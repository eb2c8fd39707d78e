/* Unit tests: the requeue chain's rules (job/chain.h) and the job block
 * headers a chain writes (runstore/runlog_doc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "job/chain.h"
#include "job/chain_resume.h"
#include "runstore/runlog_doc.h"
#include "tap.h"

#define EXITED(n) ((n) << 8)

/* warned: a link that got the time-limit warning 50 s before its end. */
static struct exl_chain_in warned(void)
{
	struct exl_chain_in in;

	memset(&in, 0, sizeof(in));
	in.wstatus = EXITED(143);
	in.max = 10;
	in.job_known = 1;
	in.warned = 1;
	in.warn_left = 50;
	in.warn_secs = 50;
	in.progress = 1;
	in.checkpoint = "/w/ckpt/step_2.pt";
	return in;
}

static void test_decide(void)
{
	struct exl_exprun_chain o;
	struct exl_chain_in in = warned();

	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_REQUEUE,
	       "time-limit warning, progress: requeue");
	is_str(o.decision, "requeued", "decision word");
	is_str(o.reason, "time limit", "reason: time limit");
	is_str(o.text, "time limit: requeued by exp-run (1/10)", "status text");
	is_int(o.stalled, 0, "progress: not stalled");
	is_str(o.checkpoint, "/w/ckpt/step_2.pt", "checkpoint kept");

	in.wstatus = EXITED(0);
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_END, "exit 0 ends the chain");
	ok(strstr(o.text, "chain ended: the program finished") != NULL,
	   "ended text: %s", o.text);

	in = warned();
	in.cancelled = 1;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_STOP,
	       "a cancelled job is never requeued, warning or not");
	is_str(o.reason, "cancelled", "reason: cancelled");
	ok(strstr(o.text, "cancelled (scancel)") != NULL, "says so: %s", o.text);

	in = warned();
	in.warn_left = 3000;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_STOP,
	       "the warning signal far from the time limit is no time limit");
	is_str(o.reason, "failed", "reason: failed");
	in.warn_left = 50 + EXL_CHAIN_WARN_SLACK;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_REQUEUE,
	       "Slurm's early warning (60 s) still counts");
	in.warned = 0;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_STOP,
	       "a crash without warning is not requeued");

	in = warned();
	in.warned = 0;
	in.preempted = 1;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_REQUEUE,
	       "preempted, still running (PreemptMode=CANCEL): exp-run requeues");
	is_str(o.reason, "preempted", "reason: preempted");
	in.pending = 1;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_SCHEDULER,
	       "preempted and already requeued by Slurm: left to it");
	is_str(o.decision, "scheduler", "decision: scheduler");

	in = warned();
	in.link = 10;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_STOP, "budget spent: stop");
	ok(strstr(o.text, "budget is spent (10 of 10") != NULL, "%s", o.text);

	in = warned();
	in.progress = 0;
	in.prev_stalled = 0;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_REQUEUE,
	       "one link without progress: still requeued");
	is_int(o.stalled, 1, "stalled 1");
	in.prev_stalled = 1;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_STOP,
	       "a second link without progress stops the chain (default 2)");
	is_str(o.reason, "no progress", "reason: no progress");
	ok(strstr(o.text, "no progress in 2 links") != NULL, "%s", o.text);
	in.stall_limit = 3;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_REQUEUE,
	       "a limit of 3 lets it go on");
	in.progress = -1;
	in.stall_limit = 1;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_REQUEUE,
	       "progress unknown never stops a chain");

	in = warned();
	in.job_known = 0;
	is_int(exl_chain_decide(&in, &o), EXL_CHAIN_STOP,
	       "no answer from slurmctld: nothing guessed");

	in = warned();
	exl_chain_decide(&in, &o);
	exl_chain_failed(&o, "Requeue of job is disabled");
	is_str(o.decision, "stopped", "a failed requeue stops the chain");
	is_str(o.reason, "time limit", "the reason stays");
	ok(strstr(o.text, "the requeue failed: Requeue of job is disabled") != NULL,
	   "%s", o.text);
}

static void test_headers(void)
{
	int k = -1, m = -1;

	ok(exl_doc_job_header("## Job", &k, &m) && k == 0 && m == 0, "## Job");
	ok(exl_doc_job_header("## Job (resumed)", &k, &m) && k == 0,
	   "## Job (resumed)");
	ok(exl_doc_job_header("## Job (resumed 3/10)", &k, &m) && k == 3 &&
	   m == 10, "## Job (resumed 3/10)");
	ok(!exl_doc_job_header("## Job (resumed 11/10)", NULL, NULL),
	   "link past the budget refused");
	ok(!exl_doc_job_header("## Job (resumed 0/10)", NULL, NULL), "link 0 refused");
	ok(!exl_doc_job_header("## Job (resumed 3/)", NULL, NULL), "no max refused");
	ok(!exl_doc_job_header("## Job (resumed 3/10) x", NULL, NULL),
	   "trailing text refused");
	ok(!exl_doc_job_header("## Jobs", NULL, NULL), "## Jobs refused");
	ok(!exl_doc_job_header("## Job (resumed", NULL, NULL), "unclosed refused");
	ok(!exl_doc_job_header("## Job (resumed 1234567/1234568)", NULL, NULL),
	   "numbers of more than 6 digits refused");
}

/* test_status: the Status text a link's close-out takes from exp-run. */
static void test_status(void)
{
	char dir[] = "/tmp/exl-chain-XXXXXX", v[1024], x[600];
	struct exl_exprun_result w;
	struct exl_chain_in in = warned();
	struct exl_err err;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	is_int(exl_chain_status(dir, 0, "REQUEUED", NULL, v, sizeof(v), x,
				sizeof(x)), 0, "no exp-run record: nothing");
	memset(&w, 0, sizeof(w));
	w.exit_code = 143;
	in.link = 1;
	exl_chain_decide(&in, &w.chain);
	w.chain.at = 0;
	exl_exprun_write(dir, &w, &err);
	is_int(exl_chain_status(dir, 0, "REQUEUED", NULL, v, sizeof(v), x,
				sizeof(x)), 0, "another link's record: nothing");
	is_int(exl_chain_status(dir, 1, "REQUEUED", "exit code 143", v,
				sizeof(v), x, sizeof(x)), 1, "this link's record");
	ok(strncmp(v, "time limit: requeued by exp-run (2/10) at ", 42) == 0 &&
	   strstr(v, " (scheduler state REQUEUED), exit code 143") && !x[0],
	   "a requeued link's verdict: %s", v);
	is_int(exl_chain_status(dir, 1, NULL, NULL, v, sizeof(v), x, sizeof(x)),
	       0, "the step's end (no scheduler state yet): nothing");
	in.cancelled = 1;
	exl_chain_decide(&in, &w.chain);
	exl_exprun_write(dir, &w, &err);
	is_int(exl_chain_status(dir, 1, "CANCELLED", "exit code 143", v,
				sizeof(v), x, sizeof(x)), 1, "a cancelled link");
	ok(!v[0] && strcmp(x, "chain stopped: the job was cancelled (scancel): not requeued") == 0,
	   "its own verdict stays, the chain's line comes extra: %s", x);
	snprintf(v, sizeof(v), "rm -rf %s", dir);
	ok(system(v) == 0, "cleaned up");
}

/* test_start_problem: what a first link of --exp-requeue is told. */
static void test_start_problem(void)
{
	static struct exl_run_facts f;
	static struct exl_opts o;
	char buf[300];

	f.opts = &o;
	is_int(exl_chain_start_problem(&f, buf, sizeof(buf)), 0,
	       "no --exp-requeue: nothing");
	o.requeue_max = 10;
	is_int(exl_chain_start_problem(&f, buf, sizeof(buf)), 1,
	       "--exp-requeue without --signal");
	ok(strstr(buf, "submit with --signal=B:USR1@SECS") != NULL, "%s", buf);
	snprintf(f.job.signal_spec, sizeof(f.job.signal_spec), "B:USR1@50");
	is_int(exl_chain_start_problem(&f, buf, sizeof(buf)), 0,
	       "with a warning: nothing");
	f.job.requeue_off = 1;
	is_int(exl_chain_start_problem(&f, buf, sizeof(buf)), 1,
	       "a job that cannot be requeued");
	ok(strstr(buf, "submit it with --requeue") != NULL, "%s", buf);
	f.job.restart_count = 1;
	is_int(exl_chain_start_problem(&f, buf, sizeof(buf)), 0,
	       "said once, in the first link");
}

/* test_resume: the header and checkpoint a requeued link is handed. */
static void test_resume(void)
{
	static struct exl_run_facts f;
	static struct exl_opts o;
	static char *globs[] = { "ckpt/*.pt" };
	char dir[] = "/tmp/exl-resume-XXXXXX", path[256], cmd[300];
	struct exl_chain_resume cr;
	struct exl_doc d = { 0 };
	struct exl_err err;
	FILE *fp;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/ckpt", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/ckpt/step_1.pt", dir);
	fp = fopen(path, "w");
	ok(fp && fclose(fp) == 0, "a checkpoint written");
	ok(exl_doc_parse(&d, "# t\n## Job\n- execution_id: 7\n"
			 "- start: `2020-01-01T00:00:00+00:00`\n"
			 "## Results\n- final step: 120\n", &err) == 0, "doc");
	f.opts = &o;
	snprintf(f.job.work_dir, sizeof(f.job.work_dir), "%s", dir);
	f.ckpt_globs = globs;
	f.n_ckpt_globs = 1;
	exl_chain_resume(&f, &d, dir, &cr);
	ok(!cr.k && !cr.checkpoint[0], "the first link: nothing handed");
	f.job.restart_count = 2;
	exl_chain_resume(&f, &d, dir, &cr);
	ok(!cr.k && !cr.m, "no budget known: a plain (resumed) header");
	is_str(cr.checkpoint, path, "the newest earlier checkpoint");
	is_str(cr.step, "120", "Results' final step");
	o.requeue_max = 10;
	exl_chain_resume(&f, &d, dir, &cr);
	ok(cr.k == 2 && cr.m == 10, "--exp-requeue=10: resumed 2/10");
	o.requeue_max = 1;
	exl_chain_resume(&f, &d, dir, &cr);
	ok(!cr.k, "past the budget (a scheduler's requeue): plain header");
	f.n_ckpt_globs = 0;
	exl_chain_resume(&f, &d, dir, &cr);
	ok(!cr.checkpoint[0], "no globs: no checkpoint");
	exl_doc_free(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ok(system(cmd) == 0, "cleaned up");
}

int main(void)
{
	test_decide();
	test_resume();
	test_start_problem();
	test_status();
	test_headers();
	return done_testing();
}
