/* run_begin.c - a job's start: a new run log, or the resumed one, with its
 * state dir, sidecar, timeline entry and tracker events. */
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
#include "util/jsonfile.h"
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
#include "job/chain_resume.h"
#include "job/run_internal.h"
#include "job/wandb_id.h"
#include "runstore/runlog_keys.h"

/* first_time: when the run began: its job's start, or its submission
 * for a run log written at submission (exl_run_submit). */
static time_t first_time(const struct exl_run_facts *f)
{
	return f->job.start ? f->job.start : f->job.submitted;
}

/* fill_paths: what exl_run_begin tells its caller. */
static int fill_paths(struct exl_run_paths *out, const char *run_log,
		      const char *state_dir, const struct exl_run_facts *f,
		      int resumed, struct exl_err *err)
{
	if (exl_lc_set_path(out->run_log, sizeof(out->run_log), run_log, err) < 0 ||
	    exl_lc_set_path(out->state_dir, sizeof(out->state_dir), state_dir, err) < 0 ||
	    exl_lc_set_path(out->wandb_dir, sizeof(out->wandb_dir), f->wandb_dir, err) < 0)
		return -1;
	snprintf(out->wandb_run_id, sizeof(out->wandb_run_id), "%s",
		 f->wandb_run_id);
	out->resumed = resumed;
	return 0;
}

/* snapshot_config: hash --exp-config and copy it into the state dir.
 * Failures are recorded in the facts, not fatal: the run log says why. */
static void snapshot_config(struct exl_run_facts *f, const char *state_dir)
{
	struct exl_err e;
	char *dir, *dst;

	if (!f->config_abs[0])
		return;
	if (exl_sha256_file(f->config_abs, f->config_sha256, &e) < 0) {
		snprintf(f->config_error, sizeof(f->config_error), "%s", e.text);
		f->config_sha256[0] = '\0';
		return;
	}
	dir = exl_path_join(state_dir, "config");
	dst = dir ? exl_path_join(dir, exl_basename(f->config_abs)) : NULL;
	if (!dst || exl_mkdir_p(dir, 0755, &e) < 0 ||
	    exl_copy_file(f->config_abs, dst, 64u << 20, &e) < 0) {
		snprintf(f->config_error, sizeof(f->config_error), "%s",
			 dst ? e.text : "out of memory");
	} else {
		snprintf(f->config_snapshot, sizeof(f->config_snapshot), "%s", dst);
	}
	free(dst);
	free(dir);
}

void exl_lc_save_patch(struct exl_run_facts *f, const char *state_dir)
{
	char *path;

	f->patch_path[0] = f->patch_sha256[0] = '\0';
	if (!f->git.found || !f->git.dirty)
		return;
	path = exl_path_join(state_dir, "code.patch");
	if (path && exl_gitstate_write_patch(f->job.submit_dir, path, 16u << 20,
					     f->patch_sha256, NULL) == 0)
		snprintf(f->patch_path, sizeof(f->patch_path), "%s", path);
	free(path);
}

/* event_config: the tracker's config of a run: its statepoints and
 * config file.  NULL when out of memory. */
static json_object *event_config(const struct exl_run_facts *f)
{
	struct exl_rr_map sp = { 0 };
	json_object *cfg = json_object_new_object();
	size_t i;

	if (cfg && f->opts->statepoints &&
	    exl_rr_map_from_pairs(&sp, f->opts->statepoints) == 0)
		for (i = 0; i < sp.n; i++)
			exl_json_set_str(cfg, sp.key[i], sp.val[i]);
	exl_rr_map_free(&sp);
	if (cfg && f->config_abs[0])
		exl_json_set_str(cfg, "config_path", f->config_abs);
	if (cfg && f->config_sha256[0])
		exl_json_set_str(cfg, "config_sha256", f->config_sha256);
	return cfg;
}

/* init_event: the built-in tracker's init_run for this execution. */
static void init_event(const struct exl_run_facts *f, const char *state_dir,
		       int resumed)
{
	const struct exl_opts *o = f->opts;
	json_object *e = json_object_new_object(), *tags;

	exl_json_set_str(e, "project", o->group ? o->group : f->task);
	exl_json_set_str(e, "group", o->group);
	exl_json_set_str(e, "run", f->task);
	exl_json_set_str(e, "job_id", f->job.job_id);
	tags = json_object_new_array();
	if (o->run_type)
		json_object_array_add(tags, json_object_new_string(o->run_type));
	json_object_object_add(e, "tags", tags);
	json_object_object_add(e, "config", event_config(f));
	exl_json_set_str(e, "notes", o->objective);
	exl_json_set_bool(e, "offline", 1);
	exl_json_set_bool(e, "resumed", resumed);
	/* best effort: the run log is what matters */
	exl_events_append(state_dir, "init_run", e, NULL);
	json_object_put(e);
}

