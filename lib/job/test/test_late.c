/* Unit tests: the slow facts of a batch job read once its program runs
 * (job/run_late.h): the start's pending lines, the monitor's late read
 * into the run log and run.json, and a run closed before it came. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/run_late.h"
#include "job/run_lifecycle.h"
#include "runstore/run_record.h"
#include "util/fileio.h"
#include "tap.h"
#include "tmpdir.h"

static char dir[512], root[600], repo[600];

static int sh(const char *cmd)
{
	char line[2048];

	snprintf(line, sizeof(line), "cd '%s' && (%s) >/dev/null 2>&1", dir,
		 cmd);
	return system(line);
}

static char *slurp(const char *path)
{
	struct exl_err err;
	char *buf = NULL;

	if (exl_read_file(path, 1 << 20, &buf, NULL, &err) < 0)
		return NULL;
	return buf;
}

static void facts(struct exl_run_facts *f, struct exl_opts *o,
		  const char *job_id)
{
	memset(f, 0, sizeof(*f));
	f->opts = o;
	snprintf(f->task, sizeof(f->task), "train");
	snprintf(f->job.job_id, sizeof(f->job.job_id), "%s", job_id);
	snprintf(f->job.job_name, sizeof(f->job.job_name), "train");
	snprintf(f->job.nodes, sizeof(f->job.nodes), "n1");
	f->job.nnodes = 1;
	snprintf(f->job.partition, sizeof(f->job.partition), "debug");
	snprintf(f->job.batch_host, sizeof(f->job.batch_host), "n1");
	snprintf(f->job.script, sizeof(f->job.script), "%s/job.sh", repo);
	snprintf(f->job.submit_dir, sizeof(f->job.submit_dir), "%s", repo);
	f->job.time_limit_min = 60;
	f->job.submitted = 1772028000;
	f->job.start = 1772028131;
	f->late = 1;
}

/* late_read: a run started with late facts, then read by "its monitor". */
static void late_read(struct exl_opts *o)
{
	struct exl_run_facts f;
	struct exl_run_paths p;
	struct exl_run_record r = { 0 };
	struct exl_err err;
	char patch[4200], *md;

	facts(&f, o, "71");
	if (!ok(exl_run_begin(root, &f, &p, &err) == 0, "begin")) {
		diag("%s", err.text);
		return;
	}
	md = slurp(p.run_log);
	ok(md && strstr(md, "- code: " EXL_PENDING_RUN "\n"),
	   "the start leaves the code state to the monitor");
	ok(md && strstr(md, "- dataset: `data/train.bin` " EXL_PENDING_RUN "\n"),
	   "and the dataset");
	ok(md && !strstr(md, "- commit:"), "no commit read at the start");
	free(md);
	ok(exl_run_record_load(p.state_dir, &r, &err) == 0 && !r.git.present &&
	   r.dataset.present && !r.dataset.exists.set,
	   "run.json: no git yet, the dataset by name only");
	exl_run_record_free(&r);

	is_int(exl_run_late_facts(root, "71", p.state_dir, &f, &err), 0,
	       "the late read");
	md = slurp(p.run_log);
	ok(md && !strstr(md, EXL_PENDING_RUN), "no pending line left");
	ok(md && strstr(md, "- branch: `main`\n"), "branch");
	ok(md && strstr(md, "- dirty: yes\n"), "the uncommitted change seen");
	snprintf(patch, sizeof(patch), "(patch `%s/code.patch`", p.state_dir);
	ok(md && strstr(md, patch), "the patch named in the diff line");
	ok(md && strstr(md, "- commit: `"), "a commit line");
	ok(md && strstr(md, "- dataset: `") && strstr(md, "/data/train.bin` (") &&
	   strstr(md, "sha256"), "the dataset described, hashed");
	/* the order of the Config section is the start's */
	ok(md && strstr(md, "- dataset:") < strstr(md, "- key settings:") &&
	   strstr(md, "- key settings:") < strstr(md, "- repo:") &&
	   strstr(md, "- diff:") < strstr(md, "\n## Job"),
	   "the lines where the pending ones were");
	free(md);
	snprintf(patch, sizeof(patch), "%s/code.patch", p.state_dir);
	ok(access(patch, F_OK) == 0, "code.patch written");
	ok(exl_run_record_load(p.state_dir, &r, &err) == 0 && r.git.present &&
	   r.git.commit && strlen(r.git.commit) == 40 && r.git.dirty.v == 1 &&
	   r.dataset.exists.set && r.dataset.exists.v == 1,
	   "run.json: git and the dataset");
	exl_run_record_free(&r);
	/* a second read (a requeue's monitor must not get here; if one
	 * did) changes nothing in the run log */
	md = slurp(p.run_log);
	is_int(exl_run_late_facts(root, "71", p.state_dir, &f, &err), 0,
	       "a second late read");
	{
		char *again = slurp(p.run_log);

		ok(md && again && strcmp(md, again) == 0,
		   "leaves the run log as it was");
		free(again);
	}
	free(md);
}

