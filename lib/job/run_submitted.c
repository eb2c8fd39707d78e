/* run_submitted.c - a run log written at submission (exl_run_submit):
 * its job's start fills it in, and a job that leaves the queue without
 * starting closes it with that story. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/run_internal.h"
#include "job/run_lifecycle.h"
#include "runstore/owned.h"
#include "runstore/run_facts.h"
#include "runstore/runlog_keys.h"
#include "util/fileio.h"
#include "util/timefmt.h"

/* not_started: is the job block at job (-1: none) one whose start the
 * job has not filled in yet? */
static int not_started(const struct exl_doc *d, long job)
{
	char *v = job >= 0 ? exl_doc_get_key(d, (size_t)job, EXL_K_START) : NULL;
	int rc = v && strcmp(v, EXL_PENDING_START) == 0;

	free(v);
	return rc;
}

/* bullet_key: "- key: value" -> key (in buf) and value; 0 or -1. */
static int bullet_key(const char *line, char *buf, size_t len,
		      const char **value)
{
	const char *colon;

	if (strncmp(line, "- ", 2) != 0 || !(colon = strstr(line, ": ")) ||
	    (size_t)(colon - line - 2) >= len)
		return -1;
	snprintf(buf, len, "%.*s", (int)(colon - line - 2), line + 2);
	*value = colon + 2;
	return 0;
}

/* skipped: a key of the submission that the start leaves as it is. */
static int skipped(const char *key, const char *const *keep)
{
	for (; *keep; keep++)
		if (strcmp(key, *keep) == 0)
			return 1;
	return 0;
}

/* merge_section: the bullets of section title in the fresh rendering nd
 * set in d (keys in keep stay as the submission wrote them); then the
 * submission's placeholders the start did not replace are dropped. */
static int merge_section(struct exl_doc *d, const struct exl_doc *nd,
			 const char *title, const char *const *keep)
{
	long ns = exl_doc_find_section(nd, title, 0), os;
	size_t i, end;
	const char *val;
	char key[128];

	if (ns < 0 || (os = exl_doc_find_section(d, title, 0)) < 0)
		return 0;
	end = exl_doc_section_end(nd, (size_t)ns);
	for (i = (size_t)ns + 1; i < end; i++) {
		if (bullet_key(nd->lines[i], key, sizeof(key), &val) < 0 ||
		    skipped(key, keep))
			continue;
		if (exl_doc_set_key(d, (size_t)os, key, val) < 0)
			return -1;
	}
	end = exl_doc_section_end(d, (size_t)os);
	for (i = (size_t)os + 1; i < end; i++)
		if (bullet_key(d->lines[i], key, sizeof(key), &val) == 0 &&
		    strcmp(val, EXL_PENDING_START) == 0) {
			exl_doc_delete(d, i--);
			end--;
		}
	return 0;
}

/* config_of_submission: the config facts taken at submission, from the
 * run's run.json, into f (the file may have changed since). */
static int config_of_submission(const struct exl_run_record *r,
				struct exl_run_facts *f)
{
	const struct exl_run_config *c = &r->config;

	f->config_abs[0] = f->config_sha256[0] = '\0';
	f->config_snapshot[0] = f->config_error[0] = '\0';
	if (!c->present || !c->path)
		return 0;
	snprintf(f->config_abs, sizeof(f->config_abs), "%s", c->path);
	if (c->sha256)
		snprintf(f->config_sha256, sizeof(f->config_sha256), "%s",
			 c->sha256);
	if (c->snapshot)
		snprintf(f->config_snapshot, sizeof(f->config_snapshot), "%s",
			 c->snapshot);
	if (c->error)
		snprintf(f->config_error, sizeof(f->config_error), "%s",
			 c->error);
	return 0;
}

struct start_arg {
	struct exl_run_facts *f;
	const char *state_dir;
	int submitted;		/* the log was a submitted one */
};