/* resumed_block: text of a "## Job (resumed)" block; "## Job (resumed
 * K/M)" for the Kth requeue of a chain that allows M (cr). */
static char *resumed_block(const struct exl_run_facts *f,
			   const struct exl_chain_resume *cr)
{
	const struct exl_job_facts *j = &f->job;
	struct exl_sb b = { 0 };
	char sub[40], st[40], human[64], lim[32];

	exl_time_iso(j->submitted, sub, sizeof(sub));
	exl_time_iso(j->start, st, sizeof(st));
	exl_time_human(j->start, 1, human, sizeof(human));
	exl_minutes_limit(j->time_limit_min, lim, sizeof(lim));
	if (cr->k)
		exl_sb_printf(&b, "## Job (resumed %d/%d)\n", cr->k, cr->m);
	else
		exl_sb_printf(&b, "## Job (resumed)\n");
	exl_sb_printf(&b, "- " EXL_K_EXECUTION_ID ": %s\n", j->job_id);
	if (j->restart_count > 0)
		exl_sb_printf(&b, "- restart: %d\n", j->restart_count);
	exl_sb_printf(&b, "- " EXL_K_SUBMITTED ": `%s`\n- start: `%s`\n", sub, st);
	exl_sb_printf(&b, "- " EXL_K_START_HUMAN ": `%s`\n", human);
	exl_sb_printf(&b, "- " EXL_K_END ": %s\n- end_human: %s\n- runtime: %s\n",
		      EXL_PENDING, EXL_PENDING, EXL_PENDING);
	exl_sb_printf(&b, "- " EXL_K_NODES ": `%s` (%d)\n", j->nodes, j->nnodes);
	exl_sb_printf(&b, "- " EXL_K_PARTITION ": %s\n- time_limit: `%s`\n", j->partition,
		      lim);
	exl_sb_printf(&b, "- " EXL_K_SIGNAL ": %s\n", j->signal_spec[0] ? j->signal_spec : "none");
	if (f->resumed_from[0] && f->resume_step[0])
		exl_sb_printf(&b, "- " EXL_K_RESUMED_FROM ": `%s` (the earlier links' newest checkpoint; step %s)\n",
			      f->resumed_from, f->resume_step);
	else if (f->resumed_from[0] && !f->opts->checkpoint)
		exl_sb_printf(&b, "- " EXL_K_RESUMED_FROM ": `%s` (the earlier links' newest checkpoint)\n",
			      f->resumed_from);
	else if (f->resumed_from[0])
		exl_sb_printf(&b, "- " EXL_K_RESUMED_FROM ": `%s`%s\n", f->resumed_from,
			      f->resumed_from_missing ?
			      " (not found when the job started)" : "");
	else
		exl_sb_printf(&b, "- " EXL_K_RESUMED_FROM ": no checkpoint found (use --exp-checkpoint=PATH)\n");
	return exl_sb_take(&b, NULL);
}

/* start_run: how a new or resumed run's begin ends: the tracker's
 * init_run, the W&B dir (when f has one), the job index (rel, srel:
 * run log and state dir relative to root) unless indexed, and the
 * caller's paths. */
static int start_run(const char *root, struct exl_run_facts *f,
		     const char *run_log, const char *state_dir,
		     const char *rel, const char *srel, int resumed,
		     int indexed, struct exl_run_paths *out,
		     struct exl_err *err)
{
	if (f->job.start)	/* a submitted run's starts with the job */
		init_event(f, state_dir, resumed);
	if (f->wandb_dir[0] && exl_mkdir_p(f->wandb_dir, 0755, err) < 0)
		return -1;
	/* a job that continues the run: the run's W&B run id */
	if (f->wandb_dir[0] && !f->wandb_run_id[0] &&
	    exl_wandb_id_continue(run_log, state_dir, f, err) < 0)
		return -1;
	if (!indexed && exl_lc_write_index(root, f, rel, srel, 1, err) < 0)
		return -1;
	return fill_paths(out, run_log, state_dir, f, resumed, err);
}

/* rel_of: path relative to root (NULL when it is not under root, or
 * out of memory). */
static char *rel_of(const char *root, const char *path)
{
	size_t rl = strlen(root);

	if (strncmp(path, root, rl) != 0 || path[rl] != '/')
		return NULL;
	return strdup(path + rl + 1);
}

