/* acct_eff.h - a job's efficiency from accounting, as seff defines it.
 *
 * Pure computation: the values come from sacct's "--parsable2" fields (or
 * libslurm's slurmdb records turned into the same units) and give
 *   CPU efficiency    = TotalCPU / (AllocCPUS x Elapsed)
 *   memory efficiency = MaxRSS of the worst step / requested memory
 *   time efficiency   = Elapsed / Timelimit
 * and one line of advice when a figure is poor.  No Slurm needed.
 */
#ifndef EXL_ACCT_EFF_H
#define EXL_ACCT_EFF_H

#include <stddef.h>
#include <stdint.h>

/* Below these a figure is poor and gets advice. */
#define EXL_EFF_POOR_CPU 0.5
#define EXL_EFF_POOR_MEM 0.5
#define EXL_EFF_POOR_TIME 0.25

/* A sacct duration as seconds: "[D-]HH:MM:SS[.mmm]", "MM:SS[.mmm]" (how
 * TotalCPU prints short times) or "SS".  0 on success, -1 if malformed
 * (including "UNLIMITED", "Partition_Limit" and ""). */
int exl_acct_parse_duration(const char *s, double *secs);

/* Memory per node, per CPU, or in total (sacct from 21.08 prints the total
 * without a suffix). */
enum exl_mem_per { EXL_MEM_TOTAL, EXL_MEM_PER_NODE, EXL_MEM_PER_CPU };

/* A sacct size: "123456K", "4000M", "1.50G", "0", "512" (bytes), with an
 * optional "n" (per node) or "c" (per CPU) after the unit: "4000Mc".
 * Units are binary (K = 1024).  *per gets the suffix's meaning (may be
 * NULL when the caller has no use for it).  0 or -1 if malformed. */
int exl_acct_parse_mem(const char *s, uint64_t *bytes, enum exl_mem_per *per);

/* The whole job's request from ReqMem: per node x nodes, per CPU x
 * allocated CPUs, or the total as it is.  0 when unknown. */
uint64_t exl_acct_req_mem_total(uint64_t req, enum exl_mem_per per,
				long nnodes, long alloc_cpus);

/* What accounting says about one job (all steps folded in). */
struct exl_acct_job {
	double elapsed;		/* s */
	double timelimit;	/* s, < 0 when unlimited or unknown */
	double total_cpu;	/* s, user + system of every step */
	long alloc_cpus;
	long nnodes;
	uint64_t max_rss;	/* bytes, the worst step's MaxRSS */
	uint64_t req_mem;	/* bytes for the whole job, 0 unknown */
	int have_job;		/* the job's own line was folded in */
	char state[24];		/* the job line's State, first word; "" */
};

/* The figures: fractions (0.42 is 42%), < 0 when they cannot be
 * computed (no elapsed time, no request, no limit). */
struct exl_acct_eff {
	double cpu, mem, time;
	double gpu;		/* mean GPU utilization from exp-log's own
				 * telemetry (accounting has none), < 0
				 * unknown; see exl_acct_eff_gpu */
	int ngpus;
	char advice[320];	/* "" when nothing is poor */
};

/* Compute e from j.  Always succeeds; unknown figures are < 0. */
void exl_acct_eff_compute(const struct exl_acct_job *j,
			  struct exl_acct_eff *e);

/* Below this mean utilization GPUs were mostly idle (advice). */
#define EXL_EFF_POOR_GPU 0.25

/* Add the GPUs' mean utilization (util_pct in percent, over ngpus GPUs,
 * from the run's telemetry summary) to e, with advice when it is poor. */
void exl_acct_eff_gpu(struct exl_acct_eff *e, double util_pct, int ngpus);

/* One sacct --parsable2 line of
 * "JobID|Elapsed|Timelimit|TotalCPU|AllocCPUS|NNodes|MaxRSS|ReqMem[|State]"
 * folded into j: the job's own line ("123") sets the job's figures, a
 * step's line ("123.batch", "123.0") raises max_rss.  TotalCPU is taken
 * from the job's line (sacct sums the steps there).  0, or -1 when the
 * line is malformed or belongs to another job than job_id. */
int exl_acct_fold_line(const char *line, const char *job_id,
		       struct exl_acct_job *j);

/* The sacct fields exl_acct_fold_line reads, for "-o". */
#define EXL_ACCT_SACCT_FIELDS \
	"JobID,Elapsed,Timelimit,TotalCPU,AllocCPUS,NNodes,MaxRSS,ReqMem,State"

/* Has the job's State (as folded) left the running states, so that its
 * figures are final?  "COMPLETED", "FAILED", "TIMEOUT" ... yes; "",
 * "RUNNING", "PENDING", "REQUEUED", "SUSPENDED" ... no. */
int exl_acct_final(const struct exl_acct_job *j);

#endif
