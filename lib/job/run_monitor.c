/* run_monitor.c - evidence while the job runs, Results at its end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "watch/checkpoint_find.h"
#include "config/config.h"
#include "watch/env_capture.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "watch/monitor_proc.h"
#include "watch/progress.h"
#include "job/run_late.h"
#include "job/run_lifecycle.h"
#include "job/run_monitor.h"
#include "job/write_misses.h"
#include "telemetry/telemetry_sample.h"
#include "watch/tracker_events.h"

/* pattern_warnings: a Status line, once per pattern, when one of its
 * matches gave up at the regex limits (that line counted as no match). */
static void pattern_warnings(const struct exl_progress *p,
			     const struct exl_run_monitor_cfg *c)
{
	char msg[400], line[450];

	while (exl_patterns_take_warning(p->pat, msg, sizeof(msg)) == 1) {
		snprintf(line, sizeof(line), "pattern problem: %s", msg);
		exl_run_status(c->root, c->job_id, line, NULL);
	}
}

/* scan_all: read what is new in every source. */
static void scan_all(struct exl_progress *p,
		     const struct exl_run_monitor_cfg *c, const char *metrics,
		     time_t now)
{
	int rc;

	if (c->stdout_path && *c->stdout_path)
		do {
			rc = exl_progress_scan(p, c->stdout_path, EXL_SRC_STDOUT,
					       now, NULL);
		} while (rc == 2);
	if (c->stderr_path && *c->stderr_path &&
	    (!c->stdout_path || strcmp(c->stderr_path, c->stdout_path) != 0))
		do {
			rc = exl_progress_scan(p, c->stderr_path, EXL_SRC_STDERR,
					       now, NULL);
		} while (rc == 2);
	do {
		rc = exl_progress_scan(p, metrics, EXL_SRC_METRICS, now, NULL);
	} while (rc == 2);
	pattern_warnings(p, c);
}

/* The step's failed run-log writes (write_misses.h). */
static struct exl_write_misses misses;

/* wrote: account for one run-log write (rc of an exl_run_* call, err its
 * error).  After a write that worked, pending misses get their Status
 * line; a note that fails stays pending. */
static void wrote(const struct exl_run_monitor_cfg *c, int rc,
		  const struct exl_err *err)
{
	char note[600];
	struct exl_err e;

	if (rc < 0) {
		exl_misses_fail(&misses, time(NULL), err->text);
		return;
	}
	if (exl_misses_note(&misses, note, sizeof(note)) != 0)
		return;
	exl_err_clear(&e);
	if (exl_run_status(c->root, c->job_id, note, &e) < 0)
		exl_misses_fail(&misses, time(NULL), e.text);
	else
		exl_misses_told(&misses);
}

/* status: append a Status line, counting a failure. */
static void status(const struct exl_run_monitor_cfg *c, const char *line)
{
	struct exl_err e;

	exl_err_clear(&e);
	wrote(c, exl_run_status(c->root, c->job_id, line, &e), &e);
}

/* log_event: mirror the latest metrics into the built-in tracker. */
static void log_event(const struct exl_progress *p, const char *state_dir)
{
	json_object *o, *m;
	const struct exl_loss_point *tr = exl_series_last(exl_progress_train(p));
	const struct exl_loss_point *va = exl_series_last(exl_progress_val(p));

	if (!p->have_step && !tr)
		return;
	o = json_object_new_object();
	m = json_object_new_object();
	if (p->have_step)
		exl_json_set_int(m, "step", p->last_step);
	if (tr)
		json_object_object_add(m, "loss", json_object_new_double(tr->value));
	if (va)
		json_object_object_add(m, "val_loss",
				       json_object_new_double(va->value));
	json_object_object_add(o, "metrics", m);
	exl_events_append(state_dir, "log", o, NULL);
	json_object_put(o);
}