/* hand_over: a requeued link without --exp-checkpoint starts from the
 * newest checkpoint the earlier links wrote (chain_resume.h). */
static void hand_over(struct exl_run_facts *f,
		      const struct exl_chain_resume *cr)
{
	if (f->resumed_from[0] || !cr->checkpoint[0])
		return;
	snprintf(f->resumed_from, sizeof(f->resumed_from), "%s", cr->checkpoint);
	snprintf(f->resume_step, sizeof(f->resume_step), "%s", cr->step);
}

/* resumed_doc: the run log at run_log with the resumed job's Status line
 * and "## Job (resumed)" block added (d loaded; not saved yet). */
static int resumed_doc(struct exl_doc *d, const char *run_log,
		       const char *state_dir, struct exl_run_facts *f,
		       struct exl_err *err)
{
	const struct exl_job_facts *j = &f->job;
	struct exl_chain_resume cr;
	char msg[4700], of[24] = "", *block, *l, *save = NULL;
	int rc = 0;

	if (exl_doc_load(run_log, d, err) < 0)
		return -1;
	exl_chain_resume(f, d, state_dir, &cr);
	hand_over(f, &cr);
	if (cr.k)
		snprintf(of, sizeof(of), " of %d", cr.m);
	if (j->restart_count > 0)
		snprintf(msg, sizeof(msg), "requeued: job %s restarted (restart %d%s) on %s%s%s",
			 j->job_id, j->restart_count, of, j->batch_host,
			 f->resumed_from[0] ? " from " : "", f->resumed_from);
	else
		snprintf(msg, sizeof(msg), "resumed: job %s on %s%s%s",
			 j->job_id, j->batch_host,
			 f->resumed_from[0] ? " from " : "", f->resumed_from);
	block = resumed_block(f, &cr);
	if (!block || exl_lc_append_status(d, j->start, msg) < 0 ||
	    exl_doc_insert(d, d->n, "") < 0)
		rc = -1;
	for (l = block && rc == 0 ? strtok_r(block, "\n", &save) : NULL;
	     l && rc == 0; l = strtok_r(NULL, "\n", &save))
		rc = exl_doc_insert(d, d->n, l);
	free(block);
	return rc < 0 ? exl_errnof(err, ENOMEM, "couldn't update %s", run_log) : 0;
}

/* add_job_record: the resumed job as the next entry of the run's
 * run.json; *earlier gets how many entries were there before. */
static int add_job_record(const char *state_dir, const struct exl_run_facts *f,
			  struct exl_run_record *r, size_t *earlier,
			  struct exl_err *err)
{
	struct exl_run_job *j;
	int rc = exl_run_record_load(state_dir, r, err);

	if (rc != 0)
		return -1;
	if (!r->jobs.present)
		return exl_errf(err, "%s: the run's run.json has no jobs array "
				"(edited by hand?): restore it", state_dir);
	*earlier = r->jobs.n;
	if (!(j = exl_run_record_add_job(r)) || exl_lc_job_record(j, &f->job) < 0)
		return exl_errnof(err, ENOMEM, "couldn't update the run.json in %s",
				  state_dir);
	return exl_run_record_save(state_dir, r, err);
}

/* resume_run: append a resumed job block to an existing run log, add the
 * job to its run.json and point the job index and the run index at it. */
static int resume_run(const char *root, struct exl_run_facts *f,
		      const char *run_log, const char *state_dir,
		      struct exl_run_paths *out, struct exl_err *err)
{
	struct exl_doc d = { 0 };
	struct exl_run_record r = { 0 };
	char *rel = rel_of(root, run_log), *srel = rel_of(root, state_dir);
	char key[EXL_INDEX_KEY_MAX + 1];
	size_t n = 0;
	int rc = -1;

	if (!rel || !srel) {
		exl_errf(err, "%s: not under the run-log root %s", run_log, root);
		goto out;
	}
	if (resumed_doc(&d, run_log, state_dir, f, err) < 0)
		goto out;
	/* listed as open before the log says so again */
	exl_lc_run_key(f->job.job_id, rel, key, sizeof(key));
	if (exl_index_open(root, key, exl_lc_job_key(f->job.job_id), rel, err) < 0 ||
	    exl_doc_save(run_log, &d, err) < 0 ||
	    add_job_record(state_dir, f, &r, &n, err) < 0)
		goto out;
	exl_lc_unlist_earlier(root, &r, n, rel, key);
	if (f->opts->wandb && strcmp(f->opts->wandb, "offline") == 0)
		snprintf(f->wandb_dir, sizeof(f->wandb_dir), "%s/wandb", state_dir);
	rc = start_run(root, f, run_log, state_dir, rel, srel, 1, 0, out,
		       err);
	snprintf(out->resume_checkpoint, sizeof(out->resume_checkpoint), "%s",
		 f->resumed_from);
	snprintf(out->resume_step, sizeof(out->resume_step), "%s",
		 f->resume_step);
out:
	exl_run_record_free(&r);
	free(rel);
	free(srel);
	exl_doc_free(&d);
	return rc;
}

