/* run_closeout.c - how a job ended, told once: merging the end facts into
 * the sidecar, the final Status line, Results, telemetry, W&B, the
 * experiments row; as the job's user from the epilog. */
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
#include "util/shword.h"
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
#include "job/chain.h"
#include "job/run_internal.h"
#include "job/run_late.h"
#include "runstore/runlog_keys.h"

/* merge_end: fold what e knows into the run.json entry.  The batch
 * step's exit status is kept once seen; the scheduler's state and end
 * time replace any earlier guess. */
static int merge_end(struct exl_run_job *job, const struct exl_run_end *e)
{
	char text[64];

	if (e->have_status && !job->exit_status.set) {
		exl_rr_int_set(&job->exit_status, e->wstatus);
		exl_exit_text(e->wstatus, text, sizeof(text));
		if (exl_rr_str_set(&job->exit, text) < 0)
			return -1;
	}
	if (e->sched_state && exl_rr_str_set(&job->sched_state, e->sched_state) < 0)
		return -1;
	/* the scheduler's end time is the job's (an salloc allocation ends
	 * after its steps); otherwise the first end seen stays */
	if (!job->end.set || e->sched_state)
		exl_rr_int_set(&job->end, (long long)e->end);
	return e->source ? exl_rr_str_set(&job->ended_by, e->source) : 0;
}

/* verdict: the Status text for the merged entry.  A batch script killed
 * by a signal is not a verdict yet: the scheduler says why it was. */
static void verdict(const struct exl_run_job *job, char *buf, size_t len)
{
	const char *st = job->sched_state;
	int have = job->exit_status.set;
	int ws = (int)job->exit_status.v;

	if (!st && have && WIFSIGNALED(ws)) {
		char sig[32];

		snprintf(buf, len, "batch script killed by signal %d (%s)",
			 WTERMSIG(ws), exl_signal_name(WTERMSIG(ws), sig,
						       sizeof(sig)));
		return;
	}
	exl_final_text(st, have, ws, buf, len);
}

/* update_doc: end fields of the job block, Results, and the Status line. */
static int update_doc(struct exl_doc *d, const struct exl_run_job *job,
		      const char *job_id, const char *status_line, time_t now,
		      struct exl_rr_map *owned)
{
	char iso_s[40], iso_e[40], human[64], hms[32], val[160], scope[64];
	time_t start = (time_t)exl_rr_int_or(&job->start, 0);
	time_t end = (time_t)exl_rr_int_or(&job->end, (long long)now);
	const char *st = job->sched_state;
	const char *ex = job->exit;
	long blk = exl_doc_find_job_block(d, job_id);
	long res;

	exl_time_iso(start, iso_s, sizeof(iso_s));
	exl_time_iso(end, iso_e, sizeof(iso_e));
	exl_time_human(end, 1, human, sizeof(human));
	exl_duration_hms((long long)(end - start), hms, sizeof(hms));
	snprintf(scope, sizeof(scope), "job:%s:%lld", job_id,
		 exl_rr_int_or(&job->restart_count, 0));
	if (blk >= 0) {
		snprintf(val, sizeof(val), "`%s`", iso_e);
		if (exl_owned_set(d, (size_t)blk, scope, EXL_K_END, val, owned) < 0)
			return -1;
		snprintf(val, sizeof(val), "`%s`", human);
		if (exl_owned_set(d, (size_t)blk, scope, EXL_K_END_HUMAN, val, owned) < 0)
			return -1;
		snprintf(val, sizeof(val), "`%s`", hms);
		if (exl_owned_set(d, (size_t)blk, scope, EXL_K_RUNTIME, val, owned) < 0)
			return -1;
	}
	res = exl_doc_find_section(d, "Results", 0);
	if (res >= 0) {
		snprintf(val, sizeof(val), "`%s` (start `%s`, end `%s`)", hms,
			 iso_s, iso_e);
		if (exl_owned_set(d, (size_t)res, "Results", EXL_K_RUNTIME, val, owned) < 0)
			return -1;
		if (ex && exl_owned_set(d, (size_t)res, "Results", EXL_K_EXIT, ex,
					owned) < 0)
			return -1;
		if (st && exl_owned_set(d, (size_t)res, "Results",
					EXL_K_SCHEDULER_STATE, st, owned) < 0)
			return -1;
	}
	if (status_line && exl_lc_append_status(d, now, status_line) < 0)
		return -1;
	return 0;
}

