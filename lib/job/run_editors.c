/* run_editors.c - the small public editors of a running job's log
 * (Status, Results, environment, facts, notes), all through the one
 * locked edit. */
#include <ctype.h>
#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/jobstate.h"
#include "runstore/experiments.h"
#include "runstore/layout.h"
#include "util/names.h"
#include "runstore/owned.h"
#include "util/privdrop.h"
#include "report/page_file.h"
#include "watch/progress.h"
#include "runstore/run_index.h"
#include "job/run_lifecycle.h"
#include "runstore/runlog_scan.h"
#include "runstore/runlog_doc.h"
#include "runstore/run_edit.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "runstore/timeline.h"
#include "watch/tracker_events.h"
#include "job/ending.h"
#include "telemetry/telemetry_summary.h"
#include "wandb/wandb_append.h"
#include "watch/env_capture.h"
#include "runstore/unlogged.h"
#include "runstore/wandb_local.h"
#include "job/run_internal.h"
#include "runstore/runlog_keys.h"

/* append_status: "- <stamp> — text" at the end of ## Status. */
int exl_lc_append_status(struct exl_doc *d, time_t when, const char *text)
{
	char stamp[32], *line;
	long sec = exl_doc_find_section(d, "Status", 0);
	int rc;

	exl_time_stamp(when, stamp, sizeof(stamp));
	if (asprintf(&line, "- %s — %s", stamp, text) < 0)
		return -1;
	if (sec < 0) {
		/* a human removed the section: put it back at the end */
		rc = exl_doc_insert(d, d->n, "") < 0 ||
		     exl_doc_insert(d, d->n, "## Status") < 0 ? -1 : 0;
		sec = (long)d->n - 1;
		if (rc < 0) {
			free(line);
			return -1;
		}
	}
	rc = exl_doc_append(d, (size_t)sec, line);
	free(line);
	return rc;
}

struct note_arg {
	time_t when;
	const char *text;
};

static int put_note(struct exl_run_edit *e, void *arg)
{
	const struct note_arg *a = arg;

	return exl_lc_append_status(&e->doc, a->when, a->text);
}

int exl_run_note(const char *run_log, time_t when, const char *text,
		 struct exl_err *err)
{
	struct exl_run_edit e = { .run_log = run_log };
	struct note_arg a = { when, text };

	return exl_run_edit(&e, NULL, put_note, &a, err) < 0 ? -1 : 0;
}

/* is_experiment: does the run in state_dir say run_type experiment (its
 * end then writes a row of the group's experiments.md)? */
static int is_experiment(const char *state_dir)
{
	struct exl_run_record r;
	struct exl_err e;
	int yes;

	if (!state_dir || exl_run_record_load(state_dir, &r, &e) != 0)
		return 0;
	yes = r.run_type && strcmp(r.run_type, "experiment") == 0;
	exl_run_record_free(&r);
	return yes;
}

/* with_run: the change under the run's lock, after the group's when
 * group_files asks for it and the run is an experiment; then the run
 * moves to "ended" in the run index when the change closed it. */
static int with_run(const char *root, const char *job_id,
		    exl_run_edit_fn fn, void *arg, int group_files,
		    struct exl_err *err)
{
	char *run_log = NULL, *state_dir = NULL, *group = NULL, *rel = NULL;
	struct exl_run_edit e = { 0 };
	char *glock = NULL;
	int rc, gfd = -1, rfd = -1;

	rc = exl_lc_read_index_rel(root, job_id, &run_log, &state_dir, &group, &rel,
			    err);
	if (rc != 0)
		return rc;
	rc = -1;
	if (group_files && is_experiment(state_dir)) {
		if (!(glock = exl_layout_lock(root, group))) {
			exl_errnof(err, ENOMEM, "couldn't update run log");
			goto out;
		}
		if ((gfd = exl_lock(glock, EXL_LOCK_TIMEOUT, err)) < 0)
			goto out;
	}
	if ((rfd = exl_run_lock(root, group, run_log, err)) < 0)
		goto out;
	e.run_log = run_log;
	e.state_dir = state_dir;
	rc = exl_run_edit(&e, NULL, fn, arg, err);
	exl_unlock(rfd);
	exl_unlock(gfd);
	gfd = -1;
	if (rc == 1)
		rc = 0;
	if (rc == 0 && e.closed &&
	    exl_lc_index_end(root, job_id, rel, e.end, run_log, err) < 0)
		rc = -1;
out:
	exl_unlock(gfd);
	free(glock);
	free(run_log);
	free(state_dir);
	free(group);
	free(rel);
	return rc;
}

