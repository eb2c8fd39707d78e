/* options.h - the plugin's user options: their table and validation.
 *
 * Pure code: the SPANK glue builds its spank_option array from
 * exl_option_table and hands every value to exl_opts_set, so the rules
 * (and their error messages) are unit-tested without Slurm.
 */
#ifndef EXL_OPTIONS_H
#define EXL_OPTIONS_H

#include "util/exl_err.h"

enum exl_opt_id {
	EXL_OPT_LOG = 1,
	EXL_OPT_GROUP,
	EXL_OPT_TASK,
	EXL_OPT_MODE,
	EXL_OPT_OBJECTIVE,
	EXL_OPT_CONFIG,
	EXL_OPT_DATASET,
	EXL_OPT_RESUME,
	EXL_OPT_CHECKPOINT,
	EXL_OPT_STATUS_INTERVAL,
	EXL_OPT_SP,
	EXL_OPT_HASH_DATA,
	EXL_OPT_WANDB,
	EXL_OPT_WANDB_PROJECT,
	EXL_OPT_TELEMETRY,
	EXL_OPT_REPORT,
	EXL_OPT_REQUEUE,
};

/* --exp-requeue without MAX (exp-run --requeue's default too). */
#define EXL_REQUEUE_DEFAULT 10

struct exl_option_desc {
	const char *name;	/* without the leading "--" */
	const char *arginfo;	/* NULL: no argument */
	const char *usage;
	int has_arg;		/* 0 none, 1 required, 2 optional */
	enum exl_opt_id id;
};

/* Terminated by an entry with name == NULL. */
extern const struct exl_option_desc exl_option_table[];

struct exl_opts {
	int enabled;		/* --exp-log given */
	char *dir;		/* --exp-log=DIR as given, NULL: default */
	char *group;
	char *task;
	char *run_type;		/* "pipeline (data generation)" form */
	char *objective;
	char *config;
	char *dataset;
	int resume;		/* --exp-resume given */
	char *resume_log;	/* --exp-resume=RUNLOG, NULL: latest of task */
	char *checkpoint;	/* --exp-checkpoint=PATH */
	int status_interval;	/* seconds, 0: off (when ..._set) */
	int status_interval_set;
	char *statepoints;	/* normalized "k=v,k2=v2" */
	int hash_data;		/* --exp-hash-data */
	char *wandb;		/* "offline" | "disabled" | NULL */
	char *wandb_entity;	/* from --exp-wandb-project=ENTITY/PROJECT */
	char *wandb_project;
	unsigned int telemetry;	/* seconds, 0: off (when ..._set) */
	int telemetry_set;
	int report_off;		/* --exp-report=off: no <run>.html */
	int requeue_max;	/* --exp-requeue[=MAX], 0: off */
};

/* Parse a duration: "90", "90s", "30m", "2h", "1d"; "off"/"0" -> 0 when
 * allow_off.  Returns seconds, or -1 with a message naming opt. */
long exl_parse_duration(const char *opt, const char *val, int allow_off,
			struct exl_err *err);

/* Check and normalize "k=v,k2=v2" statepoints (keys [A-Za-z0-9_.-],
 * values without ',' '=' or control characters).  Newly allocated. */
char *exl_parse_statepoints(const char *val, struct exl_err *err);

/* Store one option value (val may be NULL for an optional argument).
 * A later value replaces an earlier one: sbatch applies #SBATCH lines
 * first and the command line after them.  Returns -1 with a one-line
 * message naming the option and the fix. */
int exl_opts_set(struct exl_opts *o, enum exl_opt_id id, const char *val,
		 struct exl_err *err);

/* "replication", "experiment", "pipeline" or "pipeline:SUBTYPE" ->
 * newly allocated run_type text ("pipeline (SUBTYPE)"). */
char *exl_parse_mode(const char *val, struct exl_err *err);

/* Look up a table entry by id. */
const struct exl_option_desc *exl_option_by_id(enum exl_opt_id id);

void exl_opts_free(struct exl_opts *o);

#endif
