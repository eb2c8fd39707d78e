/* config_schema.c - every key of exp-log.yaml, in one table.
 *
 * The order here is the order of exl_config_dump and of the KEYS section
 * of exp-log.yaml(5).  Adding a key: a field in struct exl_config, a
 * default in exl_config_defaults, an entry here, a man page entry (the
 * unit test checks that one exists).
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "config/config_impl.h"

#define F(field) offsetof(struct exl_config, field)
#define R(field) offsetof(struct exl_sanitize_rule, field)

#define SECTION(nm, keys) \
	{ .name = nm, .kind = EXL_CFG_SECTION, .sub = keys }
#define TEXT(nm, fl, off_, cv, wh) \
	{ .name = nm, .kind = EXL_CFG_TEXT, .flags = fl, .off = off_, \
	  .conv = cv, .what = wh }
#define LIST(nm, fl, field, cv, wh) \
	{ .name = nm, .kind = EXL_CFG_TEXT_LIST, .flags = fl, \
	  .off = F(field), .noff = F(n_##field), .conv = cv, .what = wh }
#define NUMBER(nm, kd, fl, field, lo, hi, wh) \
	{ .name = nm, .kind = kd, .flags = fl, .off = F(field), \
	  .min = lo, .max = hi, .what = wh }

#define NAME_WHAT "a name of 1-80 letters, digits, '.', '_' or '-', not starting with '.'"
#define PROGRESS_WHAT "a regular expression with a capture group"
#define REGEX_WHAT "a regular expression"

static const struct exl_cfg_key defaults_keys[] = {
	TEXT("log_dir", EXL_CFG_NULLABLE, F(log_dir), exl_cfg_conv_dir,
	     "a directory path"),
	TEXT("group", EXL_CFG_NULLABLE, F(group), exl_cfg_conv_name,
	     NAME_WHAT),
	TEXT("mode", EXL_CFG_NULLABLE, F(mode), exl_cfg_conv_mode,
	     "replication, experiment or pipeline[:SUBTYPE]"),
	{ .name = NULL },
};

static const struct exl_cfg_key pattern_keys[] = {
	TEXT("step", EXL_CFG_NULLABLE, F(pattern_step), exl_cfg_conv_progress,
	     PROGRESS_WHAT),
	TEXT("loss", EXL_CFG_NULLABLE, F(pattern_loss), exl_cfg_conv_progress,
	     PROGRESS_WHAT),
	TEXT("val_loss", EXL_CFG_NULLABLE, F(pattern_val_loss),
	     exl_cfg_conv_progress, PROGRESS_WHAT),
	{ .name = NULL },
};

static const struct exl_cfg_key status_keys[] = {
	NUMBER("interval", EXL_CFG_DURATION, 0, status_interval, 10,
	       7 * 86400, "seconds (e.g. 1800, 30m, 2h)"),
	NUMBER("stall_intervals", EXL_CFG_COUNT, 0, stall_intervals, 1, 1000,
	       "a whole number"),
	SECTION("patterns", pattern_keys),
	LIST("errors", 0, error_patterns, exl_cfg_conv_error, REGEX_WHAT),
	{ .name = NULL },
};

static const struct exl_cfg_key telemetry_keys[] = {
	NUMBER("interval", EXL_CFG_DURATION, EXL_CFG_OFF_OK,
	       telemetry_interval, 1, 86400,
	       "seconds (e.g. 30, 30s, 1m) or off"),
	NUMBER("idle_gpu_percent", EXL_CFG_COUNT, 0, idle_gpu_percent, 0,
	       100, "a whole number of percent, 0 to 100 (0: off)"),
	NUMBER("idle_cpu_percent", EXL_CFG_COUNT, 0, idle_cpu_percent, 0,
	       100, "a whole number of percent, 0 to 100 (0: off)"),
	NUMBER("idle_after", EXL_CFG_DURATION, 0, idle_after, 1, 7 * 86400,
	       "seconds (e.g. 1800, 30m, 2h)"),
	TEXT("nvml_library", EXL_CFG_SITE_ONLY, F(nvml_library),
	     exl_cfg_conv_library, "a library name or an absolute path"),
	NUMBER("cost_per_gpu_hour", EXL_CFG_MONEY,
	       EXL_CFG_SITE_ONLY | EXL_CFG_NULLABLE, cost_per_gpu_hour, 0, 0,
	       "a number of at least 0 (e.g. 2.50)"),
	TEXT("currency", EXL_CFG_SITE_ONLY | EXL_CFG_NULLABLE, F(currency),
	     exl_cfg_conv_currency, "a currency code or symbol (e.g. USD)"),
	{ .name = NULL },
};

static const struct exl_cfg_key data_keys[] = {
	NUMBER("hash", EXL_CFG_BOOL, 0, hash_data, 0, 1, "true or false"),
	NUMBER("hash_max", EXL_CFG_SIZE, 0, hash_data_max, 1, LLONG_MAX,
	       "a size in bytes (e.g. 1073741824, 512M, 1G)"),
	{ .name = NULL },
};

static const struct exl_cfg_key rule_keys[] = {
	TEXT("pattern", 0, R(pattern), exl_cfg_conv_regex, REGEX_WHAT),
	TEXT("replace", EXL_CFG_NULLABLE, R(replacement),
	     exl_cfg_conv_replacement, "one line of text"),
	{ .name = NULL },
};

static const struct exl_cfg_key wandb_keys[] = {
	TEXT("mode", EXL_CFG_NULLABLE, F(wandb_mode), exl_cfg_conv_wandb_mode,
	     "offline or disabled"),
	TEXT("entity", EXL_CFG_NULLABLE, F(wandb_entity), exl_cfg_conv_name,
	     NAME_WHAT),
	TEXT("project", EXL_CFG_NULLABLE, F(wandb_project), exl_cfg_conv_name,
	     NAME_WHAT),
	{ .name = NULL },
};

const struct exl_cfg_key exl_cfg_schema[] = {
	SECTION("defaults", defaults_keys),
	SECTION("status", status_keys),
	SECTION("telemetry", telemetry_keys),
	LIST("checkpoints", 0, checkpoint_patterns, exl_cfg_conv_glob,
	     "a glob relative to the submit directory (e.g. checkpoints/*)"),
	SECTION("data", data_keys),
	LIST("allowed_roots", EXL_CFG_SITE_ONLY | EXL_CFG_ROOTS,
	     allowed_roots, exl_cfg_conv_root, "an absolute directory path"),
	{ .name = "env_capture", .kind = EXL_CFG_ENV_MAP,
	  .flags = EXL_CFG_SITE_ONLY, .off = F(env_capture),
	  .noff = F(n_env_capture),
	  .what = "a mapping of NAME: COMMAND (e.g. pip: pip freeze)" },
	{ .name = "sanitize", .kind = EXL_CFG_RULE_LIST,
	  .flags = EXL_CFG_SITE_ONLY, .off = F(sanitize),
	  .noff = F(n_sanitize), .sub = rule_keys,
	  .what = "a mapping with pattern and replace" },
	SECTION("wandb", wandb_keys),
	{ .name = NULL },
};

static void each_key(const struct exl_cfg_key *table, const char *prefix,
		     void (*fn)(const char *, unsigned, void *), void *arg)
{
	const struct exl_cfg_key *k;
	char path[128];

	for (k = table; k->name; k++) {
		snprintf(path, sizeof(path), "%s%s%s", prefix,
			 *prefix ? "." : "", k->name);
		if (k->kind == EXL_CFG_SECTION)
			each_key(k->sub, path, fn, arg);
		else
			fn(path, k->flags, arg);
	}
}

void exl_cfg_each_key(void (*fn)(const char *path, unsigned flags, void *arg),
		      void *arg)
{
	each_key(exl_cfg_schema, "", fn, arg);
}
