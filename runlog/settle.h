/* settle.h - the run-log writes `runlog status` makes on its way.
 *
 * Status closes a run whose job ended without its epilog (the queue's
 * story, or accounting's end) and notes a dependency that can never be
 * satisfied.  Those writes need the whole run-lifecycle library (render,
 * git, HTML page, W&B: OpenSSL, libgit2, hwloc ...), which the status
 * binary does not link: it runs them in runlog-full (`runlog-full
 * --settle ACTION ...`, settle_spawn.c), one process per write, which is
 * rare (once per run at most).  runlog-full itself calls the library
 * (settle_direct.c).  Both give the same answers and messages.
 */
#ifndef RUNLOG_SETTLE_H
#define RUNLOG_SETTLE_H

#include <time.h>

#include "util/exl_err.h"
#include "runstore/sched_job.h"

/* The hidden first argument of runlog-full that runs one write. */
#define RL_SETTLE_ARG "--settle"

/* exl_run_status_once: text appended once to the Status of job_id's run
 * log (path: that log, to skip the write when it says so already).
 * 0 written, 1 nothing to do, -1 with err. */
int rl_settle_once(const char *root, const char *path, const char *job_id,
		   const char *text, struct exl_err *err);

/* exl_run_end_unstarted (reason NULL: none).  0 closed, 1 the job has no
 * run log or it started, -1 with err.  started: the caller's summary of
 * the log has a start time in job_id's block (the newest), so the job
 * started and the answer is 1 without a process (the usual case: a job
 * that ended and whose epilog has not closed its log yet). */
int rl_settle_unstarted(const char *root, const char *job_id,
			const char *state, const char *reason, time_t end,
			int started, struct exl_err *err);

/* The run log of job_id closed with accounting's record j: as a job that
 * never started when it did not, else as the epilog would have (ended_by
 * "accounting").  0 closed, -1 with err. */
int rl_settle_acct_end(const char *root, const char *job_id,
		       const struct exl_sched_job *j, struct exl_err *err);

/* What accounting said of the Efficiency blocks rl_settle_eff was
 * asked for: rc 0 asked (ids[k]: what accounting does not list at all,
 * k 0, or lists without a final record yet, k 1), -2 no accounting to
 * ask, -1 sacct failed; why says which. */
struct rl_eff_answer {
	int rc;
	char why[256];
	char **ids[2];
	size_t nids[2];
};

/* The Efficiency blocks of the ended runs rels[0..n) under root (a block
 * for each job accounting shows ended, under the group lock), asked
 * quietly; the answer in a (free it with rl_eff_answer_free).  -1 with
 * err when runlog-full could not do it. */
int rl_settle_eff(const char *root, char *const *rels, size_t n,
		  struct rl_eff_answer *a, struct exl_err *err);

/* Parse the answer's lines ("unknown ID", "pending ID", "none WHY",
 * "failed WHY") into a.  -1 when memory runs out. */
int rl_eff_answer_parse(char *text, struct rl_eff_answer *a);
void rl_eff_answer_free(struct rl_eff_answer *a);

/* runlog-full only: argv[0] is RL_SETTLE_ARG, argv[1] the action.  Exit
 * status 0 or 1 (the functions' returns), 3 with the message on stderr,
 * 2 on bad arguments. */
int rl_settle_main(int argc, char **argv);

#endif