/* A new run log being made: the name picked and what is written. */
struct new_run {
	char *path, *sdir;	/* the run log, its state dir */
	char stem[EXL_NAME_MAX + 32], name[EXL_NAME_MAX + 40];
	char rel[EXL_NAME_MAX * 2 + 64];	/* the log, relative to root */
	char key[EXL_INDEX_KEY_MAX + 1];	/* its run index key */
	int made;		/* 0: path is ours; 1: taken; -1: not tried */
	int listed;		/* key is in the run index */
	int recorded;		/* its run.json is written */
	int timed;		/* its timeline line is written */
};

/* undo_create: take back what a failed create_run wrote: the run log,
 * its run.json and the job's index file; then unlist a listed name that
 * is not ours (a failure leaves an entry the reader skips or reads
 * harmlessly).  Under the run's lock, or the group lock before the run
 * was named. */
static void undo_create(const char *root, const char *job_id,
			struct new_run *nr, int failed)
{
	char *jidx;

	if (failed && nr->made == 0) {
		(void)unlink(nr->path);
		if (nr->recorded)
			exl_run_record_remove(nr->sdir);
		if ((jidx = exl_layout_job_index(root, job_id)))
			(void)unlink(jidx);
		free(jidx);
	}
	if (nr->listed && (nr->made != 0 || failed))
		(void)exl_index_drop(root, nr->key, nr->rel, NULL);
}

/* lock_line: the rendered new run log with the Status line that says the
 * group lock is a link file (said once, in the log's first version, so no
 * later save can miss it); text itself when fcntl locks work.  NULL when
 * out of memory. */
static char *lock_line(char *text, time_t when)
{
	struct exl_doc d;
	struct exl_err e;
	char *out = NULL;
	size_t len;

	if (exl_lock_kind() != EXL_LOCK_LINK)
		return text;
	if (exl_doc_parse(&d, text, &e) == 0) {
		if (exl_lc_append_status(&d, when, "group lock: link file (this "
					 "filesystem has no fcntl locks)") == 0)
			out = exl_doc_render(&d, &len);
		exl_doc_free(&d);
	}
	free(text);
	return out;
}

/* candidate: the i-th free-name candidate "<date>_<task>[_<i>]" as stem
 * and file name, and its path in gdir (NULL: out of memory). */
static char *candidate(const char *gdir, const char *date, const char *task,
		       int i, char *stem, size_t slen, char *name, size_t nlen)
{
	if (i == 1)
		snprintf(stem, slen, "%s_%s", date, task);
	else
		snprintf(stem, slen, "%s_%s_%d", date, task, i);
	snprintf(name, nlen, "%s.md", stem);
	return exl_path_join(gdir, name);
}

/* prepare_state: the state dir of stem, made, with the config snapshot,
 * the W&B dir's name and the code patch (NULL with err set). */
static char *prepare_state(const char *root, struct exl_run_facts *f,
			   const char *stem, struct exl_err *err)
{
	char *sdir = exl_layout_state_dir(root, f->opts->group, stem);

	if (!sdir) {
		exl_errnof(err, ENOMEM, "couldn't create run log");
		return NULL;
	}
	if (exl_mkdir_p(sdir, 0755, err) < 0) {
		free(sdir);
		return NULL;
	}
	f->config_snapshot[0] = f->config_error[0] = '\0';
	snapshot_config(f, sdir);
	if (f->opts->wandb && strcmp(f->opts->wandb, "offline") == 0)
		snprintf(f->wandb_dir, sizeof(f->wandb_dir), "%s/wandb", sdir);
	exl_wandb_id_new(f);
	exl_lc_save_patch(f, sdir);
	return sdir;
}

/* try_name: the i-th candidate name: its state dir, then the rendered
 * log created exclusively (listed as open before it exists: a crash in
 * between leaves an entry naming a missing log, which readers skip).
 * nr->made says whether the name was ours. */
