/* config_flat.c - pack, check and apply the flat user configuration
 * (see config_flat.h).  Loading it in a dropped child: config_user.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_flat.h"
#include "config/config_impl.h"
#include "util/names.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* put: copy s (NULL: leave empty) into a field of size n; bit is set in
 * *set when s is not NULL.  -1 when s does not fit. */
static int put(char *dst, size_t n, const char *s, unsigned int bit,
	       unsigned int *set)
{
	if (!s)
		return 0;
	if (strlen(s) >= n)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	*set |= bit;
	return 0;
}

/* put_list: n strings of v into rows of EXL_CFG_FLAT_TEXT bytes. */
static int put_list(char (*rows)[EXL_CFG_FLAT_TEXT], unsigned int *nrows,
		    char *const *v, size_t n, const char *key,
		    struct exl_err *err)
{
	unsigned int dummy = 0;
	size_t i;

	if (n > EXL_CFG_FLAT_LIST)
		return exl_errf(err, "%s: more than %d entries: keep at most %d",
				key, EXL_CFG_FLAT_LIST, EXL_CFG_FLAT_LIST);
	for (i = 0; i < n; i++)
		if (put(rows[i], EXL_CFG_FLAT_TEXT, v[i], 0, &dummy) < 0)
			return exl_errf(err, "%s[%zu]: longer than %d characters",
					key, i, EXL_CFG_FLAT_TEXT - 1);
	*nrows = (unsigned int)n;
	return 0;
}

int exl_config_flat_pack(const struct exl_config *c,
			 const struct exl_config_problems *probs,
			 struct exl_config_flat *f, struct exl_err *err)
{
	const struct {
		char *dst;
		size_t n;
		const char *src;
		unsigned int bit;
		const char *key;
	} t[] = {
		{ f->log_dir, sizeof(f->log_dir), c->log_dir,
		  EXL_CFG_FLAT_LOG_DIR, "defaults.log_dir" },
		{ f->group, sizeof(f->group), c->group, EXL_CFG_FLAT_GROUP,
		  "defaults.group" },
		{ f->mode, sizeof(f->mode), c->mode, EXL_CFG_FLAT_MODE,
		  "defaults.mode" },
		{ f->wandb_mode, sizeof(f->wandb_mode), c->wandb_mode,
		  EXL_CFG_FLAT_WANDB_MODE, "wandb.mode" },
		{ f->wandb_entity, sizeof(f->wandb_entity), c->wandb_entity,
		  EXL_CFG_FLAT_WANDB_ENTITY, "wandb.entity" },
		{ f->wandb_project, sizeof(f->wandb_project), c->wandb_project,
		  EXL_CFG_FLAT_WANDB_PROJECT, "wandb.project" },
		{ f->pattern_step, sizeof(f->pattern_step), c->pattern_step,
		  EXL_CFG_FLAT_STEP, "status.patterns.step" },
		{ f->pattern_loss, sizeof(f->pattern_loss), c->pattern_loss,
		  EXL_CFG_FLAT_LOSS, "status.patterns.loss" },
		{ f->pattern_val_loss, sizeof(f->pattern_val_loss),
		  c->pattern_val_loss, EXL_CFG_FLAT_VAL_LOSS,
		  "status.patterns.val_loss" },
	};
	size_t i;

	memset(f, 0, sizeof(*f));
	f->magic = EXL_CFG_FLAT_MAGIC;
	for (i = 0; i < COUNT_OF(t); i++)
		if (put(t[i].dst, t[i].n, t[i].src, t[i].bit, &f->set) < 0)
			return exl_errf(err, "%s: longer than %zu characters",
					t[i].key, t[i].n - 1);
	if (put_list(f->error_patterns, &f->n_error_patterns,
		     c->error_patterns, c->n_error_patterns, "status.errors",
		     err) < 0 ||
	    put_list(f->checkpoint_patterns, &f->n_checkpoint_patterns,
		     c->checkpoint_patterns, c->n_checkpoint_patterns,
		     "checkpoints", err) < 0)
		return -1;
	f->status_interval = c->status_interval;
	f->stall_intervals = c->stall_intervals;
	f->telemetry_interval = c->telemetry_interval;
	f->hash_data = c->hash_data;
	f->hash_data_max = c->hash_data_max;
	if (probs)
		f->probs = *probs;
	return 0;
}

