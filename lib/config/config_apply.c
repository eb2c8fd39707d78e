/* config_apply.c - apply a parsed exp-log.yaml to a struct exl_config.
 *
 * Walks the document alongside the key table (config_schema.c).  A value
 * is checked completely before it replaces the old one, so a bad value
 * leaves the earlier (site or default) value in place.  Every problem is
 * reported with the file, the line of the offending node and the dotted
 * key path, and the walk goes on with the next key.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_impl.h"

#define PATH_LEN 160	/* dotted key path in messages */
#define SHOW_LEN 64	/* quoted value in messages */
#define DETAIL_LEN 256
#define COST_MAX 1e6

static void walk_map(struct exl_cfg_load *l, const struct exl_cfg_key *table,
		     const struct exl_yaml_node *map, const char *path,
		     void *base);

/* describe: a value as "'text'", "a list", "a mapping" or "nothing". */
static const char *describe(const struct exl_yaml_node *v, char *buf,
			    size_t len)
{
	char shown[SHOW_LEN];

	if (exl_yaml_is_null(v))
		return "nothing";
	if (v->kind == EXL_YAML_SEQ)
		return "a list";
	if (v->kind == EXL_YAML_MAP)
		return "a mapping";
	snprintf(buf, len, "'%s'",
		 exl_yaml_printable(v->text, shown, sizeof(shown)));
	return buf;
}

static void expected(struct exl_cfg_load *l, const char *what,
		     const struct exl_yaml_node *v, const char *path,
		     const char *detail)
{
	char got[SHOW_LEN + 8];

	exl_cfg_problem(l, v ? v->line : 0, path, "expected %s, got %s%s%s",
			what, describe(v, got, sizeof(got)),
			detail && *detail ? ": " : "", detail ? detail : "");
}

/* set_path: out (PATH_LEN bytes) = the formatted key path, cut to fit. */
static void __attribute__((format(printf, 2, 3)))
set_path(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, PATH_LEN, fmt, ap);
	va_end(ap);
}

static void sub_path(char *out, const char *path, const char *key)
{
	char shown[48];

	set_path(out, "%s%s%s", path, *path ? "." : "",
		 exl_yaml_printable(key, shown, sizeof(shown)));
}

/* earlier_key: the key node of an earlier pair with the same key. */
static const struct exl_yaml_node *
earlier_key(const struct exl_yaml_node *map, size_t pair)
{
	size_t j;

	for (j = 0; j < pair; j++)
		if (strcmp(map->kids[2 * j]->text,
			   map->kids[2 * pair]->text) == 0)
			return map->kids[2 * j];
	return NULL;
}

/* Duration limits read best in the largest unit that divides them. */
static void fmt_duration(long long s, char *buf, size_t len)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "%lldd", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lldh", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, len, "%lldm", s / 60);
	else
		snprintf(buf, len, "%llds", s);
}

static int parse_count(const char *s, long long *n)
{
	size_t len = strlen(s);

	if (len == 0 || len > 12 || strspn(s, "0123456789") != len)
		return -1;
	*n = strtoll(s, NULL, 10);
	return 0;
}

static int parse_money(const char *s, double *d)
{
	char *end;

	if (!strchr("0123456789.", s[0]))
		return -1;
	errno = 0;
	*d = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(*d) || *d > COST_MAX)
		return -1;
	return 0;
}

/* parse_number: the numeric kinds into *n (or *d for money).  Returns 0,
 * or -1 with detail set when the value is well-formed but out of range. */
