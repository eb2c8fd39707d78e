/* config_fields.c - the bookkeeping of one load, shared by config.c and
 * config_apply.c: problems recorded as "FILE:LINE: KEY: message", and
 * freeing what a table key owns (see config_impl.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"

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
