/* options.c - option table and value rules (see options.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/names.h"
#include "opts/telemetry_interval.h"
#include "opts/options.h"

/* Longest free-text value (objective, paths); longer is a mistake. */
#define EXL_TEXT_MAX 1024

const struct exl_option_desc exl_option_table[] = {
	{ "exp-log", "DIR",
	  "[exp-log] Write a run log for this job under DIR "
	  "(default: $SLURM_SUBMIT_DIR/run_logs)", 2, EXL_OPT_LOG },
	{ "exp-group", "NAME",
	  "[exp-log] Run-log group: the subdirectory with its own timeline",
	  1, EXL_OPT_GROUP },
	{ "exp-task", "NAME",
	  "[exp-log] Task name used in the run-log file name "
	  "(default: job name)", 1, EXL_OPT_TASK },
	{ "exp-mode", "MODE",
	  "[exp-log] Run type: replication, experiment or "
	  "pipeline[:SUBTYPE]", 1, EXL_OPT_MODE },
	{ "exp-objective", "TEXT",
	  "[exp-log] One line: what this run is meant to show", 1,
	  EXL_OPT_OBJECTIVE },
	{ "exp-config", "PATH",
	  "[exp-log] Config file to hash and snapshot into the run log", 1,
	  EXL_OPT_CONFIG },
	{ "exp-dataset", "PATH|URL",
	  "[exp-log] Dataset the run reads", 1, EXL_OPT_DATASET },
	{ "exp-resume", "RUNLOG",
	  "[exp-log] Continue an earlier run: append a resumed job block to "
	  "RUNLOG (default: the newest run log of this task)", 2,
	  EXL_OPT_RESUME },
	{ "exp-checkpoint", "PATH",
	  "[exp-log] Checkpoint this job resumes from", 1, EXL_OPT_CHECKPOINT },
	{ "exp-status-interval", "TIME",
	  "[exp-log] Evidence line in Status every TIME (90, 30m, 2h; off)",
	  1, EXL_OPT_STATUS_INTERVAL },
	{ "exp-sp", "K=V,...",
	  "[exp-log] Statepoints (seeds, sweep values) to record", 1,
	  EXL_OPT_SP },
	{ "exp-hash-data", NULL,
	  "[exp-log] sha256 the --exp-dataset file (default: size + mtime)",
	  0, EXL_OPT_HASH_DATA },
	{ "exp-wandb", "MODE",
	  "[exp-log] W&B: offline (WANDB_MODE=offline, WANDB_DIR in the run's "
	  "state dir) or disabled", 1, EXL_OPT_WANDB },
	{ "exp-wandb-project", "[ENTITY/]PROJECT",
	  "[exp-log] W&B project (and entity) the run syncs to", 1,
	  EXL_OPT_WANDB_PROJECT },
	{ "exp-telemetry", "SECS",
	  "[exp-log] Node and GPU telemetry every SECS on every node of the "
	  "job (default 30; off)", 1, EXL_OPT_TELEMETRY },
	{ "exp-report", "on|off",
	  "[exp-log] Write the run's HTML page (plots) next to its run log at "
	  "the end of the job (default on)", 1, EXL_OPT_REPORT },
	{ "exp-requeue", "MAX",
	  "[exp-log] A chain of allocations: exp-run requeues the job on the "
	  "time-limit warning or preemption, at most MAX times (default 10), "
	  "and hands each link the newest checkpoint", 2, EXL_OPT_REQUEUE },
	{ NULL, NULL, NULL, 0, 0 },
};

const struct exl_option_desc *exl_option_by_id(enum exl_opt_id id)
{
	const struct exl_option_desc *d;

	for (d = exl_option_table; d->name; d++)
		if (d->id == id)
			return d;
	return NULL;
}

/* check_text: a value must be one printable line of sane length. */
static int check_text(const char *opt, const char *val, struct exl_err *err)
{
	const unsigned char *p;

	if (!val || !*val)
		return exl_errf(err, "exp-log: --%s: empty value: give --%s=VALUE",
				opt, opt);
	if (strlen(val) > EXL_TEXT_MAX)
		return exl_errf(err, "exp-log: --%s: value longer than %d characters: shorten it",
				opt, EXL_TEXT_MAX);
	for (p = (const unsigned char *)val; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return exl_errf(err, "exp-log: --%s: value contains a newline or control character: give one line",
					opt);
	return 0;
}

char *exl_parse_mode(const char *val, struct exl_err *err)
{
	static const char *const plain[] = { "replication", "experiment" };
	const char *sub;
	char *out;
	size_t i;

	if (check_text("exp-mode", val, err) < 0)
		return NULL;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(val, plain[i]) == 0)
			return strdup(val);
	if (strcmp(val, "pipeline") == 0)
		return strdup("pipeline");
	if (strncmp(val, "pipeline:", 9) == 0) {
		sub = val + 9;
		if (!*sub || strpbrk(sub, "()")) {
			exl_errf(err, "exp-log: --exp-mode: invalid pipeline subtype '%s': use pipeline:SUBTYPE, e.g. pipeline:data-generation",
				 sub);
			return NULL;
		}
		if (asprintf(&out, "pipeline (%s)", sub) < 0)
			return NULL;
		return out;
	}
	exl_errf(err, "exp-log: --exp-mode: invalid value '%s': use replication, experiment or pipeline[:SUBTYPE]",
		 val);
	return NULL;
}

