/* acct_eff_block.h - the run log's "## Efficiency" block: seff's figures
 * (acct_eff.h) written as bullets at the end of the run log. */
#ifndef EXL_ACCT_EFF_BLOCK_H
#define EXL_ACCT_EFF_BLOCK_H

#include "runstore/acct_eff.h"
#include "runstore/runlog_doc.h"

/* The block's header, without "## ". */
#define EXL_EFF_SECTION "Efficiency"

/* Write the block for job_id into d: replace an existing "## Efficiency"
 * section in place, or append one at the end.  Bullets: cpu_efficiency,
 * memory_efficiency, time_efficiency (percentages with the figures they
 * come from, or "unknown (why)"), gpu_utilization (only when e has it:
 * exp-log's telemetry recorded GPUs), advice (only when a figure is
 * poor) and source.  0, or -1 when out of memory. */
int exl_acct_eff_block(struct exl_doc *d, const char *job_id,
		       const struct exl_acct_job *j,
		       const struct exl_acct_eff *e);

#endif
