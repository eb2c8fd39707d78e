/* config.h - exp-log's YAML configuration: site file, user file, one view.
 *
 * The site file (/etc/slurm/exp-log.yaml) holds defaults and the rules
 * only an admin may set; the user file (~/.config/exp-log.yaml) may
 * change the defaults; options on the command line win over both (the
 * plugin applies them last).  The schema is documented in
 * exp-log.yaml(5); the key table lives in config_schema.c.
 *
 * Loading never stops a job: every problem (unreadable file, bad YAML,
 * unknown key, bad value, site-only key in a user file) becomes one line
 * "FILE:LINE: KEY: problem: fix" in a struct exl_config_problems, the
 * keys that are valid still apply, and a broken file changes nothing.
 * Messages carry no "exp-log: " prefix; the caller adds it.
 *
 * Security: load the user file with the job user's privileges (never as
 * root): values are quoted back in messages.  Where root can come back
 * (slurmstepd's saved uid 0), use exl_config_load_as_user
 * (config_flat.h): the user file is parsed in a child dropped for good.
 */
#ifndef EXL_CONFIG_H
#define EXL_CONFIG_H

#include <stddef.h>

#include "util/exl_err.h"

#ifndef EXL_CONFIG_SITE_PATH
#define EXL_CONFIG_SITE_PATH "/etc/slurm/exp-log.yaml"
#endif
/* The user file, relative to $HOME. */
#define EXL_CONFIG_USER_PATH ".config/exp-log.yaml"
/* Larger config files are refused. */
#define EXL_CONFIG_MAX_BYTES (1u << 20)

/* Defaults (see exp-log.yaml(5)). */
#define EXL_CONFIG_STATUS_INTERVAL 1800
#define EXL_CONFIG_STALL_INTERVALS 3
#define EXL_CONFIG_TELEMETRY_INTERVAL 30
#define EXL_CONFIG_HASH_MAX (1LL << 30)
/* the file names of the default checkpoint glob (checkpoint_find.h) */
#define EXL_CONFIG_CHECKPOINT_FILES \
	"*.@(pt|pth|bin|ckpt|safetensors|h5|hdf5|keras|pkl|npz|msgpack|onnx|gguf)"
#define EXL_CONFIG_NVML_LIBRARY "libnvidia-ml.so.1"
#define EXL_CONFIG_IDLE_GPU_PERCENT 10
#define EXL_CONFIG_IDLE_CPU_PERCENT 10
#define EXL_CONFIG_IDLE_AFTER 1800

struct exl_env_capture {
	char *name;		/* e.g. "pip" */
	char *command;		/* e.g. "pip freeze", run by /bin/sh -c */
};

struct exl_sanitize_rule {
	char *pattern;		/* a regex (compile with exl_config_regex) */
	char *replacement;	/* replaces each match; \1..\9 insert groups */
};

struct exl_config {
	/* defaults for the plugin's options (NULL: none) */
	char *log_dir;		/* --exp-log DIR; relative: to the submit dir */
	char *group;		/* --exp-group */
	char *mode;		/* --exp-mode, as the option takes it */
	char *wandb_mode;	/* "offline", "disabled" or NULL */
	/* evidence Status lines */
	int status_interval;	/* seconds */
	int stall_intervals;	/* intervals without progress: "stalled" */
	/* progress patterns, matched as progress.h matches them (PCRE2,
	 * case-insensitive, the number is the last capture group that took
	 * part).  NULL (YAML null or ~): not looked for; exl_config_patterns
	 * hands that to exl_patterns_compile as "" (there NULL would mean
	 * the default).  The defaults are EXL_PAT_*_DEFAULT. */
	char *pattern_step, *pattern_loss, *pattern_val_loss;
	/* error patterns (case-sensitive), stdout/stderr lines quoted in
	 * Status; default exl_error_patterns_default, none when n is 0 */
	char **error_patterns;
	size_t n_error_patterns;
	char **checkpoint_patterns;	/* globs relative to the submit dir */
	size_t n_checkpoint_patterns;
	/* telemetry */
	int telemetry_interval;	/* seconds, 0: off */
	/* idle warnings in Status (telemetry_idle.h): GPU utilization, or
	 * CPU use as a share of the job's CPUs, under these percentages
	 * (0: off) for idle_after seconds */
	int idle_gpu_percent, idle_cpu_percent, idle_after;
	/* datasets */
	int hash_data;		/* sha256 datasets (else size + mtime) */
	long long hash_data_max; /* bytes hashed at most per dataset */
	/* site-only: a user file may not set these */
	char **allowed_roots;	/* absolute, normalised */
	size_t n_allowed_roots;
	int roots_restricted;	/* the site gave allowed_roots: with n == 0
				 * (every entry invalid) nothing is allowed */
	char *nvml_library;
	double cost_per_gpu_hour; /* < 0: none */
	char *currency;		/* NULL: none */
	struct exl_env_capture *env_capture;
	size_t n_env_capture;
	struct exl_sanitize_rule *sanitize;
	size_t n_sanitize;
	/* W&B */
	char *wandb_entity, *wandb_project;
};

