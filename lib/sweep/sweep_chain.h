/* sweep_chain.h - a chain of stages (sbatch-exp chain SPEC.yaml) and
 * the chain file that links their run logs.
 *
 * A chain spec is one YAML file: an optional name: (the run-log group of
 * every stage that sets no exp: group, and the chain's name) and
 * stages:, a list of two or more stages in order.  A stage has every
 * key of a sweep spec plus after: ok|any (how it waits for the stage
 * before it: afterok, the default, or afterany); without grid: it is one
 * job, with one it is a job array and the next stage waits for all of
 * its tasks.
 *
 * sbatch-exp submits the first stage held, every next one with
 * --dependency on the one before, then writes the chain file under
 * .exp-log/chains and releases the first stage.  Each job gets the
 * file's path in EXP_LOG_CHAIN and its stage number in
 * EXP_LOG_CHAIN_STAGE, so the plugin can record in its run log the job
 * it depends on and the job that depends on it.  The file has a line
 * "# chain NAME" and then one line per stage:
 * "STAGE<TAB>JOB<TAB>AFTER<TAB>GROUP<TAB>NAME" (AFTER "-" for stage 1).
 */
#ifndef EXL_SWEEP_CHAIN_H
#define EXL_SWEEP_CHAIN_H

#include <stddef.h>

#include "util/exl_err.h"
#include "sweep/sweep.h"
#include "sweep/sweep_argv.h"

/* Most stages one chain may have. */
#define EXL_CHAIN_MAX_STAGES 32

struct exl_chain {
	char *file;		/* as given, for messages */
	char *name;
	struct exl_sweep_spec *st;	/* the stages, in order */
	size_t n;
};

/* Parse and check the chain spec in buf; every refusal is one line
 * "FILE:LINE: what is wrong: the fix". */
int exl_chain_parse(const char *file, const char *buf, size_t len,
		    struct exl_chain *c, struct exl_err *err);

/* Read and parse the chain spec at path. */
int exl_chain_load(const char *path, struct exl_chain *c, struct exl_err *err);

void exl_chain_free(struct exl_chain *c);

/* "afterok" or "afterany": how stage i (>= 1) waits for stage i-1. */
const char *exl_chain_after(const struct exl_chain *c, size_t i);

/* One stage as the chain file records it. */
struct exl_chain_entry {
	unsigned stage;		/* 1-based */
	char job[32];		/* its job (or job array) id */
	char after[16];		/* "afterok", "afterany", "-" */
	char group[81];
	char name[81];
};

struct exl_chain_file {
	char name[81];
	struct exl_chain_entry *e;
	size_t n;
};

/* The chain file's text for c submitted as jobs[0..n-1] (newly
 * allocated), NULL when out of memory. */
char *exl_chain_file_text(const struct exl_chain *c, char *const *jobs);

/* Read the chain file at path.  -1 with err when it cannot be read or
 * a line is malformed. */
int exl_chain_file_read(const char *path, struct exl_chain_file *f,
			struct exl_err *err);

void exl_chain_file_free(struct exl_chain_file *f);

/* What stage (1-based) of the chain file at path depends on and what
 * depends on it, as the run log's lines say them:
 *   dep:  "afterok:123 (stage 1 prep of chain pipe, group pipe)"
 *   next: "job 124 (stage 2 train of chain pipe, afterok, group pipe)"
 * "" when there is none (the first or the last stage).  -1 with err. */
int exl_chain_links(const char *path, unsigned stage, char *dep, size_t dlen,
		    char *next, size_t nlen, struct exl_err *err);

#endif
