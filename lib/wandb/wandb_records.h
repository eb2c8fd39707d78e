/* wandb_records.h - what a .wandb file says about its run.
 *
 * One pass over the record log (wandb_log.h), each record decoded with
 * protobuf-c against our minimal schema (wandb_record.proto): the run's
 * ids, where it was meant to go, when it started, whether it exited and
 * how, its last step, how many records of each kind, and how far the
 * file can be trusted.
 */
#ifndef EXL_WANDB_RECORDS_H
#define EXL_WANDB_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/exl_err.h"
#include "wandb/wandb_log.h"

/* Record kinds counted separately (Record oneof field numbers). */
enum exl_wandb_kind {
	EXL_WK_HISTORY,
	EXL_WK_SUMMARY,
	EXL_WK_OUTPUT,
	EXL_WK_CONFIG,
	EXL_WK_FILES,
	EXL_WK_STATS,
	EXL_WK_ARTIFACT,
	EXL_WK_TELEMETRY,
	EXL_WK_METRIC,
	EXL_WK_RUN,
	EXL_WK_EXIT,
	EXL_WK_FINAL,
	EXL_WK_HEADER,
	EXL_WK_FOOTER,
	EXL_WK_OTHER,		/* any other known or unknown type */
	EXL_WK_UNDECODABLE,	/* intact chunk, not a valid protobuf */
	EXL_WK_COUNT
};

/* Staged artifact files one run refers to, kept for slim. */
#define EXL_WANDB_MAX_STAGED 65536

struct exl_wandb_summary {
	char run_id[128];
	char entity[128];
	char project[128];
	char display_name[256];
	char producer[128];	/* HeaderRecord version_info.producer */
	int has_run;
	int64_t start_time;	/* RunRecord.start_time seconds; 0: unknown */
	int has_exit;
	int exit_code;
	int runtime_s;
	int has_final;
	int has_step;
	int64_t last_step;	/* highest history step seen */
	int64_t last_num;	/* highest Record.num (0 when unset) */
	uint64_t records;	/* intact records */
	uint64_t kinds[EXL_WK_COUNT];
	struct exl_wandb_log_state log;	/* framing: size, end, problems */
	char **staged;		/* local_path of artifact entries in a
				 * ".../artifacts/staging/..." directory */
	size_t nstaged;
};

/* Summarise the record log open on fd (read from offset 0, fd kept). */
int exl_wandb_summarize_fd(int fd, const char *name,
			   struct exl_wandb_summary *s, struct exl_err *err);

/* Open path (no symlink) and summarise it. */
int exl_wandb_summarize(const char *path, struct exl_wandb_summary *s,
			struct exl_err *err);

/* Summarise bytes in memory (tests, fuzzing). */
int exl_wandb_summarize_mem(const void *buf, size_t len,
			    struct exl_wandb_summary *s, struct exl_err *err);

void exl_wandb_summary_free(struct exl_wandb_summary *s);

/* Name of a record kind, as used in JSON output ("history", ...). */
const char *exl_wandb_kind_name(enum exl_wandb_kind k);

/* A run's state from its record log: "finished" (exit code 0), "failed"
 * (other codes), "crashed" (254, W&B's client-reported crash),
 * "unfinished" (no exit record) or "unreadable" (no usable header). */
const char *exl_wandb_run_state(const struct exl_wandb_summary *s);

#endif
