/* tracker_events.c - events.jsonl tracker (see tracker_events.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/fileio.h"
#include "util/jsonfile.h"
#include "util/timefmt.h"
#include "watch/tracker_events.h"

/* Events files are small; refuse to scan a runaway one. */
#define EXL_EVENTS_MAX (256u << 20)

int exl_events_append(const char *state_dir, const char *event,
		      json_object *obj, struct exl_err *err)
{
	char *path = exl_path_join(state_dir, EXL_EVENTS_FILE);
	json_object *o = json_object_new_object();
	char ts[40];
	int rc = -1;

	if (!path || !o) {
		exl_errnof(err, ENOMEM, "couldn't write events");
		goto out;
	}
	exl_time_iso(time(NULL), ts, sizeof(ts));
	exl_json_set_str(o, "timestamp", ts);
	exl_json_set_str(o, "event", event);
	if (obj) {
		json_object_object_foreach(obj, k, v)
			json_object_object_add(o, k, json_object_get(v));
	}
	rc = exl_jsonl_append(path, o, err);
out:
	json_object_put(o);
	free(path);
	return rc;
}

int exl_events_finished(const char *state_dir, struct exl_err *err)
{
	char *path = exl_path_join(state_dir, EXL_EVENTS_FILE), *buf = NULL;
	const char *p;
	int rc = 0;

	if (!path)
		return exl_errnof(err, ENOMEM, "couldn't read events");
	if (exl_read_file(path, EXL_EVENTS_MAX, &buf, NULL, err) < 0) {
		rc = errno == ENOENT ? 0 : -1;
		free(path);
		return rc;
	}
	/* the run is finished when a "finish" follows the last "init_run"
	 * (a resumed run starts a new execution with a new init_run) */
	for (p = buf; p && *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > 0 && (memmem(p, len, "\"finish\"", 8) ||
				memmem(p, len, "\"init_run\"", 10))) {
			json_object *o = exl_json_parse(p, len, path, NULL);
			const char *ev = exl_json_str(o, "event");

			if (ev && strcmp(ev, "finish") == 0)
				rc = 1;
			else if (ev && strcmp(ev, "init_run") == 0)
				rc = 0;
			json_object_put(o);
		}
		p = nl ? nl + 1 : NULL;
	}
	free(buf);
	free(path);
	return rc;
}

int exl_events_finish(const char *state_dir, int exit_code,
		      const char *reason, struct exl_err *err)
{
	json_object *o;
	int rc = exl_events_finished(state_dir, err);

	if (rc != 0)
		return rc;
	o = json_object_new_object();
	exl_json_set_int(o, "exit_code", exit_code);
	if (reason)
		exl_json_set_str(o, "reason", reason);
	rc = exl_events_append(state_dir, "finish", o, err);
	json_object_put(o);
	return rc;
}
