/* config.c - defaults, loading and freeing of the exp-log configuration
 * (see config.h; the keys are in config_schema.c). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "fileio.h"

/* Progress patterns (POSIX ERE).  SEP is what may stand between a name
 * and its number: an optional closing quote (Python dicts), blanks, one
 * ':' or '='.  The number is the first group that is a whole number (see
 * exl_config_match_number), so the groups around the name do no harm. */
#define SEP "['\"]?[[:space:]]*[:=]?[[:space:]]*"
#define NUM "([-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?)"

/* "step 1200", "global_step=5", "Iter: 7", "iteration 3" */
#define DEFAULT_STEP \
	"(^|[^[:alnum:]])([Ss]tep|[Ii]ter(ation)?)" SEP "([0-9]+)"
/* "loss 0.5", "train_loss: 0.5", "'loss': 0.5", "epoch 3 loss 0.5" but
 * not "val_loss", "eval/loss" or "val loss": a bare "loss" right after
 * a word belongs to that word, only "train"/"training" qualify */
#define DEFAULT_LOSS \
	"(^|[^[:alnum:]_/ ]|[^[:alpha:]_/] |[Tt]rain(ing)?[ _/])[Ll]oss" \
	SEP NUM
/* "val_loss 0.09", "val/loss=0.1", "eval_loss: 0.2", "validation loss" */
#define DEFAULT_VAL_LOSS \
	"(^|[^[:alnum:]])([Ee]?[Vv]al(id(ation)?)?)[ _/][Ll]oss" SEP NUM

static const char *const default_errors[] = {
	"Traceback \\(most recent call last\\)",
	"CUDA out of memory",
	"NCCL (error|WARN)",
	"^Killed",
	"Segmentation fault",
	"RuntimeError:",
};

static const char *const default_checkpoints[] = {
	"checkpoints/*",
	"*.ckpt",
	"*.pt",
	"*.pth",
	"*.safetensors",
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

void exl_cfg_problem(struct exl_cfg_load *l, int line, const char *key,
		     const char *fmt, ...)
{
	char where[32] = "", *slot;
	va_list ap;
	size_t n;
	int w;

	l->failed = 1;
	if (!l->probs)
		return;
	n = l->probs->count++;
	if (n >= EXL_CONFIG_PROBLEMS_MAX)
		return;
	slot = l->probs->msg[n];
	if (line > 0)
		snprintf(where, sizeof(where), ":%d", line);
	w = snprintf(slot, EXL_CONFIG_PROBLEM_LEN, "%s%s: %s%s", l->file,
		     where, key, *key ? ": " : "");
	if (w < 0 || w >= EXL_CONFIG_PROBLEM_LEN)
		return;
	va_start(ap, fmt);
	vsnprintf(slot + w, EXL_CONFIG_PROBLEM_LEN - (size_t)w, fmt, ap);
	va_end(ap);
}

void exl_cfg_free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void exl_cfg_free_key(const struct exl_cfg_key *k, void *base)
{
	const struct exl_cfg_key *sk;
	size_t i, *n = EXL_CFG_FIELD(base, k->noff, size_t);
	void **slot = EXL_CFG_FIELD(base, k->off, void *);

	switch (k->kind) {
	case EXL_CFG_SECTION:
		for (sk = k->sub; sk->name; sk++)
			exl_cfg_free_key(sk, base);
		return;
	case EXL_CFG_TEXT:
		free(*slot);
		*slot = NULL;
		return;
	case EXL_CFG_TEXT_LIST:
		exl_cfg_free_strv(*slot, *n);
		break;
	case EXL_CFG_ENV_MAP: {
		struct exl_env_capture *e = *slot;

		for (i = 0; e && i < *n; i++) {
			free(e[i].name);
			free(e[i].command);
		}
		free(e);
		break;
	}
	case EXL_CFG_RULE_LIST: {
		struct exl_sanitize_rule *r = *slot;

		for (i = 0; r && i < *n; i++)
			for (sk = k->sub; sk->name; sk++)
				exl_cfg_free_key(sk, &r[i]);
		free(r);
		break;
	}
	default:
		return;
	}
	*slot = NULL;
	*n = 0;
}

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

int exl_config_defaults(struct exl_config *c)
{
	memset(c, 0, sizeof(*c));
	c->status_interval = EXL_CONFIG_STATUS_INTERVAL;
	c->stall_intervals = EXL_CONFIG_STALL_INTERVALS;
	c->telemetry_interval = EXL_CONFIG_TELEMETRY_INTERVAL;
	c->hash_data_max = EXL_CONFIG_HASH_MAX;
	c->cost_per_gpu_hour = -1;
	c->pattern_step = strdup(DEFAULT_STEP);
	c->pattern_loss = strdup(DEFAULT_LOSS);
	c->pattern_val_loss = strdup(DEFAULT_VAL_LOSS);
	c->nvml_library = strdup(EXL_CONFIG_NVML_LIBRARY);
	if (!c->pattern_step || !c->pattern_loss || !c->pattern_val_loss ||
	    !c->nvml_library ||
	    dup_strv(default_errors, COUNT_OF(default_errors),
		     &c->error_patterns, &c->n_error_patterns) < 0 ||
	    dup_strv(default_checkpoints, COUNT_OF(default_checkpoints),
		     &c->checkpoint_patterns, &c->n_checkpoint_patterns) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
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
