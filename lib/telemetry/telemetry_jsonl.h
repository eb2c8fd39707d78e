/* telemetry_jsonl.h - reading a .jsonl file (one JSON object per line)
 * written by someone else: the telemetry files live in a directory the
 * job user controls, so every line is hostile input.
 *
 * Lines longer than EXL_JSONL_MAX_LINE, lines that are not one JSON
 * object, and lines the callback rejects are skipped and counted.  A
 * file is read up to EXL_JSONL_MAX_FILE bytes.  Symlinks and non-regular
 * files are refused.
 */
#ifndef EXL_TELEMETRY_JSONL_H
#define EXL_TELEMETRY_JSONL_H

#include <json-c/json.h>

#include "util/exl_err.h"

#define EXL_JSONL_MAX_LINE (256u << 10)
#define EXL_JSONL_MAX_FILE (4ULL << 30)

struct exl_jsonl_stats {
	unsigned long long lines;	/* non-empty lines seen */
	unsigned long long malformed;	/* skipped (of those) */
	int truncated;			/* stopped at EXL_JSONL_MAX_FILE */
};

/* Called for each parsed object, which it must not keep (it is released
 * after the call; take a reference with json_object_get to keep it).
 * Returns 0, or -1 when the object is malformed for the caller. */
typedef int (*exl_jsonl_fn)(json_object *obj, void *arg);

/* Read path line by line.  Stats accumulate into st (not cleared). */
int exl_jsonl_read(const char *path, exl_jsonl_fn fn, void *arg,
		   struct exl_jsonl_stats *st, struct exl_err *err);

#endif