static int parse_number(const struct exl_cfg_key *k, const char *s,
			long long *n, double *d, char *detail, size_t len)
{
	char lo[32], hi[32];
	int b;

	detail[0] = '\0';
	switch (k->kind) {
	case EXL_CFG_DURATION:
		if ((k->flags & EXL_CFG_OFF_OK) && strcasecmp(s, "off") == 0) {
			*n = 0;
			return 0;
		}
		if (exl_config_parse_duration(s, n) < 0)
			return -1;
		if (*n >= k->min && *n <= k->max)
			return 0;
		fmt_duration(k->min, lo, sizeof(lo));
		fmt_duration(k->max, hi, sizeof(hi));
		snprintf(detail, len, "must be between %s and %s", lo, hi);
		return -1;
	case EXL_CFG_BOOL:
		if (exl_config_parse_bool(s, &b) < 0)
			return -1;
		*n = b;
		return 0;
	case EXL_CFG_MONEY:
		return parse_money(s, d);
	case EXL_CFG_SIZE:
		if (exl_config_parse_size(s, n) < 0)
			return -1;
		break;
	default:
		if (parse_count(s, n) < 0)
			return -1;
		break;
	}
	if (*n >= k->min && *n <= k->max)
		return 0;
	if (k->max == LLONG_MAX)
		snprintf(detail, len, "must be at least %lld", k->min);
	else
		snprintf(detail, len, "must be between %lld and %lld", k->min,
			 k->max);
	return -1;
}

static void apply_scalar(struct exl_cfg_load *l, const struct exl_cfg_key *k,
			 const struct exl_yaml_node *v, const char *path,
			 void *base)
{
	char detail[DETAIL_LEN] = "";
	long long n = 0;
	double d = -1;
	char *s;

	if (exl_yaml_is_null(v) || v->kind != EXL_YAML_SCALAR) {
		if (!exl_yaml_is_null(v) || !(k->flags & EXL_CFG_NULLABLE))
			expected(l, k->what, v, path, NULL);
		else if (k->kind == EXL_CFG_MONEY)
			*EXL_CFG_FIELD(base, k->off, double) = -1;
		else
			exl_cfg_free_key(k, base);
		return;
	}
	if (k->kind == EXL_CFG_TEXT) {
		s = k->conv(v->text, detail, sizeof(detail));
		if (!s) {
			expected(l, k->what, v, path, detail);
		} else {
			exl_cfg_free_key(k, base);
			*EXL_CFG_FIELD(base, k->off, char *) = s;
		}
	} else if (parse_number(k, v->text, &n, &d, detail,
				sizeof(detail)) < 0) {
		expected(l, k->what, v, path, detail);
	} else if (k->kind == EXL_CFG_MONEY)
		*EXL_CFG_FIELD(base, k->off, double) = d;
	else if (k->kind == EXL_CFG_SIZE)
		*EXL_CFG_FIELD(base, k->off, long long) = n;
	else
		*EXL_CFG_FIELD(base, k->off, int) = (int)n;
}

/* conv_scalar: run conv on item v, or report why it is not usable. */
static char *conv_scalar(struct exl_cfg_load *l, exl_cfg_conv conv,
			 const char *what, const struct exl_yaml_node *v,
			 const char *path)
{
	char detail[DETAIL_LEN] = "";
	char *s = NULL;

	if (!exl_yaml_is_null(v) && v->kind == EXL_YAML_SCALAR)
		s = conv(v->text, detail, sizeof(detail));
	if (!s)
		expected(l, what, v, path, detail);
	return s;
}

/* new_items: room for the items of collection v (NULL when null). */
static void *new_items(struct exl_cfg_load *l, const struct exl_yaml_node *v,
		       size_t size, const char *path)
{
	size_t n = exl_yaml_is_null(v) ? 1 : v->nkids + 1;
	void *p = calloc(n, size);

	if (!p)
		exl_cfg_problem(l, v ? v->line : 0, path, "out of memory");
	return p;
}

/* put_items: replace the list at k with items (n of them). */
static void put_items(const struct exl_cfg_key *k, void *base, void *items,
		      size_t n)
{
	exl_cfg_free_key(k, base);
	*EXL_CFG_FIELD(base, k->off, void *) = items;
	*EXL_CFG_FIELD(base, k->noff, size_t) = n;
}

/* wrong_collection: v is neither null nor of the kind wanted. */
static int wrong_collection(struct exl_cfg_load *l, const struct exl_cfg_key *k,
			    const struct exl_yaml_node *v, const char *path,
			    enum exl_yaml_kind want)
{
	char what[DETAIL_LEN];

	if (exl_yaml_is_null(v) || v->kind == want)
		return 0;
	if (k->kind == EXL_CFG_ENV_MAP)
		snprintf(what, sizeof(what), "%s", k->what);
	else
		snprintf(what, sizeof(what), "a list, each item %s", k->what);
	expected(l, what, v, path, NULL);
	return 1;
}

