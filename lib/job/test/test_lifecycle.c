/* Unit tests: run log creation, resume, closing and concurrency, on a
 * temp directory (no Slurm needed). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fileio.h"
#include "job/run_lifecycle.h"
#include "runstore/run_edit.h"
#include "watch/progress.h"
#include "tap.h"

static char root[] = "/tmp/exl-life-XXXXXX";

static char *slurp(const char *rel)
{
	char path[512], *buf = NULL;
	struct exl_err err;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (exl_read_file(path, 1 << 20, &buf, NULL, &err) < 0)
		return NULL;
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void facts(struct exl_run_facts *f, struct exl_opts *o,
		  const char *job_id, const char *task)
{
	memset(f, 0, sizeof(*f));
	f->opts = o;
	snprintf(f->task, sizeof(f->task), "%s", task);
	snprintf(f->job.job_id, sizeof(f->job.job_id), "%s", job_id);
	snprintf(f->job.job_name, sizeof(f->job.job_name), "%s", task);
	snprintf(f->job.nodes, sizeof(f->job.nodes), "n[1-3]");
	f->job.nnodes = 3;
	snprintf(f->job.partition, sizeof(f->job.partition), "debug");
	snprintf(f->job.batch_host, sizeof(f->job.batch_host), "n1");
	snprintf(f->job.script, sizeof(f->job.script), "/home/u/job.sh");
	snprintf(f->job.submit_dir, sizeof(f->job.submit_dir), "/nonexistent");
	f->job.time_limit_min = 90;
	snprintf(f->job.signal_spec, sizeof(f->job.signal_spec), "B:TERM@90");
	f->job.submitted = 1772028000;	/* 2026-02-25 14:00:00 UTC */
	f->job.start = 1772028131;
}