/* ck_dir: the directory a passport of checkpoint ck covers: ck itself
 * when it names a directory (a trailing '/', dropped here), else the
 * file's directory.  NULL when memory ran out. */
static char *ck_dir(const char *ck)
{
	size_t n = strlen(ck);

	if (n > 1 && ck[n - 1] == '/') {
		while (n > 1 && ck[n - 1] == '/')
			n--;
		return strndup(ck, n);
	}
	return exl_dirname(ck);
}

/* suggest_next: when Next still holds only the placeholder, suggest what
 * the end calls for: resume after a time limit or preemption, a passport
 * before any eval or upload of a finished checkpoint, a look at the error
 * after a failure.  A person's Next is never touched. */
static int suggest_next(struct exl_doc *d, const char *state,
			const char *run_log)
{
	long sec = exl_doc_find_section(d, "Next", 0), res;
	size_t end, i;
	char *ck = NULL, line[4400];
	int rc = 0, have_ck;

	if (sec < 0)
		return 0;
	end = exl_doc_section_end(d, (size_t)sec);
	for (i = (size_t)sec + 1; i < end; i++)
		if (d->lines[i][0] && strncmp(d->lines[i], "- _(", 4) != 0)
			return 0;	/* somebody wrote here */
	res = exl_doc_find_section(d, "Results", 0);
	if (res >= 0)
		ck = exl_doc_get_key(d, (size_t)res, EXL_K_CHECKPOINT);
	have_ck = ck && ck[0] == '/';
	for (i = end; i > (size_t)sec + 1; i--)
		if (strncmp(d->lines[i - 1], "- _(", 4) == 0)
			exl_doc_delete(d, i - 1);
	if (strcmp(state, "TIMEOUT") == 0 || strcmp(state, "PREEMPTED") == 0 ||
	    strcmp(state, "NODE_FAIL") == 0) {
		snprintf(line, sizeof(line), "- resume: resubmit with `--exp-resume%s%s%s` (same run log, a resumed job block)",
			 have_ck ? " --exp-checkpoint=" : "", have_ck ? ck : "",
			 have_ck ? "" : "`; point it at the last checkpoint");
		rc = exl_doc_append(d, (size_t)sec, line);
	} else if (strcmp(state, "COMPLETED") == 0 && have_ck) {
		/* a checkpoint directory ends in '/' (checkpoint_find.h);
		 * a file's passport covers the files beside it */
		char *dir = ck_dir(ck);
		struct exl_sb b = { 0 };

		/* paths as the user can paste them: one shell word each */
		exl_sb_printf(&b, "- before eval, upload or handoff: `passport generate ");
		exl_sb_shell_word(&b, dir ? dir : ck);
		exl_sb_printf(&b, " --run ");
		exl_sb_shell_word(&b, run_log);
		exl_sb_printf(&b, "` then `passport sign ");
		exl_sb_shell_word(&b, dir ? dir : ck);
		exl_sb_printf(&b, " --verdict pass`");
		free(dir);
		rc = b.failed ? -1 : exl_doc_append(d, (size_t)sec, b.p);
		exl_sb_free(&b);
	} else if (strcmp(state, "COMPLETED") != 0) {
		rc = exl_doc_append(d, (size_t)sec, "- read the error evidence in Status, fix, resubmit (a new run log unless it is the same config)");
	} else {
		rc = exl_doc_append(d, (size_t)sec, "- no checkpoint found: check the checkpoint globs (exp-log.yaml) or where the program saves");
	}
	if (rc == 0)
		rc = exl_doc_append(d, (size_t)sec, "- _(your judgement: what this run showed, what to try next)_");
	free(ck);
	return rc;
}

