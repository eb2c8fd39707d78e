/* Unit tests: a run log written at submission (exl_run_submit), filled
 * in by its job's start, and closed when the job leaves the queue without
 * starting (no Slurm needed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fileio.h"
#include "job/run_lifecycle.h"
#include "tap.h"

static char root[] = "/tmp/exl-sub-XXXXXX";

static char *slurp(const char *rel)
{
	char path[512], *buf = NULL;
	struct exl_err err;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (exl_read_file(path, 1 << 20, &buf, NULL, &err) < 0)
		return NULL;
	return buf;
}

/* submitted: what sbatch's exit knows of job id. */
static void submitted(struct exl_run_facts *f, struct exl_opts *o,
		      const char *job_id, const char *task)
{
	memset(f, 0, sizeof(*f));
	f->opts = o;
	snprintf(f->task, sizeof(f->task), "%s", task);
	snprintf(f->job.job_id, sizeof(f->job.job_id), "%s", job_id);
	snprintf(f->job.job_name, sizeof(f->job.job_name), "%s", task);
	snprintf(f->job.partition, sizeof(f->job.partition), "debug");
	snprintf(f->job.script, sizeof(f->job.script), "/home/u/job.sh");
	snprintf(f->job.submit_dir, sizeof(f->job.submit_dir), "/nonexistent");
	f->job.time_limit_min = 90;
	f->job.submitted = 1772028000;	/* 2026-02-25 14:00:00 UTC */
}

/* started: the same job's facts at its start, a day later. */
static void started(struct exl_run_facts *f)
{
	snprintf(f->job.nodes, sizeof(f->job.nodes), "n[1-3]");
	f->job.nnodes = 3;
	snprintf(f->job.batch_host, sizeof(f->job.batch_host), "n1");
	f->job.start = 1772028000 + 86400 + 60;
	f->config_sha256[0] = f->config_snapshot[0] = '\0';
}

