/* canonjson.h - one byte-exact serialization of a JSON value, for
 * signatures.
 *
 * The rules (also in passport(1)):
 *   - no whitespace outside strings;
 *   - object members sorted by the bytes of their UTF-8 keys (memcmp
 *     order, a shorter key first when it is a prefix);
 *   - strings are UTF-8; '"' and '\' are escaped, \b \f \n \r \t are used
 *     for those controls, every other byte below 0x20 and 0x7f is written
 *     as \u00xx (lowercase hex); nothing else is escaped;
 *   - integers in plain decimal; true, false, null;
 *   - floating-point numbers are refused (a signed document has none).
 * This is what "jq -cjS ." prints for such a document, so a signature can
 * be checked with jq and openssl alone.
 */
#ifndef EXL_CANONJSON_H
#define EXL_CANONJSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "util/exl_err.h"

/* Serialize obj canonically into a malloc'd NUL-terminated buffer.  A
 * member named skip_key at the top level is left out (NULL: none), so a
 * document can carry its own signature.  NULL with err set on a double,
 * invalid UTF-8, nesting deeper than EXL_JSON_MAX_DEPTH or no memory. */
char *exl_canon_json(json_object *obj, const char *skip_key, size_t *lenp,
		     struct exl_err *err);

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF), else 0. */
int exl_utf8_valid(const char *s, size_t len);

#endif