struct tsum_put {
	struct exl_doc *d;
	long sec;
	struct exl_rr_map *owned;
	int rc;
};

static void put_tsum_line(const char *key, const char *value, void *arg)
{
	struct tsum_put *t = arg;

	if (t->rc == 0 && exl_owned_set(t->d, (size_t)t->sec, "Results", key,
					value, t->owned) < 0)
		t->rc = -1;
}

/* telemetry_results: the nodes' telemetry summed up (GPU util, memory,
 * energy, GPU-hours, cost) into Results, the hardware of every node into
 * Config, both into the sidecar.  Once per execution; a run without
 * telemetry files gets nothing. */
static int telemetry_results(struct exl_doc *d, struct exl_run_record *run,
			     struct exl_run_job *job, const char *state_dir)
{
	struct exl_tsum_opts o = { 0 };
	struct exl_tsum *ts = NULL;
	struct tsum_put put = { d, 0, &run->owned, 0 };
	char *hw, *line, *save = NULL;
	long cfg;

	if (job->telemetry)
		return 0;
	if (run->telemetry.present) {
		o.price_per_gpu_hour = run->telemetry.price_per_gpu_hour.set ?
				       run->telemetry.price_per_gpu_hour.v : 0;
		o.currency = run->telemetry.currency;
	}
	o.elapsed_s = (double)(exl_rr_int_or(&job->end, 0) -
			       exl_rr_int_or(&job->start, 0));
	o.job_id = job->job_id;
	if (exl_tsum_read(state_dir, &o, &ts, NULL) != 0 || !ts)
		return 0;
	job->telemetry = exl_tsum_json(ts);
	put.sec = exl_doc_find_section(d, "Results", 0);
	if (put.sec >= 0)
		exl_tsum_md_each(ts, put_tsum_line, &put);
	cfg = exl_doc_find_section(d, "Config", 0);
	hw = exl_tsum_hardware_md(ts, EXL_K_HARDWARE);
	if (cfg >= 0 && hw && exl_doc_find_key(d, (size_t)cfg, EXL_K_HARDWARE) < 0)
		for (line = strtok_r(hw, "\n", &save); line && put.rc == 0;
		     line = strtok_r(NULL, "\n", &save))
			if (exl_doc_append(d, (size_t)cfg, line) < 0)
				put.rc = -1;
	free(hw);
	exl_tsum_free(ts);
	return put.rc;
}

/* finalize_wandb: offline W&B runs of this run that nobody finished (the
 * program died before wandb.finish(), exp-run could not run) get an exit
 * record with the job's exit code, so a later sync shows them failed or
 * finished instead of running forever.  Once per execution. */
static int finalize_wandb(struct exl_doc *d, struct exl_run_job *job,
			  const char *state_dir, int code, time_t now,
			  struct exl_rr_map *owned)
{
	struct exl_wandb_finalize_report rep;
	struct exl_err e;
	char *dir, line[768];
	time_t start = (time_t)exl_rr_int_or(&job->start, (long long)now);
	unsigned i;
	int rc;