/* terminated: s holds a NUL within its n bytes. */
static int terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* one_line: a terminated field without control characters. */
static int one_line(const char *s, size_t n)
{
	const unsigned char *p;

	if (!terminated(s, n))
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* check_text: field s (n bytes) under bit: set and valid, or clear and
 * empty.  valid() may be NULL (one line is enough). */
static int check_text(const struct exl_config_flat *f, const char *s,
		      size_t n, unsigned int bit, const char *key,
		      int (*valid)(const char *), struct exl_err *err)
{
	if (!one_line(s, n))
		return exl_errf(err, "%s: not a terminated line of at most %zu characters",
				key, n - 1);
	if (!(f->set & bit)) {
		if (s[0])
			return exl_errf(err, "%s: a value without its set bit",
					key);
		return 0;
	}
	if (!s[0] || (valid && !valid(s)))
		return exl_errf(err, "%s: not a valid value", key);
	return 0;
}

static int valid_name(const char *s)
{
	return exl_valid_group(s) == 0;
}

static int valid_mode(const char *s)
{
	char detail[8], *v = exl_cfg_conv_mode(s, detail, sizeof(detail));

	free(v);
	return v != NULL;
}

static int valid_wandb_mode(const char *s)
{
	return strcmp(s, "offline") == 0 || strcmp(s, "disabled") == 0;
}

static int valid_dir(const char *s)
{
	return s[0] != '~';
}

/* valid_glob: as exl_cfg_conv_glob: relative, no ".." component. */
static int valid_glob(const char *s)
{
	return s[0] && s[0] != '/' && !exl_cfg_has_dotdot(s);
}

/* check_list: n rows, each a non-empty line (a glob when globs). */
static int check_list(const char (*rows)[EXL_CFG_FLAT_TEXT], unsigned int n,
		      int globs, const char *key, struct exl_err *err)
{
	unsigned int i;

	if (n > EXL_CFG_FLAT_LIST)
		return exl_errf(err, "%s: %u entries, at most %d", key, n,
				EXL_CFG_FLAT_LIST);
	for (i = 0; i < n; i++)
		if (!one_line(rows[i], EXL_CFG_FLAT_TEXT) || !rows[i][0] ||
		    (globs && !valid_glob(rows[i])))
			return exl_errf(err, "%s[%u]: not a valid entry", key,
					i);
	return 0;
}

/* check_numbers: the schema's ranges (config_schema.c). */
static int check_numbers(const struct exl_config_flat *f,
			 struct exl_err *err)
{
	if (f->status_interval < 10 || f->status_interval > 7 * 86400)
		return exl_errf(err, "status.interval: %d out of range",
				f->status_interval);
	if (f->stall_intervals < 1 || f->stall_intervals > 1000)
		return exl_errf(err, "status.stall_intervals: %d out of range",
				f->stall_intervals);
	if (f->telemetry_interval < 0 || f->telemetry_interval > 86400)
		return exl_errf(err, "telemetry.interval: %d out of range",
				f->telemetry_interval);
	if (f->hash_data != 0 && f->hash_data != 1)
		return exl_errf(err, "data.hash: %d is not true or false",
				f->hash_data);
	if (f->hash_data_max < 1)
		return exl_errf(err, "data.hash_max: %lld out of range",
				f->hash_data_max);
	return 0;
}

int exl_config_flat_check(const struct exl_config_flat *f,
			  const struct exl_config *site, struct exl_err *err)
{
	struct exl_err why;
	size_t i;

	if (f->magic != EXL_CFG_FLAT_MAGIC)
		return exl_errf(err, "not a flat configuration");
	if (f->set & ~EXL_CFG_FLAT_ALL)
		return exl_errf(err, "unknown fields set (0x%x)", f->set);
	if (check_text(f, f->log_dir, sizeof(f->log_dir), EXL_CFG_FLAT_LOG_DIR,
		       "defaults.log_dir", valid_dir, err) < 0 ||
	    check_text(f, f->group, sizeof(f->group), EXL_CFG_FLAT_GROUP,
		       "defaults.group", valid_name, err) < 0 ||
	    check_text(f, f->mode, sizeof(f->mode), EXL_CFG_FLAT_MODE,
		       "defaults.mode", valid_mode, err) < 0 ||
	    check_text(f, f->wandb_mode, sizeof(f->wandb_mode),
		       EXL_CFG_FLAT_WANDB_MODE, "wandb.mode",
		       valid_wandb_mode, err) < 0 ||
	    check_text(f, f->wandb_entity, sizeof(f->wandb_entity),
		       EXL_CFG_FLAT_WANDB_ENTITY, "wandb.entity", valid_name,
		       err) < 0 ||
	    check_text(f, f->wandb_project, sizeof(f->wandb_project),
		       EXL_CFG_FLAT_WANDB_PROJECT, "wandb.project", valid_name,
		       err) < 0 ||
	    check_text(f, f->pattern_step, sizeof(f->pattern_step),
		       EXL_CFG_FLAT_STEP, "status.patterns.step", NULL,
		       err) < 0 ||
	    check_text(f, f->pattern_loss, sizeof(f->pattern_loss),
		       EXL_CFG_FLAT_LOSS, "status.patterns.loss", NULL,
		       err) < 0 ||
	    check_text(f, f->pattern_val_loss, sizeof(f->pattern_val_loss),
		       EXL_CFG_FLAT_VAL_LOSS, "status.patterns.val_loss", NULL,
		       err) < 0 ||
	    check_list(f->error_patterns, f->n_error_patterns, 0,
		       "status.errors", err) < 0 ||
	    check_list(f->checkpoint_patterns, f->n_checkpoint_patterns, 1,
		       "checkpoints", err) < 0 ||
	    check_numbers(f, err) < 0)
		return -1;
	for (i = 0; i < EXL_CONFIG_PROBLEMS_MAX; i++)
		if (!terminated(f->probs.msg[i], EXL_CONFIG_PROBLEM_LEN))
			return exl_errf(err, "problem %zu: not terminated", i);
	/* the user may choose a root only where the site allows one */
	if ((f->set & EXL_CFG_FLAT_LOG_DIR) && f->log_dir[0] == '/' &&
	    exl_config_root_allowed(site, f->log_dir, &why) < 0)
		return exl_errf(err, "defaults.log_dir: %s", why.text);
	return 0;
}

/* set_text: *slot = a copy of s when bit is set in f, else NULL. */
static int set_text(char **slot, const struct exl_config_flat *f,
		    const char *s, unsigned int bit)
{
	char *c = NULL;

	if ((f->set & bit) && !(c = strdup(s)))
		return -1;
	free(*slot);
	*slot = c;
	return 0;
}

/* set_list: replace *v (*n entries) by copies of the n rows. */
static int set_list(char ***v, size_t *nv,
		    const char (*rows)[EXL_CFG_FLAT_TEXT], unsigned int n)
{
	char **c = calloc((size_t)n + 1, sizeof(*c));
	unsigned int i;

	if (!c)
		return -1;
	for (i = 0; i < n; i++)
		if (!(c[i] = strdup(rows[i]))) {
			exl_cfg_free_strv(c, i);
			return -1;
		}
	exl_cfg_free_strv(*v, *nv);
	*v = c;
	*nv = n;
	return 0;
}

int exl_config_flat_apply(struct exl_config *c,
			  const struct exl_config_flat *f)
{
	if (set_text(&c->log_dir, f, f->log_dir, EXL_CFG_FLAT_LOG_DIR) < 0 ||
	    set_text(&c->group, f, f->group, EXL_CFG_FLAT_GROUP) < 0 ||
	    set_text(&c->mode, f, f->mode, EXL_CFG_FLAT_MODE) < 0 ||
	    set_text(&c->wandb_mode, f, f->wandb_mode,
		     EXL_CFG_FLAT_WANDB_MODE) < 0 ||
	    set_text(&c->wandb_entity, f, f->wandb_entity,
		     EXL_CFG_FLAT_WANDB_ENTITY) < 0 ||
	    set_text(&c->wandb_project, f, f->wandb_project,
		     EXL_CFG_FLAT_WANDB_PROJECT) < 0 ||
	    set_text(&c->pattern_step, f, f->pattern_step,
		     EXL_CFG_FLAT_STEP) < 0 ||
	    set_text(&c->pattern_loss, f, f->pattern_loss,
		     EXL_CFG_FLAT_LOSS) < 0 ||
	    set_text(&c->pattern_val_loss, f, f->pattern_val_loss,
		     EXL_CFG_FLAT_VAL_LOSS) < 0 ||
	    set_list(&c->error_patterns, &c->n_error_patterns,
		     f->error_patterns, f->n_error_patterns) < 0 ||
	    set_list(&c->checkpoint_patterns, &c->n_checkpoint_patterns,
		     f->checkpoint_patterns, f->n_checkpoint_patterns) < 0)
		return -1;
	c->status_interval = f->status_interval;
	c->stall_intervals = f->stall_intervals;
	c->telemetry_interval = f->telemetry_interval;
	c->hash_data = f->hash_data;
	c->hash_data_max = f->hash_data_max;
	return 0;
}
