/* sanitize.h - taking the cluster out of a run log before it is
 * published (TRAINING_LOG.md): job ids, node names, home/scratch and
 * other absolute paths, W&B run ids; training dynamics, config and W&B
 * URLs (https://wandb.ai/...) stay.
 *
 * A sanitizer is an ordered list of rules applied line by line: rules
 * the site gives (a "regex<TAB>replacement" file now; the YAML config
 * later feeds the same list), then the built-in ones.  W&B URLs are
 * copied untouched around the rules.  Replacements are plain bracketed
 * words ("[job-id]", "[node]") that render in markdown.
 */
#ifndef EXL_SANITIZE_H
#define EXL_SANITIZE_H

#include <stddef.h>

#include "util/bounded_regex.h"
#include "util/exl_err.h"

enum exl_san_kind {
	EXL_SAN_REGEX,		/* util/bounded_regex.h; replacement may
				 * use \0-\9 */
	EXL_SAN_WORD,		/* a literal at word boundaries */
	EXL_SAN_PATHS,		/* absolute paths (see exl_san_add_paths) */
};

struct exl_san_rule {
	enum exl_san_kind kind;
	struct exl_regex *re;	/* EXL_SAN_REGEX only */
	char *word;
	char *repl;
	char *what;		/* where the rule came from, for messages */
};

struct exl_sanitizer {
	struct exl_san_rule *v;
	size_t n, cap;
	char *submit_dir;	/* paths below it become relative */
};

/* Compile and append a regex rule (icase: ignore case). */
int exl_san_add_regex(struct exl_sanitizer *s, const char *re,
		      const char *repl, int icase, const char *what,
		      struct exl_err *err);

/* Append a literal rule: word is replaced where it is not part of a
 * longer word (letters, digits, '_'; a '.' before it also counts, so a
 * number is never cut out of a decimal). */
int exl_san_add_word(struct exl_sanitizer *s, const char *word,
		     const char *repl, const char *what, struct exl_err *err);

/* Append the path rule: an absolute path below submit_dir (may be NULL)
 * becomes relative to it, /home/<user>/x becomes ~/x, /scratch/.../f
 * becomes [scratch]/f, /tmp/.../f [tmp]/f, any other absolute path
 * [cluster]/f. */
int exl_san_add_paths(struct exl_sanitizer *s, const char *submit_dir,
		      struct exl_err *err);

/* Load "regex<TAB>replacement" lines (# comments and blank lines
 * skipped) from path. */
int exl_san_load_rules(struct exl_sanitizer *s, const char *path,
		       struct exl_err *err);

/* Append the built-in rules for the run log text: paths, execution_id
 * values, "job N" mentions, slurm-N.out names, the log's own job ids
 * (five digits or more) and node names (nodes:/node: values expanded,
 * the hosts of "started: ... on HOST" lines), W&B offline-run dirs,
 * run-<id>.wandb files and wandb_id values, and node_pattern (may be
 * NULL) as a regex for node names. */
int exl_san_add_builtins(struct exl_sanitizer *s, const char *text,
			 const char *submit_dir, const char *node_pattern,
			 struct exl_err *err);

/* The sanitized text (malloc'd), or NULL with err set. */
char *exl_san_apply(const struct exl_sanitizer *s, const char *text,
		    struct exl_err *err);

void exl_san_free(struct exl_sanitizer *s);

#endif