	if (job->wandb_finalized.set)
		return 0;
	dir = exl_path_join(state_dir, "wandb");
	if (!dir)
		return -1;
	memset(&rep, 0, sizeof(rep));
	rc = exl_wandb_finalize_dir(dir, code, (int)(now - start),
				    EXL_WANDB_REPAIR_TAIL, &rep, &e);
	if (rc >= 0 && exl_wandb_local_end(d, dir, &rep, owned) < 0)
		rc = exl_errnof(&e, ENOMEM, "no memory");
	free(dir);
	exl_rr_int_set(&job->wandb_finalized, rep.appended);
	if (rc < 0) {
		snprintf(line, sizeof(line), "W&B offline runs not finalized: %.600s",
			 e.text);
		return exl_lc_append_status(d, now, line);
	}
	if (rep.appended) {
		snprintf(line, sizeof(line),
			 "W&B: %u offline run%s had no exit record: exit code %d appended",
			 rep.appended, rep.appended == 1 ? "" : "s", code);
		if (exl_lc_append_status(d, now, line) < 0)
			return -1;
	}
	for (i = 0; i < rep.ndetail && i < 8; i++) {
		snprintf(line, sizeof(line), "W&B: %.700s", rep.detail[i]);
		if (exl_lc_append_status(d, now, line) < 0)
			return -1;
	}
	return 0;
}

/* exp_status: the experiments.md status of an ended job: "completed",
 * "failed (exit code 1)", else Slurm's state in lower case. */
static void exp_status(const struct exl_run_job *job, char *buf, size_t len)
{
	const char *st = job->sched_state;

	if (strcmp(st, "COMPLETED") == 0)
		snprintf(buf, len, "completed");
	else if (strcmp(st, "FAILED") == 0)
		snprintf(buf, len, "failed (%s)", job->exit ? job->exit : "?");
	else
		snprintf(buf, len, "%s", st);
	for (char *c = buf; *c; c++)
		if (*c >= 'A' && *c <= 'Z' && c != buf)
			*c = (char)(*c - 'A' + 'a');
}

/* statepoints_text: the run's statepoints as "k=v,k2=v2" into buf (""
 * when none or when they do not fit). */
static void statepoints_text(const struct exl_run_record *run, char *buf,
			     size_t len)
{
	const struct exl_rr_map *sp = &run->statepoints;
	size_t i, n = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < sp->n; i++) {
		w = snprintf(buf + n, len - n, "%s%s=%s", n ? "," : "",
			     sp->key[i], sp->val[i] ? sp->val[i] : "");
		if (w < 0 || (size_t)w >= len - n) {
			buf[0] = '\0';
			return;
		}
		n += (size_t)w;
	}
}

/* experiment_row: keep <group>/experiments.md current for experiment
 * runs: one row per run log; status and notes stay the human's once
 * edited.  Best effort: a failure is noted in run.json. */
void exl_lc_experiment_row(const struct exl_doc *d, struct exl_run_record *run,
			   const struct exl_run_job *job, const char *run_log)
{
	struct exl_experiment_row row = { 0 };
	char *dir = exl_dirname(run_log), *stem, *val = NULL, *tr = NULL;
	char metric[96] = "", status[96], title[128], sp[1024];
	struct exl_err e;
	long res = exl_doc_find_section(d, "Results", 0);

	if (!dir || !run->run_type || strcmp(run->run_type, "experiment") != 0 ||
	    !job->sched_state) {
		free(dir);
		return;
	}
	stem = exl_layout_stem(run_log);
	if (res >= 0) {
		val = exl_doc_get_key(d, (size_t)res, EXL_K_END_VAL_LOSS);
		tr = exl_doc_get_key(d, (size_t)res, EXL_K_END_TRAIN_LOSS);
	}
	if (val && !exl_owned_placeholder(val))
		snprintf(metric, sizeof(metric), "val_loss %s", val);
	else if (tr && !exl_owned_placeholder(tr))
		snprintf(metric, sizeof(metric), "train_loss %s", tr);
	else
		snprintf(metric, sizeof(metric), "n/a");
	exp_status(job, status, sizeof(status));
	row.run = stem;
	row.description = run->objective ? run->objective : run->task;
	row.metric = metric;
	row.status = status;
	statepoints_text(run, sp, sizeof(sp));
	row.statepoints = sp[0] ? sp : NULL;
	exl_group_title(run->group, title, sizeof(title));
	if (stem && exl_experiments_update(dir, title, &row,
					   run->experiments_status, &e) == 0)
		(void)exl_rr_str_set(&run->experiments_status, status);
	else if (stem)
		(void)exl_rr_str_set(&run->experiments_error, e.text);
	free(val);
	free(tr);
	free(stem);
	free(dir);
}

