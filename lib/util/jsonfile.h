/* jsonfile.h - JSON files through json-c, read as hostile input. */
#ifndef EXL_JSONFILE_H
#define EXL_JSONFILE_H

#include <json-c/json.h>

#include "util/exl_err.h"

/* Nesting deeper than this is refused (no recursion bombs). */
#define EXL_JSON_MAX_DEPTH 32

/* Parse a JSON object from path (no symlinks, at most max bytes). */
json_object *exl_json_read(const char *path, size_t max, struct exl_err *err);

/* Parse a JSON object from text. */
json_object *exl_json_parse(const char *text, size_t len, const char *what,
			    struct exl_err *err);

/* Write obj to path atomically, pretty-printed, mode 0644 when new. */
int exl_json_write(const char *path, json_object *obj, struct exl_err *err);

/* exl_json_write through the spare file spare (exl_write_atomic_spare;
 * NULL: none, exl_json_write). */
int exl_json_write_spare(const char *path, const char *spare,
			 json_object *obj, struct exl_err *err);

/* The same through exl_write_replace: not synced, a crash may lose it
 * (fileio.h); for state that is rewritten or rebuilt. */
int exl_json_write_replace(const char *path, json_object *obj,
			   struct exl_err *err);

/* Append obj as one line to a JSON-lines file (created 0644 if missing,
 * never through a symlink): one write(2) under an fcntl lock, so
 * concurrent writers never tear or interleave a line.  A write the disk
 * takes only part of is cut back: the file never ends in half a line.
 * Not fsynced (a record of events, like a tracker's own offline log): a
 * machine that crashes may lose the lines of its last seconds, and the
 * readers skip a line that does not parse. */
int exl_jsonl_append(const char *path, json_object *obj, struct exl_err *err);

/* Getters that tolerate a missing or mistyped field. */
const char *exl_json_str(json_object *o, const char *key);
long long exl_json_int(json_object *o, const char *key, long long dflt);
int exl_json_has(json_object *o, const char *key);
/* A number (integer or fraction) at key, dflt when missing. */
double exl_json_double(json_object *o, const char *key, double dflt);
/* A boolean at key, 0 when missing or not a boolean. */
int exl_json_bool(json_object *o, const char *key);

/* The array at key, NULL when it is missing or not an array. */
json_object *exl_json_array(json_object *o, const char *key);

/* Setters that do nothing for a NULL value (a field left unset). */
void exl_json_set_str(json_object *o, const char *key, const char *val);
void exl_json_set_int(json_object *o, const char *key, long long val);
void exl_json_set_double(json_object *o, const char *key, double val);
void exl_json_set_bool(json_object *o, const char *key, int val);

/* "k=v,k2=v2" (statepoints, split by util/pairs.h) as a JSON object of
 * strings.  NULL only when out of memory. */
json_object *exl_json_from_pairs(const char *pairs);

/* A tool's --json answer: o on stdout, pretty, slashes unescaped, then
 * o is released. */
void exl_json_print(json_object *o);

#endif
