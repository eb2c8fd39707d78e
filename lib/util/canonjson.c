/* canonjson.c - canonical JSON for signatures (see canonjson.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/canonjson.h"
#include "util/jsonfile.h"
#include "util/strbuf.h"

int exl_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;	/* continuation byte, overlong lead, > U+10FFFF */
		}
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* put_string: a JSON string literal with the minimal escapes. */
static int put_string(struct exl_sb *b, const char *s, size_t len,
		      struct exl_err *err)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	if (!exl_utf8_valid(s, len))
		return exl_errf(err, "canonical JSON: string is not valid UTF-8");
	exl_sb_printf(b, "\"");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\') {
			run++;
			continue;
		}
		if (run)
			exl_sb_printf(b, "%.*s", (int)run, s + i - run);
		run = 0;
		switch (c) {
		case '"': strcpy(esc, "\\\""); break;
		case '\\': strcpy(esc, "\\\\"); break;
		case '\b': strcpy(esc, "\\b"); break;
		case '\f': strcpy(esc, "\\f"); break;
		case '\n': strcpy(esc, "\\n"); break;
		case '\r': strcpy(esc, "\\r"); break;
		case '\t': strcpy(esc, "\\t"); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			esc[6] = '\0';
		}
		exl_sb_printf(b, "%s", esc);
	}
	if (run)
		exl_sb_printf(b, "%.*s", (int)run, s + len - run);
	exl_sb_printf(b, "\"");
	return 0;
}

static int cmp_keys(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(x, y);	/* strcmp compares as unsigned char: memcmp order */
}

static int put_value(struct exl_sb *b, json_object *o, const char *skip,
		     int depth, struct exl_err *err);

/* put_object: members in key order, skip (top level only) left out. */
static int put_object(struct exl_sb *b, json_object *o, const char *skip,
		      int depth, struct exl_err *err)
{
	size_t n = 0, i, k = 0;
	const char **keys;
	int rc = 0;

	json_object_object_foreach(o, key0, val0) {
		(void)key0;
		(void)val0;
		n++;
	}
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return exl_errnof(err, ENOMEM, "canonical JSON");
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (!skip || strcmp(key, skip) != 0)
			keys[k++] = key;
	}
	qsort(keys, k, sizeof(*keys), cmp_keys);
	exl_sb_printf(b, "{");
	for (i = 0; i < k && rc == 0; i++) {
		if (i)
			exl_sb_printf(b, ",");
		rc = put_string(b, keys[i], strlen(keys[i]), err);
		exl_sb_printf(b, ":");
		if (rc == 0)
			rc = put_value(b, json_object_object_get(o, keys[i]),
				       NULL, depth + 1, err);
	}
	exl_sb_printf(b, "}");
	free(keys);
	return rc;
}

static int put_value(struct exl_sb *b, json_object *o, const char *skip,
		     int depth, struct exl_err *err)
{
	size_t i, n;

	if (depth > EXL_JSON_MAX_DEPTH)
		return exl_errf(err, "canonical JSON: nested deeper than %d",
				EXL_JSON_MAX_DEPTH);
	switch (json_object_get_type(o)) {
	case json_type_null:
		exl_sb_printf(b, "null");
		return 0;
	case json_type_boolean:
		exl_sb_printf(b, json_object_get_boolean(o) ? "true" : "false");
		return 0;
	case json_type_int:
		if (json_object_get_int64(o) == INT64_MAX &&
		    json_object_get_uint64(o) > (uint64_t)INT64_MAX)
			exl_sb_printf(b, "%llu", (unsigned long long)
				      json_object_get_uint64(o));
		else
			exl_sb_printf(b, "%lld", (long long)
				      json_object_get_int64(o));
		return 0;
	case json_type_double:
		return exl_errf(err, "canonical JSON: floating-point numbers are not allowed");
	case json_type_string:
		return put_string(b, json_object_get_string(o),
				  (size_t)json_object_get_string_len(o), err);
	case json_type_array:
		n = json_object_array_length(o);
		exl_sb_printf(b, "[");
		for (i = 0; i < n; i++) {
			if (i)
				exl_sb_printf(b, ",");
			if (put_value(b, json_object_array_get_idx(o, i), NULL,
				      depth + 1, err) < 0)
				return -1;
		}
		exl_sb_printf(b, "]");
		return 0;
	case json_type_object:
		return put_object(b, o, skip, depth, err);
	}
	return exl_errf(err, "canonical JSON: unknown value type");
}

char *exl_canon_json(json_object *obj, const char *skip_key, size_t *lenp,
		     struct exl_err *err)
{
	struct exl_sb b = { 0 };
	char *out;

	if (put_value(&b, obj, skip_key, 0, err) < 0) {
		exl_sb_free(&b);
		return NULL;
	}
	out = exl_sb_take(&b, lenp);
	if (!out)
		exl_errnof(err, ENOMEM, "canonical JSON");
	return out;
}