/* ckpt_not_searched: a checkpoint line still waiting at the end (srun and
 * salloc jobs have no monitor; a killed monitor never got there) says so
 * instead of promising a value that will never come. */
static int ckpt_not_searched(struct exl_doc *d, size_t res,
			     struct exl_rr_map *owned)
{
	char *cur = exl_doc_get_key(d, res, EXL_K_CHECKPOINT);
	int waiting = cur && strcmp(cur, EXL_PENDING) == 0;

	free(cur);
	if (!waiting)
		return 0;
	return exl_owned_set(d, res, "Results", EXL_K_CHECKPOINT,
			     "not searched (only a batch script's monitor looks "
			     "for checkpoints, and none ran to the end)",
			     owned) < 0 ? -1 : 0;
}

/* close_out: once the scheduler's final state is known, the story of the
 * end ("ended:" in Results), the warning-signal note in Status (once), and
 * the built-in tracker's finish event if exp-run did not write one. */
static int close_out(struct exl_doc *d, struct exl_run_job *job,
		     const char *state_dir, const char *run_log, time_t now,
		     struct exl_rr_map *owned, struct exl_err *err)
{
	struct exl_ending_in in = { 0 };
	struct exl_err terr;
	char ended[512], note[512];
	long res;
	int code;

	in.sched_state = job->sched_state;
	if (!in.sched_state || !exl_state_is_final(in.sched_state))
		return 0;
	in.have_status = job->exit_status.set;
	in.wstatus = (int)exl_rr_int_or(&job->exit_status, 0);
	in.start = (time_t)exl_rr_int_or(&job->start, 0);
	in.end = (time_t)exl_rr_int_or(&job->end, 0);
	in.time_limit_min = (unsigned int)exl_rr_int_or(&job->time_limit_min,
							0xffffffff);
	in.signal_spec = job->signal;
	in.state_dir = state_dir;
	exl_ending_text(&in, ended, sizeof(ended));
	res = exl_doc_find_section(d, "Results", 0);
	if (res >= 0 &&
	    (exl_owned_set(d, (size_t)res, "Results", EXL_K_ENDED, ended, owned) < 0 ||
	     ckpt_not_searched(d, (size_t)res, owned) < 0))
		return exl_errnof(err, ENOMEM, "couldn't update the run log");
	if (!job->signal_note &&
	    exl_ending_signal_note(&in, note, sizeof(note)) == 0 &&
	    (exl_lc_append_status(d, now, note) < 0 ||
	     exl_rr_str_set(&job->signal_note, note) < 0))
		return exl_errnof(err, ENOMEM, "couldn't update the run log");
	/* trackers: the epilog finishes what exp-run could not */
	code = in.have_status ? (WIFSIGNALED(in.wstatus) ?
				 128 + WTERMSIG(in.wstatus) :
				 WEXITSTATUS(in.wstatus)) :
	       strcmp(in.sched_state, "COMPLETED") == 0 ? 0 : 1;
	if (exl_events_finish(state_dir, code, in.sched_state, &terr) < 0 &&
	    exl_rr_str_set(&job->tracker_error, terr.text) < 0)
		return exl_errnof(err, ENOMEM, "couldn't update the run log");
	if (finalize_wandb(d, job, state_dir, code, now, owned) < 0 ||
	    suggest_next(d, in.sched_state, run_log) < 0)
		return exl_errnof(err, ENOMEM, "couldn't update the run log");
	return 0;
}

/* close_out_run: what needs the whole run record, after close_out */
static int close_out_run(struct exl_doc *d, struct exl_run_record *run,
			 struct exl_run_job *job, const char *state_dir,
			 struct exl_err *err)
{
	if (!exl_state_is_final(job->sched_state))
		return 0;
	if (telemetry_results(d, run, job, state_dir) < 0)
		return exl_errnof(err, ENOMEM, "couldn't update the run log");
	return 0;
}

