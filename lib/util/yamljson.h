/* yamljson.h - a YAML document read as a JSON value (libyaml).
 *
 * For free-form user files such as a checkpoint's input contract.  The
 * input is treated as hostile: bounded size and depth, aliases refused
 * (no "billion laughs"), duplicate keys refused, exactly one document
 * whose top level is a mapping.  Every error names the file and line.
 *
 * Scalars: quoted ones stay strings; a plain scalar becomes null (~, null,
 * empty), a boolean (true/false in YAML 1.2 spellings), an integer or a
 * number when it is written as a JSON number, and a string otherwise.
 */
#ifndef EXL_YAMLJSON_H
#define EXL_YAMLJSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "util/exl_err.h"

/* Largest YAML file exl_yaml_json_read accepts. */
#define EXL_YAML_MAX (1u << 20)

/* Deepest nesting accepted: below EXL_JSON_MAX_DEPTH, so the result can
 * be embedded in a JSON document that is read back with that limit. */
#define EXL_YAML_MAX_DEPTH 24

/* Convert text (len bytes) to a JSON object.  what names the input in
 * messages ("contract.yaml:12: ..."). */
json_object *exl_yaml_json_parse(const char *text, size_t len, const char *what,
			    struct exl_err *err);

/* Read path (a regular file, no symlink, at most EXL_YAML_MAX bytes) and
 * convert it. */
json_object *exl_yaml_json_read(const char *path, struct exl_err *err);

#endif