/* status_lines: the evidence line and one line per new error quote. */
static void status_lines(struct exl_progress *p,
			 const struct exl_run_monitor_cfg *c, time_t now)
{
	char line[1024];
	int gpu = c->gpu_util ? c->gpu_util(c->gpu_arg) : -1;

	while (exl_progress_take_errors(p, line, sizeof(line)) == 1)
		status(c, line);
	if (c->status_interval > 0 &&
	    exl_progress_status_text(p, now, c->status_interval,
				     c->stall_intervals, gpu, line,
				     sizeof(line)) == 0)
		status(c, line);
	exl_progress_mark_status(p, now);
}

/* idle_lines: a Status line when the newest telemetry sample shows the
 * GPUs or CPUs idle for long enough (telemetry_idle.h). */
static void idle_lines(struct exl_idle *w, const struct exl_run_monitor_cfg *c)
{
	struct exl_sample_brief b;
	char line[2][320];
	int i, n;

	if (!c->telemetry_file ||
	    exl_telemetry_latest(c->telemetry_file, &b, NULL) != 0)
		return;
	n = exl_idle_feed(w, &b, line);
	for (i = 0; i < n; i++)
		status(c, line[i]);
}

/* final_results: Results fields, the newest checkpoint and its artifact
 * event, once the job's program is done; with the end the step sent
 * (me, NULL: none) in the same edit.  Returns 1 when that end is
 * written. */
static int final_results(struct exl_progress *p,
			 const struct exl_run_monitor_cfg *c,
			 const struct exl_run_monitor_end *me)
{
	struct exl_results_fields rf;
	struct exl_run_end end;
	char ckpt[4096] = "";
	struct exl_err e;
	long long bytes;
	int rc;

	exl_progress_results(p, &rf);
	if (!c->work_dir || !*c->work_dir ||
	    exl_checkpoint_newest(c->work_dir, c->config->checkpoint_patterns,
				  c->config->n_checkpoint_patterns,
				  c->job_start, c->root, ckpt, sizeof(ckpt),
				  NULL) != 0)
		ckpt[0] = '\0';
	if (!ckpt[0] && c->resume_checkpoint && *c->resume_checkpoint &&
	    access(c->resume_checkpoint, F_OK) == 0)
		snprintf(ckpt, sizeof(ckpt), "%s", c->resume_checkpoint);
	if (ckpt[0] && (bytes = exl_checkpoint_size(ckpt)) >= 0) {
		json_object *o = json_object_new_object();

		exl_json_set_str(o, "name", "checkpoint");
		exl_json_set_str(o, "path", ckpt);
		exl_json_set_int(o, "size_bytes", bytes);
		exl_events_append(c->state_dir, "log_artifact", o, NULL);
		json_object_put(o);
	}
	exl_err_clear(&e);
	if (!me) {
		wrote(c, exl_run_results(c->root, c->job_id, &rf,
					 ckpt[0] ? ckpt : NULL, &e), &e);
		return 0;
	}
	memset(&end, 0, sizeof(end));
	end.end = (time_t)me->end;
	end.have_status = me->have_status;
	end.wstatus = me->wstatus;
	end.source = "step";
	end.page = me->page;
	rc = exl_run_results_end(c->root, c->job_id, &rf, ckpt[0] ? ckpt : NULL,
				 &end, &e);
	wrote(c, rc, &e);
	return rc >= 0;
}

/* capture_env: the site's environment-capture commands, once, beside the
 * run log (<state dir>/env/<name>.txt), while the job starts. */
static void capture_env(const struct exl_run_monitor_cfg *c)
{
	char *dir = exl_path_join(c->state_dir, "env"), path[4300];
	struct exl_env_result r;
	struct exl_err err;
	size_t i;

	if (!c->n_env || !dir || exl_mkdir_p(dir, 0755, &err) < 0) {
		free(dir);
		return;
	}
	for (i = 0; i < c->n_env; i++) {
		snprintf(path, sizeof(path), "%s/%s.txt", dir, c->env_names[i]);
		if (exl_env_capture(c->env_commands[i], c->submit_dir, path, 300,
				    &r, &err) == 0) {
			exl_err_clear(&err);
			wrote(c, exl_run_env(c->root, c->job_id, c->env_names[i],
					     &r, &err), &err);
		} else {
			char line[700];

			snprintf(line, sizeof(line), "env capture %s failed: %s",
				 c->env_names[i], err.text);
			status(c, line);
		}
	}
	free(dir);
}

