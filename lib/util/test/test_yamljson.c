/* Unit tests: YAML contracts to JSON, and errors that name file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/yamljson.h"

/* conv: JSON text of a YAML document, or the error message. */
static const char *conv(const char *yaml)
{
	static char out[2048];
	struct exl_err err;
	json_object *o = exl_yaml_json_parse(yaml, strlen(yaml), "c.yaml", &err);

	if (!o) {
		snprintf(out, sizeof(out), "%s", err.text);
		return out;
	}
	snprintf(out, sizeof(out), "%s", json_object_to_json_string_ext(o,
		 JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

int main(void)
{
	static const char contract[] =
		"# the feeding contract\n"
		"inputs:\n"
		"  image: {shape: [3, 224, 224], dtype: float32}\n"
		"  state:\n"
		"    shape: [14]\n"
		"normalization:\n"
		"  file: assets/norm_stats.json\n"
		"  mean: [0.5, -1.25e-3]\n"
		"labels: ~\n"
		"enabled: true\n"
		"quoted: \"123\"\n"
		"version: 2\n"
		"big: 123456789012345678901234567890\n"
		"loose: 1.\n"
		"text: |\n"
		"  two\n"
		"  lines\n";
	char deep[256];
	struct exl_err err;
	int i;

	is_str(conv(contract),
	       "{\"inputs\":{\"image\":{\"shape\":[3,224,224],\"dtype\":\"float32\"},"
	       "\"state\":{\"shape\":[14]}},\"normalization\":{\"file\":"
	       "\"assets/norm_stats.json\",\"mean\":[0.5,-1.25e-3]},\"labels\":null,"
	       "\"enabled\":true,\"quoted\":\"123\",\"version\":2,"
	       "\"big\":123456789012345678901234567890,\"loose\":\"1.\","
	       "\"text\":\"two\\nlines\\n\"}",
	       "contract converted, numbers kept as written, order kept");
	is_str(conv("a: 1\nb: [1, 2\nc: 3\n"),
	       "c.yaml:3:2: did not find expected ',' or ']' (while parsing a flow sequence, line 2)",
	       "syntax error names file, line and column");
	is_str(conv("a: 1\nb: 2\na: 3\n"), "c.yaml:3: duplicate key 'a'",
	       "duplicate key");
	is_str(conv("a: &x [1, 2]\nb: *x\n"),
	       "c.yaml:2: aliases are not supported: 'x'", "alias refused");
	is_str(conv("- 1\n- 2\n"),
	       "c.yaml:1: the top level must be a mapping (key: value lines)",
	       "top-level list refused");
	is_str(conv("just text\n"),
	       "c.yaml:1: the top level must be a mapping (key: value lines)",
	       "top-level scalar refused");
	is_str(conv(""), "c.yaml: empty: expected a mapping of key: value lines",
	       "empty file");
	is_str(conv("a: 1\n---\nb: 2\n"), "c.yaml:2: more than one YAML document",
	       "second document refused");
	is_str(conv("? [1, 2]\n: x\n"),
	       "c.yaml:1: a key must be a plain value, not a list or mapping",
	       "complex key refused");
	strcpy(deep, "a: ");
	for (i = 0; i < 30; i++)
		strcat(deep, "[");
	for (i = 0; i < 30; i++)
		strcat(deep, "]");
	strcat(deep, "\n");
	ok(strstr(conv(deep), "nested too deeply") != NULL, "nesting bomb refused");
	is_str(conv("a: \"\\0\"\n"), "{\"a\":\"\\u0000\"}", "NUL in a quoted value");
	is_str(conv("? \"a\\0b\"\n: 1\n"), "c.yaml:1: a key contains a NUL byte",
	       "NUL in a key refused");
	is_str(conv("a: \xff\n"), "c.yaml:1:4: invalid leading UTF-8 octet",
	       "invalid UTF-8 refused");
	ok(!exl_yaml_json_read("/nonexistent/contract.yaml", &err) &&
	   strstr(err.text, "/nonexistent/contract.yaml"), "missing file named");
	return done_testing();
}