static int replace(char **slot, const char *val);

/* set_wandb_project: "[ENTITY/]PROJECT", W&B's own name rules (letters,
 * digits, '-', '_', '.'). */
static int set_wandb_project(struct exl_opts *o, const char *val,
			     struct exl_err *err)
{
	const char *slash, *p;
	char *ent = NULL;

	if (check_text("exp-wandb-project", val, err) < 0)
		return -1;
	for (p = val; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_./", *p))
			return exl_errf(err, "exp-log: --exp-wandb-project: invalid character '%c' in '%s': use [ENTITY/]PROJECT",
					*p, val);
	slash = strchr(val, '/');
	if (slash && (slash == val || !slash[1] || strchr(slash + 1, '/')))
		return exl_errf(err, "exp-log: --exp-wandb-project: invalid value '%s': use [ENTITY/]PROJECT",
				val);
	if (slash && !(ent = strndup(val, (size_t)(slash - val))))
		return -1;
	free(o->wandb_entity);
	o->wandb_entity = ent;
	return replace(&o->wandb_project, slash ? slash + 1 : val);
}

static int replace(char **slot, const char *val)
{
	char *c = val ? strdup(val) : NULL;

	if (val && !c)
		return -1;
	free(*slot);
	*slot = c;
	return 0;
}

/* set_requeue: --exp-requeue[=MAX], MAX 1-1000 (absent: 10). */
static int set_requeue(struct exl_opts *o, const char *val,
		       struct exl_err *err)
{
	char *end;
	long n;

	/* an absent optional argument reaches the job as "" or "(null)" */
	if (!val || !*val || strcmp(val, "(null)") == 0) {
		o->requeue_max = EXL_REQUEUE_DEFAULT;
		return 0;
	}
	n = strtol(val, &end, 10);
	if (end == val || *end || n < 1 || n > 1000)
		return exl_errf(err, "exp-log: --exp-requeue: invalid value '%.40s': give the most requeues, 1-1000 (e.g. --exp-requeue=10)",
				val);
	o->requeue_max = (int)n;
	return 0;
}

int exl_opts_set(struct exl_opts *o, enum exl_opt_id id, const char *val,
		 struct exl_err *err)
{
	const struct exl_option_desc *d = exl_option_by_id(id);
	char *mode;