static int try_name(const char *root, struct exl_run_facts *f,
		    struct new_run *nr, struct exl_err *err)
{
	const char *group = f->opts->group;
	char *text;

	free(nr->sdir);
	if (!(nr->sdir = prepare_state(root, f, nr->stem, err)))
		return -1;
	text = exl_runlog_render(f);
	if (text)
		text = lock_line(text, first_time(f));
	if (!text)
		return exl_errnof(err, ENOMEM, "couldn't render run log");
	snprintf(nr->rel, sizeof(nr->rel), "%s%s%s", group ? group : "",
		 group ? "/" : "", nr->name);
	exl_lc_run_key(f->job.job_id, nr->rel, nr->key, sizeof(nr->key));
	if (exl_index_open(root, nr->key, exl_lc_job_key(f->job.job_id),
			   nr->rel, err) < 0) {
		free(text);
		return -1;
	}
	nr->listed = 1;
	/* synced once the group lock is given back (name_run) */
	nr->made = exl_create_exclusive_unsynced(nr->path, text, strlen(text),
						 0644, err);
	free(text);
	return nr->made < 0 ? -1 : 0;
}

/* claim_name: the first free "<date>_<task>[_N].md" in gdir, created. */
static int claim_name(const char *root, const char *gdir,
		      struct exl_run_facts *f, struct new_run *nr,
		      struct exl_err *err)
{
	char date[16];
	struct stat st;
	int i;

	exl_time_date(first_time(f), date, sizeof(date));
	for (i = 1; i < 1000; i++) {
		free(nr->path);
		nr->path = candidate(gdir, date, f->task, i, nr->stem,
				     sizeof(nr->stem), nr->name,
				     sizeof(nr->name));
		if (!nr->path)
			return exl_errnof(err, ENOMEM, "couldn't create run log");
		if (lstat(nr->path, &st) == 0)
			continue;
		if (try_name(root, f, nr, err) < 0)
			return -1;
		if (nr->made == 0)
			return 0;
	}
	return exl_errf(err, "%s/%s_%s: 999 run logs with this name already: use --exp-task",
			gdir, date, f->task);
}

/* record_run: the new run's run.json. */
static int record_run(const struct exl_run_facts *f, struct new_run *nr,
		      struct exl_err *err)
{
	struct exl_run_record r = { 0 };
	int rc;

	if (exl_lc_run_record(&r, f, nr->rel, nr->sdir) < 0)
		rc = exl_errnof(err, ENOMEM, "couldn't create a run log");
	else
		rc = exl_run_record_save(nr->sdir, &r, err);
	nr->recorded = rc == 0;
	exl_run_record_free(&r);
	return rc;
}

/* chain_note: a chain stage's timeline note: the job it depends on and
 * the job that depends on it; NULL for other runs. */
static const char *chain_note(const struct exl_job_facts *j, char *buf,
			      size_t len)
{
	if (!j->depends_on[0] && !j->needed_by[0])
		return NULL;
	snprintf(buf, len, "%s%s%s%s%s", j->depends_on[0] ? "depends on " : "",
		 j->depends_on, j->depends_on[0] && j->needed_by[0] ? "; " : "",
		 j->needed_by[0] ? "needed by " : "", j->needed_by);
	return buf;
}

/* name_run: with the group lock held (*gfd), pick a free name, create
 * the run log there and the job's map (how the job's other writers, and
 * a submission racing its start, find the run), add the run's line to
 * the group's timeline, then take the run's lock (*rfd; a lock held of
 * another run the job's map named before is given back first) and give
 * the group lock back: the rest of a new run's start is the run's own,
 * so the jobs of an array queue on the group lock only to be named.  The
 * log and the map are synced to the disk once the group lock is given
 * back (readers see each whole at once anyway).  nr->timed says the
 * timeline names the run. */
