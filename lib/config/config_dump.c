/* config_dump.c - the merged configuration as YAML (see config.h).
 *
 * Written from the key table, so every key shows up, in the order of
 * exp-log.yaml(5).  Text is single-quoted (a quote doubled), which keeps
 * backslashes in patterns literal, so the output loads back unchanged.
 */
#include <stdlib.h>

#include "config/config_impl.h"
#include "util/strbuf.h"

static void put_text(struct exl_sb *b, const char *s)
{
	const char *p;

	if (!s) {
		exl_sb_printf(b, "~");
		return;
	}
	exl_sb_printf(b, "'");
	for (p = s; *p; p++)
		exl_sb_printf(b, *p == '\'' ? "''" : "%c", *p);
	exl_sb_printf(b, "'");
}

/* put_key: "KEY:" at indent, or "- KEY:" for the first key of a list
 * item (*dash set). */
static void put_key(struct exl_sb *b, int indent, const char *name,
		    int *dash)
{
	if (*dash)
		exl_sb_printf(b, "%*s- %s:", indent - 2, "", name);
	else
		exl_sb_printf(b, "%*s%s:", indent, "", name);
	*dash = 0;
}

static void dump_table(struct exl_sb *b, const struct exl_cfg_key *table,
		       const void *base, int indent, int dash);

static void dump_list(struct exl_sb *b, const struct exl_cfg_key *k,
		      const void *base, int indent)
{
	const void *items = *EXL_CFG_FIELD(base, k->off, void *const);
	size_t i, n = *EXL_CFG_FIELD(base, k->noff, const size_t);
	const struct exl_env_capture *env = items;
	const struct exl_sanitize_rule *rules = items;
	char *const *strs = items;

	if (n == 0) {
		exl_sb_printf(b, k->kind == EXL_CFG_ENV_MAP ? " {}\n" : " []\n");
		return;
	}
	exl_sb_printf(b, "\n");
	for (i = 0; i < n; i++) {
		switch (k->kind) {
		case EXL_CFG_ENV_MAP:
			exl_sb_printf(b, "%*s", indent + 2, "");
			put_text(b, env[i].name);
			exl_sb_printf(b, ": ");
			put_text(b, env[i].command);
			exl_sb_printf(b, "\n");
			break;
		case EXL_CFG_RULE_LIST:
			dump_table(b, k->sub, &rules[i], indent + 4, 1);
			break;
		default:
			exl_sb_printf(b, "%*s- ", indent + 2, "");
			put_text(b, strs[i]);
			exl_sb_printf(b, "\n");
			break;
		}
	}
}

static void dump_table(struct exl_sb *b, const struct exl_cfg_key *table,
		       const void *base, int indent, int dash)
{
	const struct exl_cfg_key *k;
	double money;
	int v;

	for (k = table; k->name; k++) {
		put_key(b, indent, k->name, &dash);
		switch (k->kind) {
		case EXL_CFG_SECTION:
			exl_sb_printf(b, "\n");
			dump_table(b, k->sub, base, indent + 2, 0);
			continue;
		case EXL_CFG_TEXT:
			exl_sb_printf(b, " ");
			put_text(b, *EXL_CFG_FIELD(base, k->off, char *const));
			break;
		case EXL_CFG_DURATION:
		case EXL_CFG_COUNT:
			v = *EXL_CFG_FIELD(base, k->off, const int);
			if (v == 0 && (k->flags & EXL_CFG_OFF_OK))
				exl_sb_printf(b, " off");
			else
				exl_sb_printf(b, " %d", v);
			break;
		case EXL_CFG_BOOL:
			v = *EXL_CFG_FIELD(base, k->off, const int);
			exl_sb_printf(b, " %s", v ? "true" : "false");
			break;
		case EXL_CFG_SIZE:
			exl_sb_printf(b, " %lld",
				      *EXL_CFG_FIELD(base, k->off, const long long));
			break;
		case EXL_CFG_MONEY:
			money = *EXL_CFG_FIELD(base, k->off, const double);
			if (money < 0)
				exl_sb_printf(b, " ~");
			else
				exl_sb_printf(b, " %.15g", money);
			break;
		default:
			dump_list(b, k, base, indent);
			continue;
		}
		exl_sb_printf(b, "\n");
	}
}

char *exl_config_dump(const struct exl_config *c)
{
	struct exl_sb b = { 0 };

	exl_sb_printf(&b, "# exp-log configuration: defaults, site file, user file\n");
	dump_table(&b, exl_cfg_schema, c, 0, 0);
	return exl_sb_take(&b, NULL);
}