	if (!d)
		return exl_errf(err, "exp-log: unknown option id %d", (int)id);
	switch (id) {
	case EXL_OPT_LOG:
		o->enabled = 1;
		/* Slurm forwards an absent optional argument to the job as ""
		 * (and to the epilog as "(null)"): both mean the default. */
		if (val && (!*val || strcmp(val, "(null)") == 0))
			val = NULL;
		if (val && check_text(d->name, val, err) < 0)
			return -1;
		return replace(&o->dir, val);
	case EXL_OPT_GROUP:
		if (check_text(d->name, val, err) < 0)
			return -1;
		if (exl_valid_group(val) < 0)
			return exl_errf(err, "exp-log: --exp-group: invalid name '%s': use 1-%d letters, digits, '.', '_' or '-', not starting with '.'",
					val, EXL_NAME_MAX);
		return replace(&o->group, val);
	case EXL_OPT_TASK: {
		char safe[EXL_NAME_MAX + 1];

		if (check_text(d->name, val, err) < 0)
			return -1;
		/* the file name is <date>_<task>.md: never change it silently */
		exl_sanitize_name(val, safe);
		if (strcmp(safe, val) != 0)
			return exl_errf(err, "exp-log: --exp-task: invalid name '%.100s': use 1-%d letters, digits, '.', '_' or '-' (e.g. --exp-task=%s)",
					val, EXL_NAME_MAX, safe);
		return replace(&o->task, val);
	}
	case EXL_OPT_MODE:
		mode = exl_parse_mode(val, err);
		if (!mode)
			return -1;
		free(o->run_type);
		o->run_type = mode;
		return 0;
	case EXL_OPT_OBJECTIVE:
		if (check_text(d->name, val, err) < 0)
			return -1;
		return replace(&o->objective, val);
	case EXL_OPT_CONFIG:
		if (check_text(d->name, val, err) < 0)
			return -1;
		return replace(&o->config, val);
	case EXL_OPT_DATASET:
		if (check_text(d->name, val, err) < 0)
			return -1;
		return replace(&o->dataset, val);
	case EXL_OPT_RESUME:
		o->resume = 1;
		if (val && (!*val || strcmp(val, "(null)") == 0))
			val = NULL;
		if (val && check_text(d->name, val, err) < 0)
			return -1;
		return replace(&o->resume_log, val);
	case EXL_OPT_CHECKPOINT:
		if (check_text(d->name, val, err) < 0)
			return -1;
		return replace(&o->checkpoint, val);
	case EXL_OPT_STATUS_INTERVAL: {
		long secs = exl_parse_duration(d->name, val, 1, err);

		if (secs < 0)
			return -1;
		o->status_interval = (int)secs;
		o->status_interval_set = 1;
		return 0;
	}
	case EXL_OPT_SP: {
		char *sp = exl_parse_statepoints(val, err);

		if (!sp)
			return -1;
		free(o->statepoints);
		o->statepoints = sp;
		return 0;
	}
	case EXL_OPT_HASH_DATA:
		o->hash_data = 1;
		return 0;
	case EXL_OPT_WANDB:
		if (check_text(d->name, val, err) < 0)
			return -1;
		if (strcmp(val, "offline") != 0 && strcmp(val, "disabled") != 0)
			return exl_errf(err, "exp-log: --exp-wandb: invalid value '%s': use offline or disabled",
					val);
		return replace(&o->wandb, val);
	case EXL_OPT_WANDB_PROJECT:
		return set_wandb_project(o, val, err);
	case EXL_OPT_TELEMETRY: {
		struct exl_err e;

		if (!val || !*val)
			return exl_errf(err, "exp-log: --exp-telemetry: empty value: give seconds, e.g. 30, or off");
		if (exl_parse_interval(val, &o->telemetry, &e) < 0)
			return exl_errf(err, "exp-log: %s", e.text);
		o->telemetry_set = 1;
		return 0;
	}
	case EXL_OPT_REPORT:
		if (val && strcmp(val, "on") == 0)
			o->report_off = 0;
		else if (val && strcmp(val, "off") == 0)
			o->report_off = 1;
		else
			return exl_errf(err, "exp-log: --exp-report: invalid value '%s': use on or off",
					val ? val : "");
		return 0;
	case EXL_OPT_REQUEUE:
		return set_requeue(o, val, err);
	}
	return exl_errf(err, "exp-log: unknown option id %d", (int)id);
}

long exl_parse_duration(const char *opt, const char *val, int allow_off,
			struct exl_err *err)
{
	static const struct { char unit; long mult; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	char *end;
	long n;
	size_t i;

	if (!val || !*val)
		return exl_errf(err, "exp-log: --%s: empty value: give seconds, e.g. 90, 30m or 2h",
				opt);
	if (allow_off && strcmp(val, "off") == 0)
		return 0;
	n = strtol(val, &end, 10);
	if (end == val || n < 0 || n > 366L * 86400)
		goto bad;
	if (*end == '\0')
		return (n == 0 && !allow_off) ? exl_errf(err, "exp-log: --%s: must be more than 0",
							 opt) : n;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (end[0] == units[i].unit && end[1] == '\0') {
			if (n > 366L * 86400 / units[i].mult)
				goto bad;
			return n * units[i].mult;
		}
bad:
	return exl_errf(err, "exp-log: --%s: invalid duration '%s': give seconds, e.g. 90, 30m or 2h%s",
			opt, val, allow_off ? ", or off" : "");
}

char *exl_parse_statepoints(const char *val, struct exl_err *err)
{
	const char *p;
	int in_key = 1, key_len = 0, have_eq = 0;

	if (check_text("exp-sp", val, err) < 0)
		return NULL;
	for (p = val;; p++) {
		char c = *p;

		if (c == ',' || c == '\0') {
			if (key_len == 0 || !have_eq) {
				exl_errf(err, "exp-log: --exp-sp: invalid statepoints '%s': use key=value,key2=value2",
					 val);
				return NULL;
			}
			if (c == '\0')
				break;
			in_key = 1;
			key_len = have_eq = 0;
			continue;
		}
		if (in_key) {
			if (c == '=') {
				in_key = 0;
				have_eq = 1;
			} else if (isalnum((unsigned char)c) || c == '_' ||
				   c == '.' || c == '-') {
				key_len++;
			} else {
				exl_errf(err, "exp-log: --exp-sp: invalid key character '%c' in '%s': keys use letters, digits, '_', '.', '-'",
					 c, val);
				return NULL;
			}
		} else if (c == '=') {
			exl_errf(err, "exp-log: --exp-sp: '=' inside a value in '%s': use key=value,key2=value2",
				 val);
			return NULL;
		}
	}
	return strdup(val);
}

void exl_opts_free(struct exl_opts *o)
{
	free(o->dir);
	free(o->group);
	free(o->task);
	free(o->run_type);
	free(o->objective);
	free(o->config);
	free(o->dataset);
	free(o->resume_log);
	free(o->checkpoint);
	free(o->statepoints);
	free(o->wandb);
	free(o->wandb_entity);
	free(o->wandb_project);
	memset(o, 0, sizeof(*o));
}