static int name_run(const char *root, const char *gdir,
		    struct exl_run_facts *f, struct new_run *nr, char **srel,
		    int *gfd, int *rfd, struct exl_err *err)
{
	char cnote[1100], *jidx, *spare;
	int rc;

	exl_unlock(*rfd);
	*rfd = -1;
	if (claim_name(root, gdir, f, nr, err) < 0)
		return -1;
	if (!(*srel = exl_layout_state_rel(f->opts->group, nr->stem)) ||
	    !(spare = exl_layout_timeline_spare(root, f->opts->group)))
		return exl_errnof(err, ENOMEM, "couldn't create a run log");
	rc = exl_lc_write_index(root, f, nr->rel, *srel, 0, err) < 0 ||
	     exl_timeline_update(gdir, spare, f->opts->group, nr->name,
				 first_time(f),
				 chain_note(&f->job, cnote, sizeof(cnote)),
				 err) < 0 ? -1 : 0;
	free(spare);
	if (rc < 0)
		return -1;
	nr->timed = 1;
	*rfd = exl_run_lock(root, f->opts->group, nr->path, err);
	if (*rfd < 0)
		return -1;
	exl_unlock(*gfd);
	*gfd = -1;
	jidx = exl_layout_job_index(root, f->job.job_id);
	if (!jidx)
		return exl_errnof(err, ENOMEM, "couldn't create a run log");
	rc = exl_sync_path(nr->path, err) < 0 || exl_sync_path(jidx, err) < 0 ?
	     -1 : 0;
	free(jidx);
	return rc;
}

/* untime: a run taken back after its timeline line was written: the
 * line goes too, under the group lock taken again (lock), the run's lock
 * given back first (the group lock always comes first: run_edit.h). */
static void untime(const char *root, const char *group, const char *gdir,
		   const char *lock, const struct new_run *nr, int *gfd,
		   int *rfd)
{
	char *spare;
	struct exl_err e;

	if (!nr->timed)
		return;
	if (*gfd < 0) {
		exl_unlock(*rfd);
		*rfd = -1;
		*gfd = exl_lock(lock, EXL_LOCK_TIMEOUT, &e);
	}
	/* no spare when out of memory: a fresh temp file then */
	spare = exl_layout_timeline_spare(root, group);
	if (*gfd >= 0)
		(void)exl_timeline_remove(gdir, spare, nr->name, &e);
	free(spare);
}

/* create_run: pick a free "<date>_<task>[_N].md" and write everything:
 * all or nothing, a run that fails half-way takes back what it wrote.
 * Called with the group lock (*gfd, from lock) held: it is held only to
 * name the run (and again to take a failed run back); both descriptors
 * are the caller's to give back. */