struct end_arg {
	const char *job_id;
	struct exl_run_end e;
	struct exl_err *err;
	char *page_log, *page_state;	/* closed with e.page: write it */
	const struct exl_lc_results *results;	/* written first; NULL: none */
};

/* page_key: name the run's page in Results, and remember where to write
 * it once the edit is done (the page shows the final run log). */
static int page_key(struct exl_run_edit *ed, struct end_arg *a,
		    struct exl_rr_map *owned)
{
	char *file = exl_page_file_name(ed->run_log), val[300];
	long res = exl_doc_find_section(&ed->doc, "Results", 0);
	int rc = 0;

	if (!file)
		return 0;
	snprintf(val, sizeof(val), "`%s`", file);
	if (res >= 0 && exl_owned_set(&ed->doc, (size_t)res, "Results",
				      EXL_K_REPORT, val, owned) < 0)
		rc = -1;
	free(file);
	free(a->page_log);
	free(a->page_state);
	a->page_log = strdup(ed->run_log);
	a->page_state = ed->state_dir ? strdup(ed->state_dir) : NULL;
	return rc;
}

/* drop_provisional: the batch step's verdict was written before the
 * scheduler's final state was known; the final one takes its place, so a
 * run log has one final Status line.  A line a person changed stays. */
static void drop_provisional(struct exl_doc *d, const char *prev)
{
	long sec = exl_doc_find_section(d, "Status", 0);
	size_t i, plen = strlen(prev), l;

	if (sec < 0)
		return;
	for (i = exl_doc_section_end(d, (size_t)sec); i > (size_t)sec + 1; i--) {
		const char *line = d->lines[i - 1], *dash;

		l = strlen(line);
		dash = strstr(line, " — ");
		if (strncmp(line, "- ", 2) == 0 && dash &&
		    dash + strlen(" — ") + plen == line + l &&
		    strcmp(dash + strlen(" — "), prev) == 0) {
			exl_doc_delete(d, i - 1);
			return;
		}
	}
}

/* status_has: does a Status line of d end with text already? */
static int status_has(const struct exl_doc *d, const char *text)
{
	long sec = exl_doc_find_section(d, "Status", 0);
	size_t i, tl = strlen(text);

	if (sec < 0)
		return 0;
	for (i = (size_t)sec + 1; i < exl_doc_section_end(d, (size_t)sec);
	     i++) {
		size_t l = strlen(d->lines[i]);

		if (l >= tl && strcmp(d->lines[i] + l - tl, text) == 0)
			return 1;
	}
	return 0;
}

/* put_end: merge the end e into the run.json entry of job_id (the last
 * one with that id: the current execution) and tell the run log. */
