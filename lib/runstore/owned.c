/* owned.c - tool-owned keyed lines that respect human edits (owned.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonfile.h"
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

int exl_owned_set(struct exl_doc *d, size_t sec, const char *scope,
		  const char *key, const char *value, json_object *owned)
{
	char *cur = exl_doc_get_key(d, sec, key), *path;
	const char *prev;
	int keep;

	if (asprintf(&path, "%s/%s", scope, key) < 0) {
		free(cur);
		return -1;
	}
	prev = exl_json_str(owned, path);
	keep = cur && !exl_owned_placeholder(cur) &&
	       !(prev && norm_eq(cur, prev)) && !norm_eq(cur, value);
	free(cur);
	if (keep) {
		free(path);
		return 1;
	}
	if (exl_doc_set_key(d, sec, key, value) < 0) {
		free(path);
		return -1;
	}
	if (owned)
		exl_json_set_str(owned, path, value);
	free(path);
	return 0;
}