int main(void)
{
	struct exl_opts o = { .enabled = 1 };
	struct exl_run_facts f;
	struct exl_run_paths paths;
	struct exl_run_end e = { 0 };
	struct exl_err err;
	char cfg[600], *md, *tl;
	FILE *fp;
	int i, status;

	setenv("TZ", "UTC", 1);
	tzset();
	if (!mkdtemp(root))
		return 1;
	o.group = strdup("arx5_multitask");
	o.run_type = strdup("experiment");
	o.objective = strdup("does the baseline train");
	snprintf(cfg, sizeof(cfg), "%s/cfg.yaml", root);
	fp = fopen(cfg, "w");
	fputs("lr: 0.001\n", fp);
	fclose(fp);

	facts(&f, &o, "41", "train");
	snprintf(f.config_abs, sizeof(f.config_abs), "%s", cfg);
	if (!ok(exl_run_begin(root, &f, &paths, &err) == 0, "begin"))
		diag("%s", err.text);
	ok(strstr(paths.run_log, "/arx5_multitask/2026-02-25_train.md") != NULL,
	   "run log name: %s", paths.run_log);
	ok(!paths.resumed, "not a resume");
	md = slurp("arx5_multitask/2026-02-25_train.md");
	ok(md != NULL, "run log exists");
	ok(strstr(md, "# train — does the baseline train\n") != NULL, "title");
	ok(strstr(md, "- run_type: experiment\n") != NULL, "run_type");
	/* sha256("lr: 0.001\n") */
	ok(strstr(md, "(sha256 `") && strstr(md, "- config_snapshot: `"),
	   "config hash and snapshot");
	ok(strstr(md, "- execution_id: 41\n") != NULL, "execution id");
	ok(strstr(md, "- start_human: `Wednesday, Feb 25th, 2026`\n") != NULL,
	   "start_human");
	ok(strstr(md, "- time_limit: `01:30:00`\n") && strstr(md, "- signal: B:TERM@90\n"),
	   "limit and signal");
	ok(strstr(md, "— started: job 41 on n1 (3 nodes)\n") != NULL, "first Status line");
	ok(strstr(md, "## Results\n") && strstr(md, "## W&B\n") && strstr(md, "## Next\n"),
	   "all sections");
	free(md);
	tl = slurp("arx5_multitask/timeline.md");
	is_str(tl, "# Arx5 Multitask Timeline\n\n1. `2026-02-25_train.md` — Wednesday, Feb 25th\n",
	       "timeline entry");
	free(tl);
	{
		char snap[700];
		char *c;

		snprintf(snap, sizeof(snap), "%s/.exp-log/runs/arx5_multitask/2026-02-25_train/config/cfg.yaml", root);
		ok(exl_read_file(snap, 100, &c, NULL, &err) == 0 &&
		   strcmp(c, "lr: 0.001\n") == 0, "config snapshot copied");
		free(c);
	}

	/* a human edits the log while the job runs */
	md = slurp("arx5_multitask/2026-02-25_train.md");
	{
		char path[600];
		char *edited = malloc(strlen(md) + 100);
		char *at = strstr(md, "## Next\n") + 8;

		snprintf(path, sizeof(path), "%s/arx5_multitask/2026-02-25_train.md", root);
		memcpy(edited, md, (size_t)(at - md));
		strcpy(edited + (at - md), "- try lr 5e-4 (human)\n");
		exl_write_atomic(path, edited, strlen(edited), 0644, &err);
		free(edited);
	}
	free(md);

	/* batch step ends with exit 3, then the epilog reports FAILED */
	e.end = f.job.start + 3725;
	e.have_status = 1;
	e.wstatus = 3 << 8;
	e.source = "step";
	is_int(exl_run_end(root, "41", &e, &err), 0, "end from step");
	e.sched_state = "FAILED";
	e.source = "epilog";
	is_int(exl_run_end(root, "41", &e, &err), 0, "end from epilog");
	is_int(exl_run_end(root, "41", &e, &err), 0, "epilog on another node");
	md = slurp("arx5_multitask/2026-02-25_train.md");
	ok(strstr(md, "- end: `2026-02-25T15:04:16+00:00`\n") &&
	   strstr(md, "- end_human: `Wednesday, Feb 25th, 2026`\n") &&
	   strstr(md, "- runtime: `01:02:05`\n"), "job block end fields");
	ok(strstr(md, "- runtime: `01:02:05` (start `2026-02-25T14:02:11+00:00`, end `2026-02-25T15:04:16+00:00`)\n") != NULL,
	   "Results runtime");
	ok(strstr(md, "- exit: exit code 3\n") && strstr(md, "- scheduler_state: FAILED\n"),
	   "Results exit and state");
	is_int(count(md, "— failed, exit code 3"), 1, "one final Status line, not three");
	ok(strstr(md, "- ended: failed, exit code 3\n") != NULL, "Results says how it ended");
	ok(strstr(md, "- try lr 5e-4 (human)\n") != NULL, "human edit survived");
	ok(!strstr(md, "read the error evidence"), "a person's Next is not touched");
	ok(!strstr(md, "- report:"), "no page asked for: no report line");
	free(md);
	md = slurp("arx5_multitask/2026-02-25_train.html");
	ok(md == NULL, "and no page written");
	free(md);

	/* a second job, same task, same day: its own file */
	facts(&f, &o, "43", "train");
	ok(exl_run_begin(root, &f, &paths, &err) == 0 &&
	   strstr(paths.run_log, "2026-02-25_train_2.md"), "second run gets _2");
	e = (struct exl_run_end){ .end = f.job.start + 60, .have_status = 1,
				  .wstatus = 15, .source = "step" };
	exl_run_end(root, "43", &e, &err);
	md = slurp("arx5_multitask/2026-02-25_train_2.md");
	ok(strstr(md, "batch script killed by signal 15 (SIGTERM)") != NULL,
	   "a signal is not a verdict yet");
	free(md);
	md = slurp("arx5_multitask/2026-02-25_train_2.html");
	ok(md == NULL, "a page asked for is not written before the run closes");
	free(md);
	e.sched_state = "TIMEOUT";
	e.source = "epilog";
	e.page = 1;
	exl_run_end(root, "43", &e, &err);
	md = slurp("arx5_multitask/2026-02-25_train_2.md");
	ok(strstr(md, "- report: `2026-02-25_train_2.html`\n") != NULL,
	   "Results names the page");
	tl = slurp("arx5_multitask/2026-02-25_train_2.html");
	ok(tl && strncmp(tl, "<!DOCTYPE html>\n", 16) == 0 &&
	   strstr(tl, "time limit reached (scheduler state TIMEOUT)") &&
	   strstr(tl, "- report: `2026-02-25_train_2.html`"),
	   "the page is written next to the run log, from the final run log");
	free(tl);
	ok(strstr(md, "time limit reached (scheduler state TIMEOUT), signal 15 (SIGTERM)") != NULL,
	   "scheduler verdict added");
	is_int(count(md, "batch script killed by signal"), 0,
	       "the step's provisional line gave way to the scheduler's");
	ok(strstr(md, "## Next\n- resume: resubmit with `--exp-resume`; point it at the last checkpoint") &&
	   !strstr(md, "- _(what to do next"), "Next suggests resuming after a time limit");
	free(md);

	/* cancelled under a non-exec'd exp-run: the batch script exits 143
	 * and the step says "failed"; the epilog's CANCELLED replaces it */
	facts(&f, &o, "70", "cancelme");
	ok(exl_run_begin(root, &f, &paths, &err) == 0, "cancelled run begins");
	e = (struct exl_run_end){ .end = f.job.start + 20, .have_status = 1,
				  .wstatus = 143 << 8, .source = "step" };
	exl_run_end(root, "70", &e, &err);
	e.sched_state = "CANCELLED";
	e.source = "epilog";
	exl_run_end(root, "70", &e, &err);
	exl_run_end(root, "70", &e, &err);	/* another node's epilog */
	md = slurp("arx5_multitask/2026-02-25_cancelme.md");
	is_int(count(md, "— failed, exit code 143"), 0,
	       "cancelled: no provisional \"failed\" line left");
	is_int(count(md, "— cancelled (scheduler state CANCELLED), exit code 143\n"),
	       1, "cancelled: one final Status line");
	ok(strstr(md, "- scheduler_state: CANCELLED\n") != NULL,
	   "cancelled: Results agrees");
	free(md);

	/* the job is requeued: same file, a resumed block */
	facts(&f, &o, "43", "train");
	f.job.restart_count = 1;
	f.job.start += 600;
	ok(exl_run_begin(root, &f, &paths, &err) == 0 && paths.resumed &&
	   strstr(paths.run_log, "2026-02-25_train_2.md"), "requeue resumes the same log");
	md = slurp("arx5_multitask/2026-02-25_train_2.md");
	is_int(count(md, "## Job (resumed)"), 1, "one resumed block");
	free(md);
	e = (struct exl_run_end){ .end = f.job.start + 30, .have_status = 1,
				  .wstatus = 0, .sched_state = "COMPLETED",
				  .source = "epilog" };
	exl_run_end(root, "43", &e, &err);
	md = slurp("arx5_multitask/2026-02-25_train_2.md");
	ok(strstr(md, "## Job (resumed)\n- execution_id: 43\n- restart: 1\n") &&
	   strstr(strstr(md, "## Job (resumed)"), "- runtime: `00:00:30`"),
	   "resumed block gets its own end fields");
	free(md);
	tl = slurp("arx5_multitask/timeline.md");
	is_int(count(tl, "`2026-02-25_train"), 2, "timeline: two runs, no resume entry");
	free(tl);
	tl = NULL;
	free(tl);

	is_int(exl_run_end(root, "999", &e, &err), 1, "unknown job: nothing to do");

	/* --exp-resume: a new job continues the newest log of its task */
	{
		struct exl_opts r = o;

		r.resume = 1;
		r.resume_log = NULL;
		facts(&f, &r, "44", "train");
		f.job.start += 86400;	/* the next day */
		snprintf(f.resumed_from, sizeof(f.resumed_from), "/ck/step_900.pt");
		ok(exl_run_begin(root, &f, &paths, &err) == 0 && paths.resumed &&
		   strstr(paths.run_log, "/2026-02-25_train_2.md"),
		   "--exp-resume picks the newest log of the task: %s", paths.run_log);
		md = slurp("arx5_multitask/2026-02-25_train_2.md");
		ok(strstr(md, "## Job (resumed)\n- execution_id: 44\n") &&
		   strstr(md, "- resumed from: `/ck/step_900.pt`") &&
		   strstr(md, "— resumed: job 44 on n1 from /ck/step_900.pt"),
		   "resumed block names the checkpoint");
		free(md);
		e = (struct exl_run_end){ .end = f.job.start + 5, .have_status = 1,
					  .wstatus = 0, .sched_state = "COMPLETED",
					  .source = "epilog" };
		is_int(exl_run_end(root, "44", &e, &err), 0, "resumed job closes");
		md = slurp("arx5_multitask/2026-02-25_train_2.md");
		ok(strstr(strstr(md, "- execution_id: 44"), "- runtime: `00:00:05`") != NULL,
		   "its own block gets the end fields");
		free(md);

		/* explicit RUNLOG, but the config changed: a new run */
		r.resume_log = (char *)"2026-02-25_train.md";
		facts(&f, &r, "45", "train");
		snprintf(f.config_abs, sizeof(f.config_abs), "%s", cfg);
		fp = fopen(cfg, "w");
		fputs("lr: 0.1\n", fp);
		fclose(fp);
		ok(exl_run_begin(root, &f, &paths, &err) == 0 && !paths.resumed &&
		   strstr(paths.run_log, "2026-02-25_train_3.md"),
		   "changed config: its own file (%s)", paths.run_log);
		md = slurp("arx5_multitask/2026-02-25_train_3.md");
		ok(md && strstr(md, "new run log, not resumed: 2026-02-25_train.md: config changed"),
		   "the new log says why");
		free(md);

		/* a RUNLOG outside the group directory is refused */
		r.resume_log = (char *)"/etc/passwd";
		facts(&f, &r, "46", "train");
		ok(exl_run_begin(root, &f, &paths, &err) == 0 && !paths.resumed,
		   "resume target outside the group refused");
		md = slurp("arx5_multitask/2026-02-25_train_4.md");
		ok(md && strstr(md, "--exp-resume=/etc/passwd is not a run log in"),
		   "and explained");
		free(md);
		r.resume_log = NULL;
	}

	/* 20 concurrent starts in one group: 20 files, 20 timeline entries */
	for (i = 0; i < 20; i++) {
		if (fork() == 0) {
			struct exl_run_facts cf;
			struct exl_run_paths cp;
			struct exl_err ce;
			char id[16], task[32];

			snprintf(id, sizeof(id), "%d", 100 + i);
			snprintf(task, sizeof(task), "sweep_%d", i);
			facts(&cf, &o, id, task);
			_exit(exl_run_begin(root, &cf, &cp, &ce) == 0 ? 0 : 1);
		}
	}
	{
		int bad = 0;

		for (i = 0; i < 20; i++)
			if (wait(&status) < 0 || !WIFEXITED(status) ||
			    WEXITSTATUS(status) != 0)
				bad++;
		is_int(bad, 0, "20 concurrent begins succeed");
	}
	tl = slurp("arx5_multitask/timeline.md");
	is_int(count(tl, "_sweep_"), 20, "20 sweep entries in the timeline");
	ok(strstr(tl, "\n25. `") != NULL && !strstr(tl, "\n26. `"),
	   "numbered 1..25 without gaps or repeats");
	free(tl);

	/* flat root, unreadable config */
	{
		struct exl_opts flat = { .enabled = 1 };

		facts(&f, &flat, "50", "eval");
		snprintf(f.config_abs, sizeof(f.config_abs), "%s/missing.yaml", root);
		ok(exl_run_begin(root, &f, &paths, &err) == 0, "flat run");
		md = slurp("2026-02-25_eval.md");
		ok(md && strstr(md, "(not readable: couldn't open"),
		   "unreadable config reported in the log");
		ok(md && strstr(md, "- run_type: unspecified"), "missing mode visible");
		free(md);
		tl = slurp("timeline.md");
		ok(tl && strncmp(tl, "# Run Logs Timeline\n", 20) == 0, "flat timeline");
		free(tl);
	}

	/* a planted symlink as the run log is never written through */
	{
		char link[600], target[600];

		snprintf(target, sizeof(target), "%s/target", root);
		fp = fopen(target, "w");
		fputs("precious\n", fp);
		fclose(fp);
		snprintf(link, sizeof(link), "%s/arx5_multitask/2026-02-25_evil.md", root);
		if (symlink(target, link) != 0)
			diag("symlink failed");
		facts(&f, &o, "60", "evil");
		ok(exl_run_begin(root, &f, &paths, &err) == 0 &&
		   strstr(paths.run_log, "evil_2.md"), "symlinked name skipped");
		md = slurp("target");
		is_str(md, "precious\n", "symlink target untouched");
		free(md);
	}
	/* --exp-checkpoint on a fresh run is recorded, missing or not */
	facts(&f, &o, "75", "fromckpt");
	snprintf(f.resumed_from, sizeof(f.resumed_from), "/nonexistent/nosuch.pt");
	f.resumed_from_missing = 1;
	ok(exl_run_begin(root, &f, &paths, &err) == 0, "run with a checkpoint");
	md = slurp("arx5_multitask/2026-02-25_fromckpt.md");
	ok(strstr(md, "- resumed from: `/nonexistent/nosuch.pt` (not found when "
		  "the job started)\n") != NULL,
	   "--exp-checkpoint recorded in Job, and that it was missing");
	free(md);

	/* the monitor's last Results with the step's end, in one edit, write
	 * what the two edits wrote one after the other */
	{
		struct exl_results_fields rf = {
			"1200", "2.5", "0.75", "n/a", "n/a",
			"train loss 2.5 -> 0.75",
		};
		char *a, *b, *ra, *rb, *end;

		facts(&f, &o, "80", "twoedits");
		ok(exl_run_begin(root, &f, &paths, &err) == 0, "run 80 begins");
		facts(&f, &o, "81", "oneedit");
		ok(exl_run_begin(root, &f, &paths, &err) == 0, "run 81 begins");
		e = (struct exl_run_end){ .end = f.job.start + 30, .have_status = 1,
					  .wstatus = 3 << 8, .source = "step" };
		ok(exl_run_results(root, "80", &rf, "/ck/last.pt", &err) == 0 &&
		   exl_run_end(root, "80", &e, &err) == 0, "results, then end");
		ok(exl_run_results_end(root, "81", &rf, "/ck/last.pt", &e,
				       &err) == 0, "results and end in one edit");
		a = slurp("arx5_multitask/2026-02-25_twoedits.md");
		b = slurp("arx5_multitask/2026-02-25_oneedit.md");
		ra = a ? strstr(a, "## Results\n") : NULL;
		rb = b ? strstr(b, "## Results\n") : NULL;
		if (ra && (end = strstr(ra + 1, "\n## ")))
			*end = '\0';
		if (rb && (end = strstr(rb + 1, "\n## ")))
			*end = '\0';
		ok(ra && rb && strcmp(ra, rb) == 0 &&
		   strstr(rb, "- end_train_loss: 0.75\n") &&
		   strstr(rb, "- checkpoint: `/ck/last.pt`\n") &&
		   strstr(rb, "exit code 3"),
		   "the same Results: losses, checkpoint and exit code");
		ok(b && strstr(b, "exit code 3\n"), "and the end's Status line");
		free(a);
		free(b);
	}

	/* --exp-wandb=offline: "pending" only with an offline run to sync */
	{
		char run[4400], file[4500];

		o.wandb = strdup("offline");
		facts(&f, &o, "70", "nowandb");
		ok(exl_run_begin(root, &f, &paths, &err) == 0 &&
		   paths.wandb_dir[0], "offline W&B run begins");
		md = slurp("arx5_multitask/2026-02-25_nowandb.md");
		ok(strstr(md, "- local: none yet (offline runs go to `") &&
		   strstr(md, "- synced: n/a until the job ends\n") &&
		   !strstr(md, "pending"), "no pending while nothing exists");
		free(md);
		e = (struct exl_run_end){ .end = f.job.start + 9, .have_status = 1,
					  .source = "epilog",
					  .sched_state = "COMPLETED" };
		exl_run_end(root, "70", &e, &err);
		md = slurp("arx5_multitask/2026-02-25_nowandb.md");
		ok(strstr(md, "- local: none created (the job never started W&B; "
			  "WANDB_DIR was `") &&
		   strstr(md, "- synced: n/a (nothing to sync)\n") &&
		   !strstr(md, "exp-wandb-sync sync"),
		   "no offline run: says none was created, suggests nothing");
		free(md);

		facts(&f, &o, "71", "withwandb");
		ok(exl_run_begin(root, &f, &paths, &err) == 0, "second begins");
		snprintf(run, sizeof(run), "%s/wandb", paths.wandb_dir);
		mkdir(run, 0755);
		snprintf(run, sizeof(run),
			 "%s/wandb/offline-run-20260225_140211-abc123",
			 paths.wandb_dir);
		mkdir(run, 0755);
		snprintf(file, sizeof(file), "%s/run-abc123.wandb", run);
		fp = fopen(file, "w");
		fclose(fp);
		e.end = f.job.start + 9;
		exl_run_end(root, "71", &e, &err);
		md = slurp("arx5_multitask/2026-02-25_withwandb.md");
		snprintf(file, sizeof(file), "- local: `%s`\n", run);
		ok(strstr(md, file) != NULL, "the offline run directory is named");
		snprintf(file, sizeof(file),
			 "- synced: pending — run `exp-wandb-sync sync %s`\n", run);
		ok(strstr(md, file) != NULL, "and the command names that run: %s",
		   file);
		free(md);
	}
	{
		/* a job id seen before (slurmctld's ids start again after
		 * its state is lost) that is no requeue gets a run log of
		 * its own, and the earlier run's lock is not kept */
		char *lk = NULL, first[700];
		int fd;
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		snprintf(first, sizeof(first),
			 "%s/arx5_multitask/2026-02-25_train.md", root);
		facts(&f, &o, "41", "again");
		ok(exl_run_begin(root, &f, &paths, &err) == 0 &&
		   strstr(paths.run_log, "2026-02-25_again.md"),
		   "a reused job id: a new run log %s", paths.run_log);
		/* an open file description's lock conflicts with a lock this
		 * process still holds on the file */
		lk = exl_run_lock_path(root, "arx5_multitask", first);
		fd = lk ? open(lk, O_RDWR | O_CLOEXEC) : -1;
		ok(fd >= 0 && fcntl(fd, F_OFD_SETLK, &fl) == 0,
		   "the earlier run's lock is free afterwards");
		if (fd >= 0)
			close(fd);
		free(lk);
	}
	{
		/* a start that fails once the run is named (its run.json
		 * cannot be written: a directory is in the way) takes the
		 * run back, its timeline line too */
		char dir[700], map[700];
		struct stat st;

		facts(&f, &o, "81", "undo");
		snprintf(dir, sizeof(dir),
			 "%s/.exp-log/runs/arx5_multitask/2026-02-25_undo/run.json",
			 root);
		ok(exl_mkdir_p(dir, 0755, &err) == 0, "run.json blocked");
		ok(exl_run_begin(root, &f, &paths, &err) < 0 &&
		   strstr(err.text, "run.json"),
		   "the start fails: %s", err.text);
		snprintf(dir, sizeof(dir), "%s/arx5_multitask/2026-02-25_undo.md",
			 root);
		snprintf(map, sizeof(map), "%s/.exp-log/jobs/81.json", root);
		ok(stat(dir, &st) < 0 && stat(map, &st) < 0,
		   "no run log and no job map left");
		tl = slurp("arx5_multitask/timeline.md");
		ok(tl && strstr(tl, "2026-02-25_train.md") &&
		   !strstr(tl, "2026-02-25_undo.md"),
		   "the timeline does not name the run taken back");
		free(tl);
	}
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd) != 0)
			diag("cleanup failed");
	}
	exl_opts_free(&o);
	return done_testing();
}
