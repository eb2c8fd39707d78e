/* sched_job.h - what the scheduler says about jobs, without libslurm.
 *
 * The runlog CLI asks slurmctld once (slurm_load_jobs), on a thread or in
 * a child process, which writes one line per job; sacct answers in its own "-P" format.
 * Both are parsed here into plain records, kept sorted for lookups, so the
 * reconciliation with run logs is testable without a cluster.
 */
#ifndef EXL_SCHED_JOB_H
#define EXL_SCHED_JOB_H

#include <stddef.h>
#include <time.h>

#define EXL_NO_LIMIT (-1L)

struct exl_sched_job {
	unsigned long job_id;
	char state[32];		/* "RUNNING", "PENDING", "COMPLETED" ... */
	char reason[64];	/* why pending ("BeginTime"), "" otherwise */
	time_t start, end;	/* 0: unknown */
	long elapsed;		/* seconds, -1: unknown */
	long limit_min;		/* time limit in minutes, EXL_NO_LIMIT */
	int have_exit;		/* exit_status is known (a job that ended) */
	int exit_status;	/* its wait status (Slurm's exit_code) */
	size_t seq;		/* order of arrival (set by exl_sched_add) */
};

struct exl_sched_set {
	struct exl_sched_job *v;
	size_t n, cap;
};

/* One line of the scheduler query: "id<TAB>state<TAB>reason<TAB>start<TAB>
 * end<TAB>elapsed<TAB>limit<TAB>exit" (see exl_sched_format; exit is "-"
 * or missing when unknown).  0 or -1. */
int exl_sched_parse_line(const char *line, struct exl_sched_job *j);

/* The same line for j into buf (tabs and newlines in text are replaced). */
int exl_sched_format(const struct exl_sched_job *j, char *buf, size_t len);

/* One line of "sacct -X -n -P -o JobID,State,Elapsed[,End,ExitCode]":
 * "123|COMPLETED|00:01:02|1764943830|2:0"; "CANCELLED by 0" keeps the
 * first word.  End is in epoch seconds (sacct run with
 * SLURM_TIME_FORMAT=%s) and ExitCode "code:signal" becomes a wait status
 * (have_exit); either may be missing or "Unknown".  Array and het job
 * ids ("12_3", "12+1") are skipped (-1). */
int exl_sacct_parse_line(const char *line, struct exl_sched_job *j);

/* "[D-]HH:MM:SS", "MM:SS" or "SS" as seconds, -1 if malformed. */
long exl_parse_elapsed(const char *s);

int exl_sched_add(struct exl_sched_set *set, const struct exl_sched_job *j);
/* Sort for exl_sched_find; of records with the same id the last added
 * is kept (sacct lists a reused id oldest first). */
void exl_sched_sort(struct exl_sched_set *set);
const struct exl_sched_job *exl_sched_find(const struct exl_sched_set *set,
					   const char *job_id);
void exl_sched_free(struct exl_sched_set *set);

/* A decimal Slurm job id ("1234") as a number; -1 for anything else. */
long long exl_job_id_num(const char *job_id);

#endif
