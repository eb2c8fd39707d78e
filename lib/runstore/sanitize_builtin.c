/* sanitize_builtin.c - the built-in publishing rules, gathered from the
 * run log itself: its job ids, node names and W&B run ids (see
 * sanitize.h, exl_san_add_builtins). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hostlist.h"
#include "runstore/sanitize.h"

#define JOB "[job-id]"
#define NODE "[node]"
#define WANDB "[wandb-id]"

/* Most node names one nodes: line may expand to. */
#define MAX_NODES 4096

static const struct {
	const char *re;
	const char *repl;
	int icase;
} fixed[] = {
	{ "(execution_id:).*", "\\1 " JOB, 0 },
	{ "(^|[^[:alnum:]])(job[ _-]?(id)?[[:space:]:=#]*)[0-9]+(_[0-9]+)?",
	  "\\1\\2" JOB, 1 },
	{ "slurm-[0-9]+(_[0-9]+)?", "slurm-" JOB, 0 },
	{ "offline-run-[0-9]{8}_[0-9]{6}-[[:alnum:]]+", "offline-run-" WANDB, 0 },
	{ "run-[[:alnum:]]+\\.wandb", "run-" WANDB ".wandb", 0 },
	{ "(wandb_id(\\.txt)?[`'\"]?[[:space:]:=]+[`'\"]?)[[:alnum:]]+",
	  "\\1" WANDB, 0 },
};

/* value_of: "- KEY: value" on line -> value start, else NULL. */
static const char *value_of(const char *line, const char *key)
{
	size_t kl = strlen(key);

	while (*line == ' ')
		line++;
	if ((line[0] != '-' && line[0] != '*') || line[1] != ' ' ||
	    strncmp(line + 2, key, kl) != 0 || line[2 + kl] != ':')
		return NULL;
	line += 3 + kl;
	while (*line == ' ' || *line == '`')
		line++;
	return line;
}

/* token: the first word of v (up to a space, '`' or '('), copied. */
static void token(const char *v, size_t ll, char *out, size_t len)
{
	size_t n = strcspn(v, " `(\n");

	if (n > ll)
		n = ll;
	snprintf(out, len, "%.*s", (int)n, v);
}

static int add_nodes(struct exl_sanitizer *s, const char *expr,
		     struct exl_err *err)
{
	char **names;
	size_t n, i;
	int rc = 0;

	if (strchr(expr, '[') &&
	    exl_san_add_word(s, expr, NODE, "built-in: node list", err) < 0)
		return -1;
	if (exl_hostlist_expand(expr, MAX_NODES, &names, &n) < 0)
		return 0;	/* not a host list: the literal rule stays */
	for (i = 0; rc == 0 && i < n; i++)
		rc = exl_san_add_word(s, names[i], NODE, "built-in: node names", err);
	exl_hostlist_free(names, n);
	return rc;
}

/* started_host: the HOST of "started: job N on HOST (...)". */
static int started_host(const char *line, size_t ll, char *out, size_t len)
{
	const char *s = strstr(line, "started:"), *on;

	if (!s || (size_t)(s - line) > ll)
		return 0;
	on = strstr(s, " on ");
	if (!on || (size_t)(on - line) > ll)
		return 0;
	token(on + 4, ll - (size_t)(on + 4 - line), out, len);
	return out[0] != '\0';
}

/* wandb_ids: ids in offline-run dirs, run-<id>.wandb and wandb_id values
 * become literal rules, so they vanish wherever else they appear. */
static int wandb_ids(struct exl_sanitizer *s, const char *text,
		     struct exl_err *err)
{
	static const char *const res[] = {
		"offline-run-[0-9]{8}_[0-9]{6}-([[:alnum:]]+)",
		"run-([[:alnum:]]+)\\.wandb",
		"wandb_id(\\.txt)?[`'\"]?[[:space:]:=]+[`'\"]?([[:alnum:]]+)",
	};
	static const int group[] = { 1, 1, 2 };
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(res) / sizeof(res[0]); i++) {
		struct exl_regex_span m[3];
		struct exl_regex *re;
		const char *p = text, *end = text + strlen(text);
		char why[160];
		int found;

		re = exl_regex_compile(res[i], 0, why, sizeof(why));
		if (!re)
			return exl_errf(err, "built-in: W&B ids: bad regex: %s",
					why);
		while (rc == 0 && p < end &&
		       (found = exl_regex_match(re, p, (size_t)(end - p), 0, m,
						3)) != 0) {
			const struct exl_regex_span *g = &m[group[i]];
			char id[128];

			if (found < 0) {
				rc = exl_errf(err, "built-in: W&B ids: the "
					      "regex gave up (PCRE2 match "
					      "limit)");
				break;
			}
			if (g->eo - g->so >= 4 &&
			    g->eo - g->so < (long)sizeof(id)) {
				snprintf(id, sizeof(id), "%.*s",
					 (int)(g->eo - g->so), p + g->so);
				rc = exl_san_add_word(s, id, WANDB,
						      "built-in: W&B ids", err);
			}
			p += m[0].eo > 0 ? m[0].eo : 1;
		}
		exl_regex_free(re);
	}
	return rc;
}

/* log_words: job ids, nodes and hosts named in the run log. */
static int log_words(struct exl_sanitizer *s, const char *text,
		     struct exl_err *err)
{
	const char *line = text;
	int rc = 0;

	while (rc == 0 && *line) {
		size_t ll = strcspn(line, "\n");
		const char *v;
		char tok[1024];

		if ((v = value_of(line, "execution_id"))) {
			token(v, ll - (size_t)(v - line), tok, sizeof(tok));
			/* short ids would hit step counts: "job N" rules
			 * cover them in context */
			if (strspn(tok, "0123456789_") == strlen(tok) &&
			    strlen(tok) >= 5)
				rc = exl_san_add_word(s, tok, JOB,
						      "built-in: job ids", err);
		} else if ((v = value_of(line, "nodes")) ||
			   (v = value_of(line, "node"))) {
			token(v, ll - (size_t)(v - line), tok, sizeof(tok));
			if (tok[0])
				rc = add_nodes(s, tok, err);
		} else if (started_host(line, ll, tok, sizeof(tok))) {
			rc = add_nodes(s, tok, err);
		}
		line += ll + (line[ll] == '\n');
	}
	return rc;
}

int exl_san_add_builtins(struct exl_sanitizer *s, const char *text,
			 const char *submit_dir, const char *node_pattern,
			 struct exl_err *err)
{
	size_t i;

	if (exl_san_add_paths(s, submit_dir, err) < 0)
		return -1;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (exl_san_add_regex(s, fixed[i].re, fixed[i].repl,
				      fixed[i].icase, "built-in", err) < 0)
			return -1;
	if (wandb_ids(s, text, err) < 0 || log_words(s, text, err) < 0)
		return -1;
	if (node_pattern && exl_san_add_regex(s, node_pattern, NODE, 0,
					      "--node-pattern", err) < 0)
		return -1;
	return 0;
}