int main(void)
{
	struct exl_opts o = { .enabled = 1 };
	struct exl_run_facts f;
	struct exl_run_paths paths;
	struct exl_err err;
	char cfg[600], *md, *tl;
	FILE *fp;

	setenv("TZ", "UTC", 1);
	tzset();
	if (!mkdtemp(root))
		return 1;
	o.run_type = strdup("experiment");
	snprintf(cfg, sizeof(cfg), "%s/cfg.yaml", root);
	fp = fopen(cfg, "w");
	fputs("lr: 0.001\n", fp);
	fclose(fp);

	submitted(&f, &o, "51", "train");
	snprintf(f.config_abs, sizeof(f.config_abs), "%s", cfg);
	if (!ok(exl_run_submit(root, &f, &paths, &err) == 0, "submit"))
		diag("%s", err.text);
	md = slurp("2026-02-25_train.md");
	ok(md != NULL, "named by the submit date");
	ok(md && strstr(md, "- execution_id: 51\n"), "execution id");
	ok(md && strstr(md, "- start: " EXL_PENDING_START "\n"), "start: not yet");
	ok(md && strstr(md, "- submitted: `2026-02-25T14:00:00"), "submitted");
	ok(md && strstr(md, "- 2026-02-25 14:00:00 — submitted: job 51 (partition debug)\n"),
	   "submitted Status line");
	ok(md && strstr(md, "(sha256 `") && strstr(md, "- config_snapshot: `"),
	   "config hash and snapshot at submission");
	ok(md && !strstr(md, "— started:"), "no started line yet");
	free(md);
	tl = slurp("timeline.md");
	ok(tl && strstr(tl, "`2026-02-25_train.md`"), "timeline entry");
	free(tl);
	submitted(&f, &o, "51", "train");
	ok(exl_run_submit(root, &f, &paths, &err) == 1,
	   "a second submit of the same job writes nothing");

	/* the config changes before the job starts: the submission's stays */
	fp = fopen(cfg, "w");
	fputs("lr: 0.5\n", fp);
	fclose(fp);
	submitted(&f, &o, "51", "train");
	snprintf(f.config_abs, sizeof(f.config_abs), "%s", cfg);
	started(&f);
	if (!ok(exl_run_begin(root, &f, &paths, &err) == 0, "start"))
		diag("%s", err.text);
	ok(strstr(paths.run_log, "/2026-02-25_train.md") != NULL,
	   "the same file: %s", paths.run_log);
	ok(access(paths.state_dir, F_OK) == 0, "state dir");
	md = slurp("2026-02-25_train.md");
	ok(md && strstr(md, "- start: `2026-02-26T14:01:00"), "start filled in");
	ok(md && strstr(md, "- nodes: `n[1-3]` (3)\n"), "nodes filled in");
	ok(md && strstr(md, "- code: `/nonexistent` is not in a git repository\n"),
	   "code state read at the start");
	ok(md && !strstr(md, EXL_PENDING_START), "no placeholder left");
	ok(md && strstr(md, "— submitted: job 51") &&
	   strstr(md, "- 2026-02-26 14:01:00 — started: job 51 on n1 (3 nodes)\n"),
	   "submitted and started Status lines");
	{
		char *snap = md ? strstr(md, "- config_snapshot: `") : NULL, *c = NULL;

		if (snap) {
			snap += strlen("- config_snapshot: `");
			snap[strcspn(snap, "`")] = '\0';
		}
		ok(snap && exl_read_file(snap, 100, &c, NULL, &err) == 0 &&
		   strcmp(c, "lr: 0.001\n") == 0, "snapshot is the submission's");
		free(c);
	}
	free(md);
	ok(exl_run_end_unstarted(root, "51", "CANCELLED", NULL, 1772200000,
				 &err) == 1, "a started job is not closed as unstarted");

	/* cancelled while pending, 3 h 12 min after its submission */
	submitted(&f, &o, "52", "held");
	if (!ok(exl_run_submit(root, &f, &paths, &err) == 0, "submit another"))
		diag("%s", err.text);
	if (!ok(exl_run_end_unstarted(root, "52", "CANCELLED", "BeginTime",
				      1772028000 + 3 * 3600 + 12 * 60, &err) == 0,
		"closed as unstarted"))
		diag("%s", err.text);
	md = slurp("2026-02-25_held.md");
	ok(md && strstr(md, "— cancelled while pending after 3 h 12 min in the queue (BeginTime)\n"),
	   "the story");
	ok(md && strstr(md, "- scheduler_state: CANCELLED\n"), "scheduler_state");
	ok(md && strstr(md, "- end: `2026-02-25T17:12:00"), "end");
	ok(md && strstr(md, "- runtime: none (never started, 3 h 12 min in the queue)\n"),
	   "runtime");
	free(md);
	ok(exl_run_end_unstarted(root, "52", "CANCELLED", NULL, 1772100000,
				 &err) == 1, "closed once");
	ok(exl_run_end_unstarted(root, "99", "CANCELLED", NULL, 1772100000,
				 &err) == 1, "no run log: nothing to do");
	ok(exl_run_status_once(root, "52", "pending: x", &err) == 0 &&
	   exl_run_status_once(root, "52", "pending: x", &err) == 0, "status once");
	md = slurp("2026-02-25_held.md");
	{
		int n = 0;

		for (const char *p = md; p && (p = strstr(p, "— pending: x\n")); p++)
			n++;
		is_int(n, 1, "said once");
	}
	free(md);

	/* requeued before it ever ran: the first start still fills it in */
	submitted(&f, &o, "53", "early");
	if (!ok(exl_run_submit(root, &f, &paths, &err) == 0, "submit a third"))
		diag("%s", err.text);
	started(&f);
	f.job.restart_count = 1;
	if (!ok(exl_run_begin(root, &f, &paths, &err) == 0, "its start"))
		diag("%s", err.text);
	md = slurp("2026-02-25_early.md");
	ok(md && strstr(md, "- start: `2026-02-26T14:01:00") &&
	   !strstr(md, "## Job (resumed)"), "filled in, not a resumed block");
	free(md);
	f.job.restart_count = 2;
	f.job.start += 600;
	if (!ok(exl_run_begin(root, &f, &paths, &err) == 0, "its requeue"))
		diag("%s", err.text);
	md = slurp("2026-02-25_early.md");
	ok(md && strstr(md, "## Job (resumed)"), "a requeue after it ran resumes");
	free(md);
	free(o.run_type);
	return done_testing();
}