/* Reads list item it into slot; returns 1 when it is kept. */
typedef int (*item_fn)(struct exl_cfg_load *l, const struct exl_cfg_key *k,
		       const struct exl_yaml_node *it, const char *ipath,
		       void *slot);

/* apply_seq: replace the list at k with the items of v that fn keeps
 * (each size bytes).  Returns the number kept. */
static size_t apply_seq(struct exl_cfg_load *l, const struct exl_cfg_key *k,
			const struct exl_yaml_node *v, const char *path,
			void *base, size_t size, item_fn fn)
{
	char ipath[PATH_LEN], *items;
	size_t i, n = 0;

	if (wrong_collection(l, k, v, path, EXL_YAML_SEQ))
		return 0;
	items = new_items(l, v, size, path);
	if (!items)
		return 0;
	for (i = 0; !exl_yaml_is_null(v) && i < v->nkids; i++) {
		set_path(ipath, "%s[%zu]", path, i);
		n += (size_t)fn(l, k, v->kids[i], ipath, items + n * size);
	}
	put_items(k, base, items, n);
	return n;
}

static int text_item(struct exl_cfg_load *l, const struct exl_cfg_key *k,
		     const struct exl_yaml_node *it, const char *ipath,
		     void *slot)
{
	char **s = slot;

	*s = conv_scalar(l, k->conv, k->what, it, ipath);
	return *s != NULL;
}

static void apply_list(struct exl_cfg_load *l, const struct exl_cfg_key *k,
		       const struct exl_yaml_node *v, const char *path,
		       void *base)
{
	apply_seq(l, k, v, path, base, sizeof(char *), text_item);
	/* given, even if no entry was valid: then nothing is allowed */
	if (k->flags & EXL_CFG_ROOTS)
		l->c->roots_restricted = !exl_yaml_is_null(v) &&
					 v->kind == EXL_YAML_SEQ &&
					 v->nkids > 0;
}

#define ENV_NAME_WHAT "a name of letters, digits, '.', '_' or '-'"
#define ENV_COMMAND_WHAT "a one-line shell command"

static void apply_env(struct exl_cfg_load *l, const struct exl_cfg_key *k,
		      const struct exl_yaml_node *v, const char *path,
		      void *base)
{
	char kpath[PATH_LEN];
	struct exl_env_capture *items;
	size_t i, n = 0;

	if (wrong_collection(l, k, v, path, EXL_YAML_MAP))
		return;
	items = new_items(l, v, sizeof(*items), path);
	if (!items)
		return;
	for (i = 0; !exl_yaml_is_null(v) && i < v->nkids / 2; i++) {
		const struct exl_yaml_node *key = v->kids[2 * i];
		const struct exl_yaml_node *cmd = v->kids[2 * i + 1];
		const struct exl_yaml_node *prev = earlier_key(v, i);

		sub_path(kpath, path, key->text);
		if (prev) {
			exl_cfg_problem(l, key->line, kpath, "duplicate name, ignored: the one at line %d applies",
					prev->line);
			continue;
		}
		items[n].name = conv_scalar(l, exl_cfg_conv_name, ENV_NAME_WHAT,
					    key, kpath);
		if (!items[n].name)
			continue;
		items[n].command = conv_scalar(l, exl_cfg_conv_command,
					       ENV_COMMAND_WHAT, cmd, kpath);
		if (items[n].command) {
			n++;
		} else {
			free(items[n].name);
			items[n].name = NULL;
		}
	}
	put_items(k, base, items, n);
}

/* has_key: does mapping m have the key name? */
static int has_key(const struct exl_yaml_node *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nkids / 2; i++)
		if (strcmp(m->kids[2 * i]->text, name) == 0)
			return 1;
	return 0;
}

/* check_rule: complete one sanitize rule read from item.  Returns 0 when
 * it is usable, -1 after reporting why not. */
