/* Unit tests: canonical JSON (signature input) and UTF-8 validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/canonjson.h"
#include "util/jsonfile.h"
#include "tap.h"

/* canon: canonical form of JSON text, or "ERROR: ..." */
static char *canon(const char *json, const char *skip)
{
	static char out[4096];
	struct exl_err err;
	json_object *o = exl_json_parse(json, strlen(json), "test", &err);
	char *c;

	if (!o) {
		snprintf(out, sizeof(out), "PARSE: %s", err.text);
		return out;
	}
	c = exl_canon_json(o, skip, NULL, &err);
	snprintf(out, sizeof(out), "%s", c ? c : "ERROR");
	if (!c)
		diag("%s", err.text);
	free(c);
	json_object_put(o);
	return out;
}

static void utf8_table(void)
{
	static const struct { const char *s; int valid; } t[] = {
		{ "", 1 }, { "abc", 1 }, { "\xc3\xa9", 1 },
		{ "\xe2\x82\xac", 1 }, { "\xf0\x9d\x84\x9e", 1 },
		{ "\xc0\xaf", 0 },		/* overlong '/' */
		{ "\xe0\x80\xaf", 0 },		/* overlong, 3 bytes */
		{ "\xed\xa0\x80", 0 },		/* surrogate */
		{ "\xf4\x90\x80\x80", 0 },	/* above U+10FFFF */
		{ "\x80", 0 }, { "\xe2\x82", 0 }, { "a\xff", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(exl_utf8_valid(t[i].s, strlen(t[i].s)), t[i].valid,
		       "utf8 case %zu", i);
}

/* jq_agrees: "jq -cjS ." prints the same bytes (when jq is installed). */
static void jq_agrees(const char *json)
{
	char path[] = "/tmp/exl-canon-XXXXXX", cmd[256], got[4096];
	size_t n;
	FILE *f;
	int fd;

	if (system("command -v jq >/dev/null 2>&1") != 0) {
		ok(1, "jq agrees # SKIP jq not installed");
		return;
	}
	fd = mkstemp(path);
	if (fd < 0 || write(fd, json, strlen(json)) != (ssize_t)strlen(json)) {
		ok(0, "jq agrees: temp file");
		return;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "jq -cjS . %s", path);
	f = popen(cmd, "r");
	n = f ? fread(got, 1, sizeof(got) - 1, f) : 0;
	got[n] = '\0';
	if (f)
		pclose(f);
	unlink(path);
	is_str(got, canon(json, NULL), "jq -cjS prints the canonical bytes");
}

int main(void)
{
	const char *doc = "{\"weights\":[{\"size\":10,\"path\":\"a \\\"b\\\"\\\\c\"}],"
			  "\"verdict_reason\":\"line1\\nline2\\t\\u0001\\u007f/\\u00e9\","
			  "\"B\":null,\"a\":true,\"ab\":false,\"\\u00e9\":-42}";
	char deep[200];
	int i;

	is_str(canon("{\"b\":1,\"a\":[true,false,null],\"c\":{\"z\":\"x\",\"y\":\"\"}}", NULL),
	       "{\"a\":[true,false,null],\"b\":1,\"c\":{\"y\":\"\",\"z\":\"x\"}}",
	       "keys sorted at every level, no whitespace");
	is_str(canon("{ \"k\" : \"q\\\"b\\\\\\n\\t\\u0001\\u007f/\\u00e9\\b\\f\\r\" }", NULL),
	       "{\"k\":\"q\\\"b\\\\\\n\\t\\u0001\\u007f/\xc3\xa9\\b\\f\\r\"}",
	       "minimal escapes, UTF-8 and '/' written as is");
	is_str(canon("{\"a\":1,\"B\":2,\"ab\":3,\"\\u00e9\":4}", NULL),
	       "{\"B\":2,\"a\":1,\"ab\":3,\"\xc3\xa9\":4}",
	       "byte order: upper before lower, prefix first, UTF-8 last");
	is_str(canon("{\"signature\":{\"v\":1},\"x\":{\"signature\":2}}", "signature"),
	       "{\"x\":{\"signature\":2}}", "skip key only at the top level");
	is_str(canon("{\"n\":-9223372036854775808,\"m\":18446744073709551615,\"z\":0}", NULL),
	       "{\"m\":18446744073709551615,\"n\":-9223372036854775808,\"z\":0}",
	       "64-bit integers exactly");
	is_str(canon("{\"a\":1.5}", NULL), "ERROR", "doubles refused");
	is_str(canon("{\"a\":\"\xff\"}", NULL), "ERROR", "invalid UTF-8 refused");
	is_str(canon("{\"a\":\"x\\u0000y\"}", NULL), "{\"a\":\"x\\u0000y\"}",
	       "embedded NUL kept and escaped");
	strcpy(deep, "{\"a\":");
	for (i = 0; i < 30; i++)
		strcat(deep, "[");
	strcat(deep, "1");
	for (i = 0; i < 30; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	ok(strncmp(canon(deep, NULL), "{\"a\":[[[", 8) == 0,
	   "nesting up to the limit is fine");
	{
		json_object *top = json_object_new_array(), *cur = top;
		struct exl_err err;
		char *c;

		for (i = 0; i < 40; i++) {
			json_object *next = json_object_new_array();

			json_object_array_add(cur, next);
			cur = next;
		}
		c = exl_canon_json(top, NULL, NULL, &err);
		ok(!c && strstr(err.text, "deeper"), "nesting bomb refused");
		free(c);
		json_object_put(top);
	}
	utf8_table();
	jq_agrees(doc);
	return done_testing();
}
