/* sync_item.h - one run through exp-wandb-sync sync: plan, result,
 * report. */
#ifndef SYNC_ITEM_H
#define SYNC_ITEM_H

#include "sync_exec.h"
#include "wsync.h"

enum sync_status {
	SYNC_PLANNED,		/* would be synced (dry run) */
	SYNC_SKIPPED,		/* not synced, see skip */
	SYNC_NO_DEST,		/* entity or project unknown */
	SYNC_OK,
	SYNC_FAILED,
	SYNC_INTERRUPTED,
};

struct sync_item {
	struct wrun w;
	const char *entity, *project;
	const char *entity_from, *project_from;	/* "flag", "run log" */
	enum sync_status status;
	char why[512];		/* skip, failure or missing destination */
	char *argv[8];
	struct sync_task *task;	/* while it runs */
	char url[1024];
	const char *url_from;	/* "output" or "built" */
	char *stderr_tail;	/* cleaned and redacted */
	int recorded;		/* URL written into the run log */
	char record_error[512];
};

struct sync_summary {
	int dry_run;
	const char *wandb;	/* executable, NULL when not found */
	const char *key_from;	/* "file", "environment" or NULL */
	const char *key_file;
	char key_problem[512];
	size_t n;
	size_t planned, ok, failed, skipped, no_dest;
};

/* The plan, before anything runs (text). */
void sync_print_plan(const struct sync_item *it, const struct sync_summary *s);

/* One result line (and the stderr tail of a failure), as it happens. */
void sync_print_result(const struct sync_item *it);

/* The closing line ("dry run: ...", "2 of 5 syncs failed"). */
void sync_print_summary(const struct sync_summary *s);

/* Everything as JSON on stdout. */
void sync_print_json(const struct sync_item *it, const struct sync_summary *s);

#endif