static int check_rule(struct exl_cfg_load *l, struct exl_sanitize_rule *r,
		      const struct exl_yaml_node *item, const char *ipath)
{
	char detail[DETAIL_LEN], rpath[PATH_LEN];

	if (!r->pattern) {
		if (!has_key(item, "pattern"))
			exl_cfg_problem(l, item->line, ipath, "missing pattern: add pattern: REGEX");
		return -1;
	}
	if (!r->replacement && !(r->replacement = strdup(EXL_CFG_REDACTED))) {
		exl_cfg_problem(l, item->line, ipath, "out of memory");
		return -1;
	}
	if (exl_cfg_check_backrefs(r->pattern, r->replacement, detail,
				   sizeof(detail)) < 0) {
		sub_path(rpath, ipath, "replace");
		exl_cfg_problem(l, item->line, rpath, "%s", detail);
		return -1;
	}
	return 0;
}

static int rule_item(struct exl_cfg_load *l, const struct exl_cfg_key *k,
		     const struct exl_yaml_node *it, const char *ipath,
		     void *slot)
{
	struct exl_sanitize_rule *r = slot;
	const struct exl_cfg_key *sk;

	if (it->kind != EXL_YAML_MAP) {
		expected(l, k->what, it, ipath, NULL);
		return 0;
	}
	walk_map(l, k->sub, it, ipath, r);
	if (check_rule(l, r, it, ipath) == 0)
		return 1;
	for (sk = k->sub; sk->name; sk++)
		exl_cfg_free_key(sk, r);
	return 0;
}

static void apply_rules(struct exl_cfg_load *l, const struct exl_cfg_key *k,
			const struct exl_yaml_node *v, const char *path,
			void *base)
{
	apply_seq(l, k, v, path, base, sizeof(struct exl_sanitize_rule),
		  rule_item);
}

static void apply_key(struct exl_cfg_load *l, const struct exl_cfg_key *k,
		      const struct exl_yaml_node *key,
		      const struct exl_yaml_node *v, const char *path,
		      void *base)
{
	if ((k->flags & EXL_CFG_SITE_ONLY) && !l->site) {
		exl_cfg_problem(l, key->line, path, "site-only key, ignored: only the site file may set it");
		return;
	}
	switch (k->kind) {
	case EXL_CFG_SECTION:
		if (exl_yaml_is_null(v))
			break;
		if (v->kind != EXL_YAML_MAP)
			expected(l, "a mapping of keys (see exp-log.yaml(5))", v,
				 path, NULL);
		else
			walk_map(l, k->sub, v, path, base);
		break;
	case EXL_CFG_TEXT_LIST:
		apply_list(l, k, v, path, base);
		break;
	case EXL_CFG_ENV_MAP:
		apply_env(l, k, v, path, base);
		break;
	case EXL_CFG_RULE_LIST:
		apply_rules(l, k, v, path, base);
		break;
	default:
		apply_scalar(l, k, v, path, base);
		break;
	}
}

static void walk_map(struct exl_cfg_load *l, const struct exl_cfg_key *table,
		     const struct exl_yaml_node *map, const char *path,
		     void *base)
{
	const struct exl_cfg_key *k;
	const struct exl_yaml_node *prev;
	char kpath[PATH_LEN];
	size_t i;

	for (i = 0; i < map->nkids / 2; i++) {
		const struct exl_yaml_node *key = map->kids[2 * i];

		sub_path(kpath, path, key->text);
		prev = earlier_key(map, i);
		if (prev) {
			exl_cfg_problem(l, key->line, kpath, "duplicate key, ignored: the one at line %d applies",
					prev->line);
			continue;
		}
		for (k = table; k->name; k++)
			if (strcmp(k->name, key->text) == 0)
				break;
		if (!k->name) {
			exl_cfg_problem(l, key->line, kpath, "unknown key: see exp-log.yaml(5)");
			continue;
		}
		apply_key(l, k, key, map->kids[2 * i + 1], kpath, base);
	}
}

void exl_cfg_apply(struct exl_cfg_load *l, const struct exl_yaml_node *root)
{
	char got[SHOW_LEN + 8];

	if (exl_yaml_is_null(root))
		return;
	if (root->kind != EXL_YAML_MAP) {
		exl_cfg_problem(l, root->line, "", "expected a mapping of keys at the top level (see exp-log.yaml(5)), got %s",
				describe(root, got, sizeof(got)));
		return;
	}
	walk_map(l, exl_cfg_schema, root, "", l->c);
}