/* fill_start: the edit that completes a submitted run log at its start. */
static int fill_start(struct exl_run_edit *ed, void *arg)
{
	static const char *const keep_config[] = { EXL_K_CONFIG,
		EXL_K_CONFIG_SNAPSHOT, EXL_K_KEY_SETTINGS, EXL_K_STATEPOINTS,
		NULL };
	static const char *const keep_job[] = { EXL_K_EXECUTION_ID,
		EXL_K_SUBMITTED, EXL_K_END, EXL_K_END_HUMAN, EXL_K_RUNTIME,
		NULL };
	struct start_arg *a = arg;
	struct exl_run_facts *f = a->f;
	struct exl_doc *d = &ed->doc, nd = { 0 };
	struct exl_err e;
	char msg[1400], *text;
	long job = exl_doc_find_job_block(d, f->job.job_id);
	int rc = -1;

	if (!not_started(d, job) || !ed->run || !ed->run->jobs.n)
		return 1;
	a->submitted = 1;
	config_of_submission(ed->run, f);
	exl_lc_save_patch(f, a->state_dir);
	text = exl_runlog_render(f);
	if (!text || exl_doc_parse(&nd, text, &e) < 0)
		goto out;
	snprintf(msg, sizeof(msg), "started: job %s on %s (%d node%s)",
		 f->job.job_id, f->job.batch_host[0] ? f->job.batch_host :
		 f->job.nodes, f->job.nnodes, f->job.nnodes == 1 ? "" : "s");
	if (merge_section(d, &nd, "Config", keep_config) < 0 ||
	    merge_section(d, &nd, "Job", keep_job) < 0 ||
	    exl_lc_append_status(d, f->job.start, msg) < 0 ||
	    exl_lc_run_record_started(ed->run, f) < 0)
		goto out;
	rc = 0;
out:
	exl_doc_free(&nd);
	free(text);
	return rc;
}

int exl_lc_start_submitted(const char *root, struct exl_run_facts *f,
			   const char *run_log, const char *state_dir,
			   struct exl_err *err)
{
	struct exl_run_edit e = { .run_log = run_log, .state_dir = state_dir };
	struct start_arg a = { .f = f, .state_dir = state_dir };
	int rc;

	(void)root;
	if (!f->job.start || access(run_log, F_OK) != 0)
		return 1;
	rc = exl_run_edit(&e, NULL, fill_start, &a, err);
	if (rc < 0)
		return -1;
	return a.submitted ? 0 : 1;
}

/* queue_time: "3 h 12 min" (or "40 s", "5 min") for secs in buf. */
static void queue_time(long long secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(buf, len, "%lld s", secs);
	else if (secs < 3600)
		snprintf(buf, len, "%lld min", secs / 60);
	else if (secs < 86400)
		snprintf(buf, len, "%lld h %lld min", secs / 3600,
			 secs % 3600 / 60);
	else
		snprintf(buf, len, "%lld d %lld h", secs / 86400,
			 secs % 86400 / 3600);
}

/* closed: has the job block at job an end already? */
static int closed(const struct exl_doc *d, long job)
{
	char *v = exl_doc_get_key(d, (size_t)job, EXL_K_END);
	int rc = v && strcmp(v, EXL_PENDING) != 0;

	free(v);
	return rc;
}

struct unstarted_arg {
	const char *job_id, *state, *reason;
	time_t end;
	int unstarted;		/* the log's job never started */
};

/* close_unstarted: the edit that closes a submitted run log whose job
 * left the queue without starting. */
