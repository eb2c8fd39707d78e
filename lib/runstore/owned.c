/* owned.c - tool-owned keyed lines that respect human edits (owned.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/owned.h"

int exl_owned_placeholder(const char *v)
{
	return !v || !*v || strncmp(v, "_(", 2) == 0 || strcmp(v, "n/a") == 0 ||
	       strncmp(v, "pending", 7) == 0;
}

/* norm_eq: equal as exl_doc_get_key reads values. */
static int norm_eq(const char *a, const char *b)
{
	size_t la, lb;

	a = exl_doc_value_trim(a, &la);
	b = exl_doc_value_trim(b, &lb);
	return la == lb && memcmp(a, b, la) == 0;
}

/* owned_path: "scope/key", the owned map's key; NULL: no memory. */
static char *owned_path(const char *scope, const char *key)
{
	char *path;

	return asprintf(&path, "%s/%s", scope, key) < 0 ? NULL : path;
}

const char *exl_owned_get(const struct exl_rr_map *owned, const char *scope,
			  const char *key)
{
	char *path = owned ? owned_path(scope, key) : NULL;
	const char *v = path ? exl_rr_map_get(owned, path) : NULL;

	free(path);
	return v;
}

int exl_owned_remember(struct exl_rr_map *owned, const char *scope,
		       const char *key, const char *value)
{
	char *path = owned_path(scope, key);
	int rc = path ? exl_rr_map_set(owned, path, value) : -1;

	free(path);
	return rc;
}

int exl_owned_set(struct exl_doc *d, size_t sec, const char *scope,
		  const char *key, const char *value, struct exl_rr_map *owned)
{
	char *cur = exl_doc_get_key(d, sec, key);
	const char *prev = exl_owned_get(owned, scope, key);
	int keep;

	keep = cur && !exl_owned_placeholder(cur) &&
	       !(prev && norm_eq(cur, prev)) && !norm_eq(cur, value);
	free(cur);
	if (keep)
		return 1;
	if (exl_doc_set_key(d, sec, key, value) < 0)
		return -1;
	if (owned && exl_owned_remember(owned, scope, key, value) < 0)
		return -1;
	return 0;
}
