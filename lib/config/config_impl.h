/* config_impl.h - internals shared by the config_*.c files.
 *
 * One table (exl_cfg_schema, config_schema.c) describes every key of
 * exp-log.yaml: its name, kind, flags and the field of struct exl_config
 * it fills.  Loading (config_apply.c), dumping (config_dump.c), freeing
 * (config.c) and the key list used by the tests all walk that table, so
 * a key added there is parsed, shown, freed and checked for a man page
 * entry without further code.
 */
#ifndef EXL_CONFIG_IMPL_H
#define EXL_CONFIG_IMPL_H

#include <stddef.h>

#include "config/config.h"
#include "util/yamltree.h"

enum exl_cfg_kind {
	EXL_CFG_SECTION,	/* mapping of more keys (sub) */
	EXL_CFG_TEXT,		/* char *, checked by conv */
	EXL_CFG_DURATION,	/* int seconds in [min, max] */
	EXL_CFG_COUNT,		/* int in [min, max] */
	EXL_CFG_BOOL,		/* int 0/1 */
	EXL_CFG_SIZE,		/* long long bytes in [min, max] */
	EXL_CFG_MONEY,		/* double >= 0, < 0 when unset */
	EXL_CFG_TEXT_LIST,	/* char ** at off, size_t count at noff */
	EXL_CFG_ENV_MAP,	/* struct exl_env_capture[] (name: command) */
	EXL_CFG_RULE_LIST,	/* struct exl_sanitize_rule[], items use sub */
};

#define EXL_CFG_SITE_ONLY 0x1u	/* a user file may not set it */
#define EXL_CFG_NULLABLE 0x2u	/* null (~ or empty) means "none" */
#define EXL_CFG_OFF_OK 0x4u	/* duration: "off" means 0 */
#define EXL_CFG_ROOTS 0x8u	/* the list sets roots_restricted */

/* What a sanitize rule without "replace" puts in place of a match. */
#define EXL_CFG_REDACTED "[REDACTED]"

/* Check one text value and return the copy to store (newly allocated),
 * or NULL with an optional detail for the message. */
typedef char *(*exl_cfg_conv)(const char *s, char *detail, size_t len);

struct exl_cfg_key {
	const char *name;
	enum exl_cfg_kind kind;
	unsigned flags;
	size_t off;		/* the field, from the struct's start */
	size_t noff;		/* lists: the count field */
	exl_cfg_conv conv;	/* TEXT and TEXT_LIST items */
	long long min, max;	/* DURATION, COUNT, SIZE */
	const char *what;	/* "expected <what>, got ..." */
	const struct exl_cfg_key *sub;	/* SECTION keys, RULE_LIST item keys */
};

/* Both tables end with an entry whose name is NULL. */
extern const struct exl_cfg_key exl_cfg_schema[];

/* One load in progress. */
struct exl_cfg_load {
	struct exl_config *c;
	const char *file;
	int site;
	struct exl_config_problems *probs;
	int failed;		/* a problem was reported */
};

/* Record "FILE:LINE: KEY: message" (line 0 and key "" are left out). */
void exl_cfg_problem(struct exl_cfg_load *l, int line, const char *key,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Apply a parsed document to l->c (config_apply.c). */
void exl_cfg_apply(struct exl_cfg_load *l, const struct exl_yaml_node *root);

/* Free what the table's key k owns in the struct at base and reset it. */
void exl_cfg_free_key(const struct exl_cfg_key *k, void *base);
void exl_cfg_free_strv(char **v, size_t n);

/* Call fn for every leaf key: its dotted path and its flags. */
void exl_cfg_each_key(void (*fn)(const char *path, unsigned flags, void *arg),
		      void *arg);

/* Field access through the table's offsets. */
#define EXL_CFG_FIELD(base, off, type) ((type *)((char *)(base) + (off)))

/* Value checks used by the table (config_checks.c). */
char *exl_cfg_conv_dir(const char *s, char *detail, size_t len);
char *exl_cfg_conv_mode(const char *s, char *detail, size_t len);
char *exl_cfg_conv_wandb_mode(const char *s, char *detail, size_t len);
char *exl_cfg_conv_progress(const char *s, char *detail, size_t len);
char *exl_cfg_conv_error(const char *s, char *detail, size_t len);
char *exl_cfg_conv_regex(const char *s, char *detail, size_t len);
char *exl_cfg_conv_glob(const char *s, char *detail, size_t len);
char *exl_cfg_conv_root(const char *s, char *detail, size_t len);
char *exl_cfg_conv_library(const char *s, char *detail, size_t len);
char *exl_cfg_conv_currency(const char *s, char *detail, size_t len);
char *exl_cfg_conv_name(const char *s, char *detail, size_t len);
char *exl_cfg_conv_command(const char *s, char *detail, size_t len);
char *exl_cfg_conv_replacement(const char *s, char *detail, size_t len);

/* "/a//b/./c/" -> "/a/b/c" (abs must start with '/'; ".." is kept).
 * Newly allocated, NULL when out of memory. */
char *exl_cfg_normalize(const char *abs);

/* Does path have a ".." component? */
int exl_cfg_has_dotdot(const char *path);

/* Check that a sanitize replacement only refers to groups the pattern
 * has (\1..\9).  Returns 0, or -1 with detail. */
int exl_cfg_check_backrefs(const char *pattern, const char *replacement,
			   char *detail, size_t len);

#endif