/* unread: a run that closes before its monitor read anything. */
static void unread(struct exl_opts *o)
{
	struct exl_run_record r = { 0 };
	struct exl_run_facts f;
	struct exl_run_paths p;
	struct exl_run_end e = { 0 };
	struct exl_err err;
	char *md;

	facts(&f, o, "72");
	if (!ok(exl_run_begin(root, &f, &p, &err) == 0, "begin")) {
		diag("%s", err.text);
		return;
	}
	e.end = f.job.start + 5;
	e.have_status = 1;
	e.wstatus = 9;	/* killed */
	e.sched_state = "CANCELLED";
	e.source = "epilog";
	is_int(exl_run_end(root, "72", &e, &err), 0, "closed by the epilog");
	md = slurp(p.run_log);
	ok(md && !strstr(md, EXL_PENDING_RUN), "no promise left at the close");
	ok(md && strstr(md, "- code: (not read: the job ended before its "
			"monitor read it)\n"), "the code state: not read");
	ok(md && strstr(md, "- dataset: `data/train.bin` (not read: the job "
			"ended before its monitor read it)\n"),
	   "the dataset: its name, not read");
	free(md);
	/* a late read after the close finds nothing pending */
	is_int(exl_run_late_facts(root, "72", p.state_dir, &f, &err), 0,
	       "a late read after the close");
	md = slurp(p.run_log);
	ok(md && strstr(md, "- code: (not read"), "keeps the close's story");
	free(md);
	ok(exl_run_record_load(p.state_dir, &r, &err) == 0 && !r.git.present,
	   "and run.json tells the same (no code state)");
	exl_run_record_free(&r);
}

/* edited: a person removed the pending lines while the job ran. */
static void edited(struct exl_opts *o)
{
	struct exl_run_facts f;
	struct exl_run_paths p;
	struct exl_err err;
	char *md, *cut;
	FILE *fp;

	facts(&f, o, "73");
	if (!ok(exl_run_begin(root, &f, &p, &err) == 0, "begin")) {
		diag("%s", err.text);
		return;
	}
	md = slurp(p.run_log);
	cut = md ? strstr(md, "- code: ") : NULL;
	if (cut)
		memmove(cut, strchr(cut, '\n') + 1, strlen(strchr(cut, '\n')));
	fp = fopen(p.run_log, "w");
	if (fp) {
		fputs(md ? md : "", fp);
		fclose(fp);
	}
	free(md);
	is_int(exl_run_late_facts(root, "73", p.state_dir, &f, &err), 0,
	       "the late read of an edited run log");
	md = slurp(p.run_log);
	ok(md && !strstr(md, "- branch:") && !strstr(md, "- code:"),
	   "the person's edit stays");
	free(md);
}

int main(void)
{
	struct exl_opts o = { .enabled = 1 };

	setenv("TZ", "UTC", 1);
	if (!tmpdir_make(dir, sizeof(dir)))
		tap_bail("no temporary directory");
	snprintf(root, sizeof(root), "%s/logs", dir);
	snprintf(repo, sizeof(repo), "%s/repo", dir);
	if (sh("git --version") != 0) {
		ok(1, "# SKIP no git command");
		tmpdir_remove(dir);
		return done_testing();
	}
	if (!ok(sh("mkdir -p repo/data logs && cd repo && git init -q -b main . "
		   "&& git config user.email t@example.org && "
		   "git config user.name t && echo a >job.sh && "
		   "git add job.sh && git commit -q -m one && "
		   "echo b >>job.sh && head -c 4096 /dev/zero >data/train.bin")
	       == 0, "a repository with an uncommitted change, a dataset"))
		return done_testing();
	o.group = strdup("late");
	o.dataset = strdup("data/train.bin");
	o.hash_data = 1;
	late_read(&o);
	unread(&o);
	edited(&o);
	free(o.group);
	free(o.dataset);
	tmpdir_remove(dir);
	return done_testing();
}
