/* chain_resume.h - what a requeued link of a chain is told when it
 * starts: which requeue of how many it is (its "## Job (resumed K/M)"
 * header), and the newest checkpoint the earlier links wrote, with the
 * step the run log last saw, handed to the program as
 * EXP_LOG_RESUME_CHECKPOINT and EXP_LOG_RESUME_STEP. */
#ifndef EXL_CHAIN_RESUME_H
#define EXL_CHAIN_RESUME_H

#include "runstore/run_facts.h"
#include "runstore/runlog_doc.h"

struct exl_chain_resume {
	int k, m;		/* "resumed K/M"; 0: a plain "(resumed)" */
	char checkpoint[4096];	/* the newest earlier checkpoint, "" none */
	char step[32];		/* Results' final step, "" unknown */
};

/* For the run log d (loaded; its state dir state_dir) that f's job
 * continues.  K is the job's restart count; M the requeues the chain
 * allows (--exp-requeue=MAX, else what the previous link's exp-run
 * recorded).  The checkpoint is looked for only for a requeued job
 * (restart count > 0) with checkpoint globs: the newest file they match
 * below the job's working directory, written since the run's first
 * job block started. */
void exl_chain_resume(const struct exl_run_facts *f, const struct exl_doc *d,
		      const char *state_dir, struct exl_chain_resume *out);

/* Why f's job (--exp-requeue, its first link) cannot be a chain: no
 * --signal warning to act on, or a job slurmctld will not requeue.  1 with
 * the Status line in buf, 0 when nothing is wrong. */
int exl_chain_start_problem(const struct exl_run_facts *f, char *buf,
			    size_t len);

#endif
