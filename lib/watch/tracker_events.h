/* tracker_events.h - the built-in no-network tracker: events.jsonl.
 *
 * One JSON object per line in $EXP_LOG_STATE/events.jsonl:
 *   {"timestamp": "<ISO>", "event": "init_run", "project": ..., "group": ...,
 *    "tags": [...], "config": {...}, "notes": ..., "offline": true}
 *   {"timestamp": ..., "event": "log", "metrics": {"loss": 0.1, ...}}
 *   {"timestamp": ..., "event": "log_artifact", "name": ..., "path": ...,
 *    "size_bytes": N}
 *   {"timestamp": ..., "event": "finish", "exit_code": N}
 * Every "finish" carries exit_code.  Lines are appended with one write(2)
 * each under an fcntl lock, so concurrent writers never tear a line.
 */
#ifndef EXL_TRACKER_EVENTS_H
#define EXL_TRACKER_EVENTS_H

#include <json-c/json.h>

#include "util/exl_err.h"

#define EXL_EVENTS_FILE "events.jsonl"

/* Append one event (obj gets "timestamp" and "event" added; ownership
 * stays with the caller). */
int exl_events_append(const char *state_dir, const char *event,
		      json_object *obj, struct exl_err *err);

/* Has the current execution finished: is there a "finish" event after
 * the last "init_run"?  1 yes, 0 no, -1 error. */
int exl_events_finished(const char *state_dir, struct exl_err *err);

/* Append "finish" with exit_code unless one exists.  Returns 1 when it
 * was already finished. */
int exl_events_finish(const char *state_dir, int exit_code,
		      const char *reason, struct exl_err *err);

#endif
