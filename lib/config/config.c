/* config.c - defaults, loading and freeing of the exp-log configuration
 * (see config.h; the keys are in config_schema.c). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"
#include "util/fileio.h"
#include "watch/progress.h"

/* Checkpoints by default: weight files of the common frameworks anywhere
 * below the working directory (8 levels, hidden folders skipped, only
 * files written during the job), and any file in a top-level
 * checkpoint folder (TensorFlow's ckpt-N.index and .data-* have no
 * telling extension).  One "**" glob, so the tree is walked once. */
static const char *const default_checkpoints[] = {
	"**/" EXL_CONFIG_CHECKPOINT_FILES,
	"checkpoint*/**",
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

void exl_config_free(struct exl_config *c)
{
	const struct exl_cfg_key *k;

	for (k = exl_cfg_schema; k->name; k++)
		exl_cfg_free_key(k, c);
	memset(c, 0, sizeof(*c));
}

/* dup_strv: a newly allocated copy of n strings; -1 when out of memory
 * (nothing is left allocated). */
static int dup_strv(const char *const *v, size_t n, char ***out,
		    size_t *nout)
{
	char **c = calloc(n + 1, sizeof(*c));
	size_t i;

	if (!c)
		return -1;
	for (i = 0; i < n; i++) {
		c[i] = strdup(v[i]);
		if (!c[i]) {
			exl_cfg_free_strv(c, i);
			return -1;
		}
	}
	*out = c;
	*nout = n;
	return 0;
}

/* The progress patterns and error patterns are progress.h's: one set of
 * defaults for the config file, its dump and the monitor. */
int exl_config_defaults(struct exl_config *c)
{
	size_t n_errors;

	for (n_errors = 0; exl_error_patterns_default[n_errors]; n_errors++)
		;
	memset(c, 0, sizeof(*c));
	c->status_interval = EXL_CONFIG_STATUS_INTERVAL;
	c->stall_intervals = EXL_CONFIG_STALL_INTERVALS;
	c->telemetry_interval = EXL_CONFIG_TELEMETRY_INTERVAL;
	c->idle_gpu_percent = EXL_CONFIG_IDLE_GPU_PERCENT;
	c->idle_cpu_percent = EXL_CONFIG_IDLE_CPU_PERCENT;
	c->idle_after = EXL_CONFIG_IDLE_AFTER;
	c->hash_data_max = EXL_CONFIG_HASH_MAX;
	c->cost_per_gpu_hour = -1;
	c->pattern_step = strdup(EXL_PAT_STEP_DEFAULT);
	c->pattern_loss = strdup(EXL_PAT_LOSS_DEFAULT);
	c->pattern_val_loss = strdup(EXL_PAT_VAL_DEFAULT);
	c->nvml_library = strdup(EXL_CONFIG_NVML_LIBRARY);
	if (!c->pattern_step || !c->pattern_loss || !c->pattern_val_loss ||
	    !c->nvml_library ||
	    dup_strv(exl_error_patterns_default, n_errors,
		     &c->error_patterns, &c->n_error_patterns) < 0 ||
	    dup_strv(default_checkpoints, COUNT_OF(default_checkpoints),
		     &c->checkpoint_patterns, &c->n_checkpoint_patterns) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* off_if_null: NULL is "not looked for" here, "" in exl_patterns_compile
 * (where NULL means the default). */
static const char *off_if_null(const char *pattern)
{
	return pattern ? pattern : "";
}

int exl_config_patterns(const struct exl_config *c, struct exl_patterns *p,
			struct exl_err *err)
{
	static const char *const no_errors[] = { NULL };
	const char *const *errors = no_errors;

	/* an empty list must not become NULL, the default list there */
	if (c->n_error_patterns)
		errors = (const char *const *)c->error_patterns;
	return exl_patterns_compile(p, off_if_null(c->pattern_step),
				    off_if_null(c->pattern_loss),
				    off_if_null(c->pattern_val_loss), errors,
				    c->n_error_patterns, err);
}

int exl_config_load_buffer(struct exl_config *c, const char *name,
			   const char *buf, size_t len, int site,
			   struct exl_config_problems *probs)
{
	struct exl_cfg_load l = {
		.c = c, .file = name, .site = site, .probs = probs,
	};
	struct exl_yaml_node *root;
	struct exl_yaml_error ye;

	if (exl_yaml_parse(buf, len, &root, &ye) < 0) {
		exl_cfg_problem(&l, ye.line, ye.key, "%s; file ignored",
				ye.text);
		return -1;
	}
	exl_cfg_apply(&l, root);
	exl_yaml_free(root);
	return l.failed ? -1 : 0;
}

int exl_config_load_file(struct exl_config *c, const char *path, int site,
			 struct exl_config_problems *probs)
{
	struct exl_cfg_load l = { .c = c, .file = path, .probs = probs };
	char *real = NULL, *buf;
	const char *from = path, *why;
	struct exl_err err;
	size_t len, plen;
	int rc;

	/* The site file is the admin's: a symlink to a file kept elsewhere
	 * is fine.  A user file is read without following one. */
	if (site) {
		real = realpath(path, NULL);
		if (real)
			from = real;
	}
	if (exl_read_file(from, EXL_CONFIG_MAX_BYTES, &buf, &len, &err) < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			free(real);
			return 1;
		}
		/* "PATH: too large" reads better without PATH twice */
		why = err.text;
		plen = strlen(from);
		if (strncmp(why, from, plen) == 0 && why[plen] == ':')
			why += plen + 2;
		exl_cfg_problem(&l, 0, "", "%s; file ignored", why);
		free(real);
		return -1;
	}
	free(real);
	rc = exl_config_load_buffer(c, path, buf, len, site, probs);
	free(buf);
	return rc;
}

int exl_config_load(struct exl_config *c, const char *site_path,
		    const char *user_path, struct exl_config_problems *probs)
{
	struct exl_cfg_load l = { .c = c, .file = "exp-log", .probs = probs };
	const char *home = getenv("HOME");
	char *home_path = NULL;
	int rc = 0;

	if (exl_config_defaults(c) < 0) {
		exl_cfg_problem(&l, 0, "", "out of memory");
		return -1;
	}
	if (exl_config_load_file(c, site_path ? site_path : EXL_CONFIG_SITE_PATH,
				 1, probs) < 0)
		rc = -1;
	if (!user_path && home && home[0] == '/') {
		if (asprintf(&home_path, "%s/%s", home,
			     EXL_CONFIG_USER_PATH) < 0) {
			exl_cfg_problem(&l, 0, "", "out of memory");
			return -1;
		}
		user_path = home_path;
	}
	if (user_path && exl_config_load_file(c, user_path, 0, probs) < 0)
		rc = -1;
	free(home_path);
	return rc;
}