int exl_run_monitor_gpu_util(void *arg)
{
	struct exl_sample_brief b;

	if (!arg || exl_telemetry_latest(arg, &b, NULL) != 0 || !b.gpu_on ||
	    b.ngpus_ok == 0)
		return -1;
	return (int)(b.gpu_util_mean + 0.5);
}

/* report: whether the monitor wrote the step's end
 * (EXL_RUN_MONITOR_ENDED first), then the step's failed writes, for
 * slurmstepd's log (report_fd; the line is shorter than PIPE_BUF, so one
 * write never blocks or tears). */
static void report(const struct exl_run_monitor_cfg *c, int report_fd,
		   int ended)
{
	char line[1024];
	size_t n = 0;

	if (ended)
		line[n++] = EXL_RUN_MONITOR_ENDED;
	line[n] = '\0';
	if (misses.total &&
	    exl_misses_report(&misses, c->run_log, line + n,
			      sizeof(line) - n) != 0)
		line[n] = '\0';
	n = strlen(line);
	if (n && write(report_fd, line, n) < 0)
		return;	/* nobody to tell */
}

void exl_run_monitor(void *arg, int stop_fd, int report_fd)
{
	const struct exl_run_monitor_cfg *c = arg;
	struct exl_patterns pat;
	struct exl_progress *p;
	struct exl_idle idle;
	char *state = NULL, *metrics = NULL;
	double tick = c->tick > 0 ? c->tick : 60;
	struct exl_run_monitor_end me;
	time_t now, next;
	int stop = 0, have_end;

	if (c->status_interval > 0 && tick > c->status_interval)
		tick = c->status_interval;
	if (exl_config_patterns(c->config, &pat, NULL) < 0 &&
	    exl_patterns_default(&pat, NULL) < 0)
		return;
	p = malloc(sizeof(*p));
	state = exl_path_join(c->state_dir, "progress.json");
	metrics = exl_path_join(c->state_dir, "metrics.jsonl");
	if (!p || !state || !metrics)
		goto out;
	/* the code state and the dataset, now that the program runs */
	if (c->late) {
		struct exl_err le;

		exl_err_clear(&le);
		wrote(c, exl_run_late_facts(c->root, c->job_id, c->state_dir,
					    c->late, &le), &le);
	}
	exl_progress_init(p, &pat);
	/* a requeued or resumed run continues its series */
	if (exl_progress_load(p, state, NULL) < 0)
		exl_progress_init(p, &pat);
	capture_env(c);
	exl_idle_init(&idle, &c->idle);
	next = time(NULL) + c->status_interval;
	while (!stop) {
		stop = exl_monitor_wait(stop_fd, tick);
		now = time(NULL);
		scan_all(p, c, metrics, now);
		if (stop)
			break;
		idle_lines(&idle, c);
		if (c->status_interval > 0 && now >= next) {
			status_lines(p, c, now);
			log_event(p, c->state_dir);
			next += c->status_interval;
			if (next <= now)
				next = now + c->status_interval;
		}
		exl_progress_save(p, state, NULL);
	}
	/* the program is done: read to EOF, unterminated last line too,
	 * then the last evidence, then Results */
	p->at_end = 1;
	scan_all(p, c, metrics, time(NULL));
	{
		char line[1024];

		while (exl_progress_take_errors(p, line, sizeof(line)) == 1)
			status(c, line);
	}
	log_event(p, c->state_dir);
	exl_progress_save(p, state, NULL);
	/* the step says how its program ended: written with Results */
	have_end = exl_monitor_stop_msg(stop_fd, &me, sizeof(me)) ==
		   sizeof(me) && me.magic == EXL_RUN_MONITOR_END_MAGIC;
	report(c, report_fd, final_results(p, c, have_end ? &me : NULL));
	exl_progress_free(p);
out:
	free(p);
	free(state);
	free(metrics);
	exl_patterns_free(&pat);
}