#define EXL_CONFIG_PROBLEMS_MAX 32
#define EXL_CONFIG_PROBLEM_LEN 512

/* Problems found while loading, one line each.  count goes on past
 * EXL_CONFIG_PROBLEMS_MAX; only the first that many are kept. */
struct exl_config_problems {
	size_t count;
	char msg[EXL_CONFIG_PROBLEMS_MAX][EXL_CONFIG_PROBLEM_LEN];
};

/* Fill c with the built-in defaults (c's old contents are not freed).
 * Returns -1 when out of memory; c can be freed either way. */
int exl_config_defaults(struct exl_config *c);

/* Load one YAML file into c, layered on what c holds: a key in the file
 * replaces the earlier value (lists are replaced, not appended).  site
 * allows the site-only keys and follows a symlinked site file; a user
 * file must not be a symlink.  probs may be NULL.  Returns 0 when the
 * file applied cleanly, 1 when it does not exist, -1 when a problem was
 * added to probs (valid keys still apply; a file that is unreadable or
 * not valid YAML changes nothing). */
int exl_config_load_file(struct exl_config *c, const char *path, int site,
			 struct exl_config_problems *probs);

/* Like exl_config_load_file for YAML text in memory; name is used in
 * messages.  Returns 0 or -1. */
int exl_config_load_buffer(struct exl_config *c, const char *name,
			   const char *buf, size_t len, int site,
			   struct exl_config_problems *probs);

/* Defaults, then the site file (site_path, NULL: EXL_CONFIG_SITE_PATH),
 * then the user file (user_path, NULL: $HOME/EXL_CONFIG_USER_PATH, none
 * when $HOME is unset).  c must not hold anything yet.  Returns 0 when
 * both applied cleanly or are missing, -1 when probs got a problem. */
int exl_config_load(struct exl_config *c, const char *site_path,
		    const char *user_path, struct exl_config_problems *probs);

void exl_config_free(struct exl_config *c);

/* Is abs_root (an absolute run-log root) allowed by allowed_roots?
 * Lexical check: a path with a ".." component is refused, and the path
 * must be one of the roots or below one (whole components).  Then every
 * existing component below the root is checked with lstat: a symlink
 * whose target lies outside every root is refused.  A root that is
 * itself a symlink also admits the directory it points to.  Returns 0
 * when allowed, -1 with "exp-log: ..." in err. */
int exl_config_root_allowed(const struct exl_config *c, const char *abs_root,
			    struct exl_err *err);

/* The merged view as YAML in the exp-log.yaml(5) schema (it loads back
 * as a site file).  Newly allocated; NULL when out of memory. */
char *exl_config_dump(const struct exl_config *c);

/* Value syntax shared with other parsers.  Each returns 0 or -1. */
/* "30", "30s", "10m", "2h", "1d" -> seconds (no "off": callers decide) */
int exl_config_parse_duration(const char *s, long long *secs);
/* "1048576", "512K", "100M", "1G", "1GiB", "2T" (powers of 1024) */
int exl_config_parse_size(const char *s, long long *bytes);
/* true/false, yes/no, on/off in any case */
int exl_config_parse_bool(const char *s, int *val);

struct exl_regex;

/* Compile a sanitize rule's pattern (case-sensitive, util/bounded_regex.h)
 * as the publisher does.  NULL with the reason in why on error; free the
 * pattern with exl_regex_free.  Progress and error patterns are compiled
 * by progress.h (exl_pattern_compile). */
struct exl_regex *exl_config_regex(const char *pattern, char *why,
				   size_t whylen);

struct exl_patterns;

/* Compile c's progress and error patterns with exl_patterns_compile (a
 * NULL progress pattern is switched off, an empty error list matches no
 * error).  The monitor's patterns; free them with exl_patterns_free.
 * Returns 0, or -1 with err naming the pattern. */
int exl_config_patterns(const struct exl_config *c, struct exl_patterns *p,
			struct exl_err *err);

struct exl_opts;

/* Fill what the command line left unset from the merged site/user
 * configuration: run-log dir, group, mode, status interval, data hashing.
 * A bad default (an invalid mode in a file) is reported and skipped. */
int exl_opts_apply_config(struct exl_opts *o, const struct exl_config *c,
			  struct exl_err *err);

#endif
