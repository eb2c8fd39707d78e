/* wandb_runlog.c - link W&B runs to exp-log run logs (wandb_runlog.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "runstore/layout.h"
#include "util/names.h"
#include "runstore/owned.h"
#include "runstore/run_edit.h"
#include "runstore/run_record.h"
#include "runstore/runlog_doc.h"
#include "wandb/wandb_rundir.h"
#include "job/wandb_runlog.h"
#include "runstore/runlog_keys.h"

/* A W&B run may start a little before the job's recorded start (clocks
 * of different nodes): accept this much. */
#define START_SLACK_S 300

/* split_state_dir: the root, group and state dir of a W&B run inside a
 * run's state dir (see exl_layout_split_state_dir). */
static int split_state_dir(const char *abs, struct exl_wandb_link *l)
{
	int rc = exl_layout_split_state_dir(abs, 1, &l->root, &l->group,
					    &l->state_dir);

	if (rc == 0 && l->group && exl_valid_group(l->group) < 0)
		return 1;
	return rc;
}

/* real_value: a bullet value people set: not a placeholder, not "-". */
static int real_value(const char *v)
{
	return !exl_owned_placeholder(v) && strcmp(v, "-") != 0;
}

/* path_in: the path in a bullet value: inside the first pair of
 * backticks, else the first word; relative ones joined onto base.  NULL
 * when there is none (or no base for a relative one). */
static char *path_in(const char *v, const char *base)
{
	const char *a = strchr(v, '`'), *b = a ? strchr(a + 1, '`') : NULL;
	char *p, *abs;

	p = a && b ? strndup(a + 1, (size_t)(b - a - 1)) :
		     strndup(v, strcspn(v, " \t"));
	if (!p)
		return NULL;
	if (!real_value(p) || (p[0] != '/' && !base)) {
		free(p);
		return NULL;
	}
	if (p[0] == '/')
		return p;
	abs = exl_path_join(base, p);
	free(p);
	return abs;
}

/* find_checkpoints: every path the run log names as a checkpoint. */
static int find_checkpoints(const struct exl_doc *d, const char *base,
			    struct exl_wandb_link *l)
{
	static const char *const keys[] = { "checkpoint", "checkpoints",
					    "resumed from" };
	size_t i, k;

	for (i = 0; i < d->n; i++) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *v = exl_doc_bullet_value(d->lines[i], keys[k]);
			char *p, **n;

			if (!v || !(p = path_in(v, base)))
				continue;
			n = realloc(l->checkpoints,
				    (l->ncheckpoints + 1) * sizeof(*n));
			if (!n) {
				free(p);
				return -1;
			}
			l->checkpoints = n;
			l->checkpoints[l->ncheckpoints++] = p;
		}
	}
	return 0;
}

/* read_doc_facts: destination and checkpoints from the markdown. */
static int read_doc_facts(struct exl_wandb_link *l, const char *submit_dir,
			  struct exl_err *err)
{
	struct exl_doc d;
	long sec;
	int rc = 0;

	if (exl_doc_load(l->run_log, &d, err) < 0)
		return -1;
	sec = exl_doc_find_section(&d, "W&B", 0);
	if (sec >= 0) {
		l->entity = exl_doc_get_key(&d, (size_t)sec, EXL_K_ENTITY);
		l->project = exl_doc_get_key(&d, (size_t)sec, EXL_K_PROJECT);
		if (!real_value(l->entity)) {
			free(l->entity);
			l->entity = NULL;
		}
		if (!real_value(l->project)) {
			free(l->project);
			l->project = NULL;
		}
	}
	if (find_checkpoints(&d, submit_dir, l) < 0)
		rc = exl_errnof(err, ENOMEM, "couldn't read %s", l->run_log);
	exl_doc_free(&d);
	return rc;
}

int exl_wandb_link_find(const char *run_dir, time_t run_start,
			struct exl_wandb_link *l, struct exl_err *err)
{
	char *abs = exl_wandb_abs_path(run_dir);
	struct exl_run_record run = { 0 };
	struct exl_run_job *job;
	int rc;