int exl_lc_with_run(const char *root, const char *job_id,
		    exl_run_edit_fn fn, void *arg, struct exl_err *err)
{
	return with_run(root, job_id, fn, arg, 0, err);
}

int exl_lc_with_run_closing(const char *root, const char *job_id,
			    exl_run_edit_fn fn, void *arg,
			    struct exl_err *err)
{
	return with_run(root, job_id, fn, arg, 1, err);
}

static int put_status(struct exl_run_edit *ed, void *arg)
{
	return exl_lc_append_status(&ed->doc, time(NULL), arg);
}

int exl_run_status(const char *root, const char *job_id, const char *text,
		   struct exl_err *err)
{
	return exl_lc_with_run(root, job_id, put_status, (void *)text, err);
}

int exl_lc_put_results(struct exl_run_edit *ed, void *arg)
{
	const struct exl_lc_results *a = arg;
	struct exl_doc *d = &ed->doc;
	struct exl_rr_map *owned = &ed->run->owned;
	long res = exl_doc_find_section(d, "Results", 0);
	char ck[4200];
	static const struct { const char *key; size_t off; } f[] = {
		{ "final step", offsetof(struct exl_results_fields, final_step) },
		{ "start_train_loss", offsetof(struct exl_results_fields, start_train_loss) },
		{ "end_train_loss", offsetof(struct exl_results_fields, end_train_loss) },
		{ "start_val_loss", offsetof(struct exl_results_fields, start_val_loss) },
		{ "end_val_loss", offsetof(struct exl_results_fields, end_val_loss) },
		{ "loss_one_liner", offsetof(struct exl_results_fields, loss_one_liner) },
	};
	size_t i;

	if (res < 0)
		return 0;	/* a human removed Results: leave it so */
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (exl_owned_set(d, (size_t)res, "Results", f[i].key,
				  (const char *)a->rf + f[i].off, owned) < 0)
			return -1;
	if (a->checkpoint)
		snprintf(ck, sizeof(ck), "`%s`", a->checkpoint);
	else
		snprintf(ck, sizeof(ck), "none found (looked for checkpoint files written during the job)");
	return exl_owned_set(d, (size_t)res, "Results", EXL_K_CHECKPOINT, ck,
			     owned) < 0 ? -1 : 0;
}

int exl_run_results(const char *root, const char *job_id,
		    const struct exl_results_fields *rf, const char *checkpoint,
		    struct exl_err *err)
{
	struct exl_lc_results a = { rf, checkpoint };

	return exl_lc_with_run(root, job_id, exl_lc_put_results, &a, err);
}

struct env_arg {
	const char *name;
	const struct exl_env_result *r;
};

static int put_env(struct exl_run_edit *ed, void *arg)
{
	const struct env_arg *a = arg;
	long sec = exl_doc_find_section(&ed->doc, "Config", 0);
	char key[160], text[4400];

	if (exl_run_record_set_env(ed->run, a->name, a->r->path, a->r->sha256,
				   a->r->status, a->r->timed_out) < 0)
		return -1;
	if (sec < 0)
		return 0;
	snprintf(key, sizeof(key), "env %s", a->name);
	exl_env_result_text(a->r, text, sizeof(text));
	return exl_owned_set(&ed->doc, (size_t)sec, "Config", key, text,
			     &ed->run->owned) < 0 ? -1 : 0;
}

int exl_run_env(const char *root, const char *job_id, const char *name,
		const struct exl_env_result *r, struct exl_err *err)
{
	struct env_arg a = { name, r };

	return exl_lc_with_run(root, job_id, put_env, &a, err);
}

struct fact_arg {
	const char *section, *key, *value;
};

static int put_fact(struct exl_run_edit *ed, void *arg)
{
	const struct fact_arg *a = arg;
	long sec = exl_doc_find_section(&ed->doc, a->section, 0);
	char hdr[160];

	if (exl_rr_map_set(&ed->run->facts, a->key, a->value) < 0)
		return -1;
	if (sec < 0) {
		snprintf(hdr, sizeof(hdr), "## %s", a->section);
		if (exl_doc_insert(&ed->doc, ed->doc.n, "") < 0 ||
		    exl_doc_insert(&ed->doc, ed->doc.n, hdr) < 0)
			return -1;
		sec = (long)ed->doc.n - 1;
	}
	return exl_owned_set(&ed->doc, (size_t)sec, a->section, a->key,
			     a->value, &ed->run->owned) < 0 ? -1 : 0;
}

int exl_run_fact(const char *root, const char *job_id, const char *section,
		 const char *key, const char *value, struct exl_err *err)
{
	struct fact_arg a = { section, key, value };

	return exl_lc_with_run(root, job_id, put_fact, &a, err);
}