static int create_run(const char *root, const char *gdir, const char *lock,
		      struct exl_run_facts *f, const char *note, int *gfd,
		      int *rfd, struct exl_run_paths *out, struct exl_err *err)
{
	struct new_run nr = { .made = -1 };
	char *srel = NULL;
	int rc = -1;

	if (name_run(root, gdir, f, &nr, &srel, gfd, rfd, err) < 0)
		goto out;
	if (note && exl_run_note(nr.path, first_time(f), note, err) < 0)
		goto out;
	if (record_run(f, &nr, err) < 0 ||
	    start_run(root, f, nr.path, nr.sdir, nr.rel, srel, 0, 1, out,
		      err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		untime(root, f->opts->group, gdir, lock, &nr, gfd, rfd);
	undo_create(root, f->job.job_id, &nr, rc < 0);
	free(srel);
	free(nr.sdir);
	free(nr.path);
	return rc;
}

/* fresh_root: does root hold no run log and no exp-log state yet?  An
 * index started now then knows every run (run_index.h): the first
 * writer stamps it.  Two first writers may both decide so; both list
 * their runs. */
static int fresh_root(const char *root)
{
	char *jobs = exl_layout_jobs_dir(root);
	struct exl_scan sc;
	struct stat st;
	int fresh;

	if (!jobs)
		return 0;
	fresh = lstat(jobs, &st) < 0 && errno == ENOENT;
	free(jobs);
	if (!fresh)
		return 0;
	if (lstat(root, &st) < 0)
		return errno == ENOENT;
	fresh = exl_scan_list(root, NULL, &sc, NULL) == 0 && sc.n == 0;
	exl_scan_free(&sc);
	return fresh;
}

/* make_meta_dirs: the root, the group dir, .exp-log's subdirs and the
 * run index. */
static int make_meta_dirs(const char *root, const char *gdir,
			  struct exl_err *err)
{
	const char *const *sub = exl_layout_meta_subdirs();
	char *meta = exl_layout_meta(root), *p;
	int rc = 0, fresh = fresh_root(root);
	size_t i;

	if (!meta)
		return exl_errnof(err, ENOMEM, "couldn't create %s", root);
	if (exl_mkdir_p(gdir, 0755, err) < 0 || exl_mkdir_p(meta, 0755, err) < 0)
		rc = -1;
	for (i = 0; rc == 0 && sub[i]; i++) {
		p = exl_path_join(meta, sub[i]);
		if (!p || exl_mkdir_p(p, 0755, err) < 0)
			rc = -1;
		free(p);
	}
	if (rc == 0 && exl_index_init(root, fresh, err) < 0)
		rc = -1;
	free(meta);
	return rc;
}

/* stem_task: does "YYYY-MM-DD_TASK[_N].md" name a run of task?  *order
 * gets a sort key (date, N). */
static int stem_task(const char *name, const char *task, char *order,
		     size_t len)
{
	size_t tl = strlen(task), nl = strlen(name);
	const char *rest;
	long n = 1;

	if (nl < 14 || strcmp(name + nl - 3, ".md") != 0 || name[10] != '_' ||
	    strncmp(name + 11, task, tl) != 0)
		return 0;
	rest = name + 11 + tl;
	if (rest[0] == '_' && isdigit((unsigned char)rest[1])) {
		char *end;

		n = strtol(rest + 1, &end, 10);
		rest = end;
	}
	if (strcmp(rest, ".md") != 0)
		return 0;
	snprintf(order, len, "%.10s %06ld", name, n);
	return 1;
}

char *exl_run_latest_of_task(const char *dir, const char *task)
{
	char best[32] = "", order[32], *hit = NULL;
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (!dp)
		return NULL;
	while ((de = readdir(dp))) {
		if (!stem_task(de->d_name, task, order, sizeof(order)) ||
		    strcmp(order, best) <= 0)
			continue;
		free(hit);
		hit = exl_path_join(dir, de->d_name);
		snprintf(best, sizeof(best), "%s", order);
	}
	closedir(dp);
	return hit;
}

/* resume_target: the run log --exp-resume names, which must live in this
 * run's group directory.  NULL with *why set when there is none. */
static char *resume_target(const char *gdir, const struct exl_run_facts *f,
			   char *why, size_t len)
{
	const char *want = f->opts->resume_log;
	char *path, *dir;
	struct stat st;

	if (!want) {
		path = exl_run_latest_of_task(gdir, f->task);
		if (!path)
			snprintf(why, len, "no earlier run log of task %s in %s",
				 f->task, gdir);
		return path;
	}
	path = want[0] == '/' ? strdup(want) : exl_path_join(gdir, exl_basename(want));
	if (!path)
		return NULL;
	dir = exl_dirname(path);
	if (!dir || strcmp(dir, gdir) != 0 || lstat(path, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		snprintf(why, len, "--exp-resume=%s is not a run log in %s", want,
			 gdir);
		free(path);
		path = NULL;
	}
	free(dir);
	return path;
}

/* same_run: may job f continue the run whose run.json is in state_dir?
 * A different task or config hash makes it a different run (*why says). */
static int same_run(const char *state_dir, const struct exl_run_facts *f,
		    char *why, size_t len)
{
	struct exl_run_record r;
	struct exl_err e;
	const char *task, *sha;
	int same = 0;

	if (exl_run_record_load(state_dir, &r, &e) != 0) {
		snprintf(why, len, "its sidecar is unreadable (%.400s)", e.text);
		return 0;
	}
	task = r.task;
	sha = r.config.sha256;
	if (task && strcmp(task, f->task) != 0)
		snprintf(why, len, "task differs (%s, now %s)", task, f->task);
	else if (sha && f->config_sha256[0] && strcmp(sha, f->config_sha256) != 0)
		snprintf(why, len, "config changed (sha256 %.12s..., now %.12s...)",
			 sha, f->config_sha256);
	else
		same = 1;
	exl_run_record_free(&r);
	return same;
}

/* state_dir_of: the state dir of a run log in this group. */
static char *state_dir_of(const char *root, const char *group,
			  const char *run_log)
{
	char *stem = exl_layout_stem(run_log), *sd;

	if (!stem)
		return NULL;
	sd = exl_layout_state_dir(root, group, stem);
	free(stem);
	return sd;
}

/* start_submitted_paths: how the start of a run written at submission
 * ends: the tracker's init_run, the W&B dir, the job map, the paths. */
static int start_submitted_paths(const char *root, struct exl_run_facts *f,
				 const char *run_log, const char *state_dir,
				 struct exl_run_paths *out, struct exl_err *err)
{
	char *rel = rel_of(root, run_log), *srel = rel_of(root, state_dir);
	int rc;

	if (f->opts->wandb && strcmp(f->opts->wandb, "offline") == 0)
		snprintf(f->wandb_dir, sizeof(f->wandb_dir), "%s/wandb", state_dir);
	rc = rel && srel ?
	     start_run(root, f, run_log, state_dir, rel, srel, 0, 0, out,
		       err) :
	     exl_errf(err, "%s: not under the run-log root %s", run_log, root);
	free(rel);
	free(srel);
	return rc;
}

int exl_run_submit(const char *root, struct exl_run_facts *f,
		   struct exl_run_paths *out, struct exl_err *err)
{
	char *gdir = exl_layout_group_dir(root, f->opts->group);
	char *lock = exl_layout_lock(root, f->opts->group);
	char *jidx = exl_layout_job_index(root, f->job.job_id);
	int fd = -1, rfd = -1, rc = -1;

	memset(out, 0, sizeof(*out));
	f->job.start = 0;
	if (!gdir || !lock || !jidx) {
		exl_errnof(err, ENOMEM, "couldn't write the run log");
		goto out;
	}
	if (root[0] != '/') {
		exl_errf(err, "run-log root %s: not an absolute path", root);
		goto out;
	}
	if (make_meta_dirs(root, gdir, err) < 0)
		goto out;
	fd = exl_lock(lock, EXL_LOCK_TIMEOUT, err);
	if (fd < 0)
		goto out;
	/* the job started first and wrote its own: nothing to add */
	if (access(jidx, F_OK) == 0) {
		rc = 1;
		goto out;
	}
	rc = create_run(root, gdir, lock, f, NULL, &fd, &rfd, out, err);
out:
	exl_unlock(rfd);
	exl_unlock(fd);
	free(jidx);
	free(lock);
	free(gdir);
	return rc;
}

int exl_run_begin(const char *root, struct exl_run_facts *f,
		  struct exl_run_paths *out, struct exl_err *err)
{
	const char *group = f->opts->group;
	char *gdir = exl_layout_group_dir(root, group);
	char *lock = exl_layout_lock(root, group);
	char *run_log = NULL, *state_dir = NULL, *idx_group = NULL;
	char why[512] = "", note[1400];
	int fd = -1, rfd = -1, rc = -1, found;

	memset(out, 0, sizeof(*out));
	if (!gdir || !lock) {
		exl_errnof(err, ENOMEM, "couldn't start run log");
		goto out;
	}
	if (root[0] != '/') {
		exl_errf(err, "run-log root %s: not an absolute path", root);
		goto out;
	}
	if (make_meta_dirs(root, gdir, err) < 0)
		goto out;
	if (f->config_abs[0] && !f->config_sha256[0] &&
	    exl_sha256_file(f->config_abs, f->config_sha256, NULL) < 0)
		f->config_sha256[0] = '\0';
	fd = exl_lock(lock, EXL_LOCK_TIMEOUT, err);
	if (fd < 0)
		goto out;
	/* a requeued job (same id, restart count > 0) continues its log */
	found = exl_lc_read_index(root, f->job.job_id, &run_log, &state_dir,
			   &idx_group, err);
	if (found < 0)
		goto out;
	/* the run exists: its own lock too, for its other writers */
	if (found == 0 &&
	    (rfd = exl_run_lock(root, idx_group, run_log, err)) < 0)
		goto out;
	/* written at submission (exl_run_submit) and never started (also
	 * when requeued before it ran): the start fills it in */
	if (found == 0 && (rc = exl_lc_start_submitted(root, f, run_log,
						       state_dir, err)) != 1) {
		if (rc == 0)
			rc = start_submitted_paths(root, f, run_log, state_dir,
						   out, err);
		goto out;
	}
	rc = -1;
	if (found == 0 && f->job.restart_count > 0 && access(run_log, F_OK) == 0) {
		rc = resume_run(root, f, run_log, state_dir, out, err);
		goto out;
	}
	free(run_log);
	free(state_dir);
	run_log = state_dir = NULL;
	if (f->opts->resume) {
		run_log = resume_target(gdir, f, why, sizeof(why));
		state_dir = run_log ? state_dir_of(root, group, run_log) : NULL;
		if (run_log && state_dir && same_run(state_dir, f, why, sizeof(why))) {
			if ((rfd = exl_run_lock(root, group, run_log, err)) >= 0)
				rc = resume_run(root, f, run_log, state_dir,
						out, err);
			goto out;
		}
		snprintf(note, sizeof(note), "new run log, not resumed: %s%s%s",
			 run_log ? exl_basename(run_log) : "", run_log ? ": " : "",
			 why[0] ? why : "out of memory");
	}
	rc = create_run(root, gdir, lock, f, f->opts->resume ? note : NULL,
			&fd, &rfd, out, err);
out:
	exl_unlock(rfd);
	exl_unlock(fd);
	free(run_log);
	free(state_dir);
	free(idx_group);
	free(lock);
	free(gdir);
	return rc;
}