static int close_unstarted(struct exl_run_edit *ed, void *arg)
{
	struct unstarted_arg *a = arg;
	struct exl_doc *d = &ed->doc;
	long job = exl_doc_find_job_block(d, a->job_id), res;
	struct exl_run_job *rj;
	char iso[40], human[64], waited[40], line[400], runtime[100], low[32];
	time_t sub = 0;
	size_t i;

	if (!not_started(d, job) || closed(d, job))
		return 1;
	a->unstarted = 1;
	rj = ed->run && ed->run->jobs.n ? exl_run_job_at(ed->run, 0) : NULL;
	if (rj && rj->submitted.set)
		sub = (time_t)rj->submitted.v;
	queue_time(sub ? (long long)(a->end - sub) : 0, waited, sizeof(waited));
	for (i = 0; a->state[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)(a->state[i] >= 'A' && a->state[i] <= 'Z' ?
				a->state[i] - 'A' + 'a' : a->state[i]);
	low[i] = '\0';
	if (strcmp(a->state, "CANCELLED") == 0)
		snprintf(line, sizeof(line), "cancelled while pending after %s "
			 "in the queue%s%s%s", waited, a->reason ? " (" : "",
			 a->reason ? a->reason : "", a->reason ? ")" : "");
	else
		snprintf(line, sizeof(line), "ended without starting (%s) after "
			 "%s in the queue%s%s%s", low, waited, a->reason ? " (" : "",
			 a->reason ? a->reason : "", a->reason ? ")" : "");
	snprintf(runtime, sizeof(runtime), "none (never started, %s in the "
		 "queue)", waited);
	exl_time_iso(a->end, iso, sizeof(iso));
	exl_time_human(a->end, 1, human, sizeof(human));
	{
		char v[sizeof(human) + 8];

		snprintf(v, sizeof(v), "`%s`", iso);
		if (exl_doc_set_key(d, (size_t)job, EXL_K_END, v) < 0)
			return -1;
		snprintf(v, sizeof(v), "`%s`", human);
		if (exl_doc_set_key(d, (size_t)job, EXL_K_END_HUMAN, v) < 0 ||
		    exl_doc_set_key(d, (size_t)job, EXL_K_RUNTIME, runtime) < 0)
			return -1;
	}
	res = exl_doc_find_section(d, "Results", 0);
	if (res >= 0 && ed->run &&
	    (exl_owned_set(d, (size_t)res, "Results", EXL_K_RUNTIME, runtime,
			   &ed->run->owned) < 0 ||
	     exl_owned_set(d, (size_t)res, "Results", EXL_K_EXIT,
			   "none (never started)", &ed->run->owned) < 0 ||
	     exl_owned_set(d, (size_t)res, "Results", EXL_K_SCHEDULER_STATE,
			   a->state, &ed->run->owned) < 0 ||
	     exl_owned_set(d, (size_t)res, "Results", EXL_K_CHECKPOINT,
			   "none found (the job never started)",
			   &ed->run->owned) < 0))
		return -1;
	if (exl_lc_append_status(d, a->end, line) < 0)
		return -1;
	if (rj) {
		exl_rr_int_set(&rj->end, (long long)a->end);
		if (exl_rr_str_set(&rj->sched_state, a->state) < 0 ||
		    exl_rr_str_set(&rj->ended_by, "runlog status") < 0 ||
		    exl_rr_str_set(&rj->verdict, line) < 0)
			return -1;
		exl_lc_experiment_row(d, ed->run, rj, ed->run_log);
	}
	ed->closed = 1;
	ed->end = a->end;
	return 0;
}

int exl_run_end_unstarted(const char *root, const char *job_id,
			  const char *state, const char *reason, time_t end,
			  struct exl_err *err)
{
	struct unstarted_arg a = { .job_id = job_id, .state = state,
				   .reason = reason && reason[0] ? reason : NULL,
				   .end = end ? end : time(NULL) };
	int rc = exl_lc_with_run_closing(root, job_id, close_unstarted,
					 &a, err);

	if (rc < 0)
		return -1;
	return rc == 1 || !a.unstarted ? 1 : 0;
}

/* add_once: the Status line of exl_run_status_once. */
static int add_once(struct exl_run_edit *ed, void *arg)
{
	const char *text = arg;
	struct exl_doc *d = &ed->doc;
	long st = exl_doc_find_section(d, "Status", 0);
	size_t i, end, tl = strlen(text);

	if (st < 0)
		return 1;
	end = exl_doc_section_end(d, (size_t)st);
	for (i = (size_t)st + 1; i < end; i++) {
		size_t ll = strlen(d->lines[i]);

		if (ll >= tl && strcmp(d->lines[i] + ll - tl, text) == 0)
			return 1;
	}
	return exl_lc_append_status(d, time(NULL), text) < 0 ? -1 : 0;
}

int exl_run_status_once(const char *root, const char *job_id,
			const char *text, struct exl_err *err)
{
	return exl_lc_with_run(root, job_id, add_once, (void *)text, err);
}