	memset(l, 0, sizeof(*l));
	if (!abs)
		return exl_errnof(err, ENOMEM, "couldn't look for the run log of %s",
				  run_dir);
	rc = split_state_dir(abs, l);
	free(abs);
	if (rc != 0)
		goto out;
	rc = exl_run_record_load(l->state_dir, &run, err);
	if (rc != 0)
		goto out;
	rc = -1;
	if (exl_layout_safe_rel(run.run_log) < 0) {
		exl_errf(err, "%s: its run.json names no run log, or an unsafe "
			 "one: correct run_log there", l->state_dir);
		goto out;
	}
	l->run_log = exl_path_join(l->root, run.run_log);
	/* the job whose [start, end] holds the W&B run's start, else the
	 * last job */
	job = exl_run_record_find_job(&run, NULL, run_start, START_SLACK_S);
	if (!job)
		job = exl_run_record_find_job(&run, NULL, 0, 0);
	if (job) {
		l->job_id = strdup(job->job_id);
		l->job_running = !job->end.set;
	}
	if (!l->run_log || (job && !l->job_id)) {
		exl_errnof(err, ENOMEM, "couldn't read the run.json in %s",
			   l->state_dir);
		goto out;
	}
	rc = read_doc_facts(l, run.submit_dir, err);
out:
	exl_run_record_free(&run);
	if (rc != 0)
		exl_wandb_link_free(l);
	return rc;
}

void exl_wandb_link_free(struct exl_wandb_link *l)
{
	size_t i;

	free(l->root);
	free(l->group);
	free(l->state_dir);
	free(l->run_log);
	free(l->job_id);
	free(l->entity);
	free(l->project);
	for (i = 0; i < l->ncheckpoints; i++)
		free(l->checkpoints[i]);
	free(l->checkpoints);
	memset(l, 0, sizeof(*l));
}

/* merge_url: set "- key: url" in the section at sec, keeping a
 * different URL a person or an earlier sync put there. */
static int merge_url(struct exl_doc *d, size_t sec, const char *key,
		     const char *url)
{
	char *old = exl_doc_get_key(d, sec, key), *v = NULL;
	int rc;

	if (old && real_value(old) && strstr(old, url)) {
		free(old);
		return 0;
	}
	if (old && real_value(old) && asprintf(&v, "%s, %s", old, url) < 0) {
		free(old);
		return -1;
	}
	rc = exl_doc_set_key(d, sec, key, v ? v : url);
	free(v);
	free(old);
	return rc;
}

/* update_doc: the URL lines: the job's block (all: every job block) and
 * ## W&B. */
static int update_doc(struct exl_doc *d, const char *job_id, const char *url,
		      int all)
{
	long blk, sec;
	size_t i;

	for (i = 0; all && i < d->n; i++)
		if (exl_doc_job_header(d->lines[i], NULL, NULL) &&
		    merge_url(d, i, "wandb", url) < 0)
			return -1;
	/* after the loop: its inserts moved the lines */
	blk = job_id ? exl_doc_find_job_block(d, job_id) : -1;
	if (blk < 0)
		blk = exl_doc_last_job_block(d);
	if (blk >= 0 && merge_url(d, (size_t)blk, "wandb", url) < 0)
		return -1;
	sec = exl_doc_find_section(d, "W&B", 0);
	if (sec < 0) {
		/* a person removed the section: put it back at the end */
		if (exl_doc_insert(d, d->n, "") < 0 ||
		    exl_doc_insert(d, d->n, "## W&B") < 0)
			return -1;
		sec = (long)d->n - 1;
	}
	return merge_url(d, (size_t)sec, "synced", url);
}

struct url_arg {
	const char *job_id;
	const char *url;
	int all;
};

static int put_url(struct exl_run_edit *e, void *arg)
{
	const struct url_arg *a = arg;

	return update_doc(&e->doc, a->job_id, a->url, a->all) < 0 ? -1 : 0;
}

int exl_wandb_link_record_url(const struct exl_wandb_link *l,
			      const char *url, int all_jobs,
			      struct exl_err *err)
{
	struct exl_run_edit e = { .run_log = l->run_log };
	struct url_arg a = { l->job_id, url, all_jobs };
	char *lock = exl_run_lock_path(l->root, l->group, l->run_log);
	int rc;

	rc = lock ? exl_run_edit(&e, lock, put_url, &a, err) :
		    exl_errnof(err, ENOMEM, "couldn't update %s", l->run_log);
	free(lock);
	return rc < 0 ? -1 : 0;
}