static int put_end(struct exl_run_edit *ed, void *arg)
{
	struct end_arg *a = arg;
	struct exl_run_job *job = exl_run_record_find_job(ed->run, a->job_id,
							   0, 0);
	struct exl_rr_map *owned = &ed->run->owned;
	time_t now = time(NULL);
	const char *prev;
	char text[1024], line[1300], chain_v[1024], chain_x[600];
	int was_final, chained;

	if (a->results && exl_lc_put_results(ed, (void *)a->results) < 0)
		return -1;
	if (!job)
		return 0;	/* run.json was edited: nothing to merge into */
	was_final = exl_state_is_final(job->sched_state);
	if (merge_end(job, &a->e) < 0)
		return -1;
	verdict(job, text, sizeof(text));
	chained = exl_chain_status(ed->state_dir,
				   exl_rr_int_or(&job->restart_count, 0),
				   a->e.sched_state, job->exit, chain_v,
				   sizeof(chain_v), chain_x, sizeof(chain_x));
	if (chain_v[0])
		snprintf(text, sizeof(text), "%s", chain_v);
	prev = job->verdict;
	if (prev && strcmp(prev, text) != 0 && !was_final &&
	    (exl_state_is_final(job->sched_state) || chain_v[0]))
		drop_provisional(&ed->doc, prev);
	/* the Status line names where the end came from, when told */
	snprintf(line, sizeof(line), "%s%s%s%s", text, a->e.note ? " (" : "",
		 a->e.note ? a->e.note : "", a->e.note ? ")" : "");
	if (update_doc(&ed->doc, job, a->job_id,
		       prev && strcmp(prev, text) == 0 ? NULL : line, now,
		       owned) < 0 ||
	    exl_rr_str_set(&job->verdict, text) < 0)
		return -1;
	if (chained && chain_x[0] && !status_has(&ed->doc, chain_x) &&
	    exl_lc_append_status(&ed->doc, now, chain_x) < 0)
		return -1;
	if (close_out(&ed->doc, job, ed->state_dir, ed->run_log, now, owned,
		      a->err) < 0 ||
	    close_out_run(&ed->doc, ed->run, job, ed->state_dir, a->err) < 0)
		return -1;
	if (exl_state_is_final(job->sched_state)) {
		if (exl_run_late_unread(&ed->doc) < 0)
			return -1;
		exl_lc_experiment_row(&ed->doc, ed->run, job, ed->run_log);
		if (a->e.page && page_key(ed, a, owned) < 0)
			return -1;
		ed->closed = 1;
		ed->end = (time_t)exl_rr_int_or(&job->end, (long long)now);
	}
	return 0;
}

/* end_with: exl_run_end, after the Results facts r (NULL: none) in the
 * same edit. */
static int end_with(const char *root, const char *job_id,
		    const struct exl_run_end *e_in,
		    const struct exl_lc_results *r, struct exl_err *err)
{
	struct end_arg a = { job_id, *e_in, err, NULL, NULL, r };
	struct exl_err perr;
	int rc;

	if (!a.e.end)
		a.e.end = time(NULL);
	rc = exl_lc_with_run_closing(root, job_id, put_end, &a, err);
	/* the page is a view: one that can't be written costs the run log
	 * nothing */
	if (rc == 0 && a.page_log && a.page_state)
		(void)exl_page_write(a.page_log, a.page_state, &perr);
	free(a.page_log);
	free(a.page_state);
	return rc;
}

int exl_run_end(const char *root, const char *job_id,
		const struct exl_run_end *e, struct exl_err *err)
{
	return end_with(root, job_id, e, NULL, err);
}

int exl_run_results_end(const char *root, const char *job_id,
			const struct exl_results_fields *rf,
			const char *checkpoint, const struct exl_run_end *e,
			struct exl_err *err)
{
	struct exl_lc_results r = { rf, checkpoint };

	return end_with(root, job_id, e, &r, err);
}

struct end_as_arg {
	const char *root;
	const char *job_id;
	const struct exl_run_end *e;
};

int exl_run_end_noting(const char *root, const char *job_id,
		       const struct exl_run_end *e, struct exl_err *err)
{
	struct exl_err ue;

	if (exl_run_end(root, job_id, e, err) >= 0)
		return 0;
	if (e->home)
		(void)exl_unlogged_write(e->home, job_id, root, err->text,
					 time(NULL), &ue);
	return -1;
}

/* end_in_child: as the user (exl_run_end_noting). */
static int end_in_child(void *arg, struct exl_err *err)
{
	const struct end_as_arg *a = arg;

	return exl_run_end_noting(a->root, a->job_id, a->e, err);
}

int exl_run_end_as_user(uid_t uid, gid_t gid, const gid_t *groups,
			int ngroups, const char *root, const char *job_id,
			const struct exl_run_end *e, struct exl_err *err)
{
	struct end_as_arg a = { root, job_id, e };

	return exl_as_user(uid, gid, groups, ngroups, 60, end_in_child, &a, err);
}
