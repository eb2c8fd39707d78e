/* run_late.c - the slow facts of a batch job, read once its program has
 * started (run_late.h). */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/run_internal.h"
#include "job/run_late.h"
#include "job/run_lifecycle.h"
#include "runstore/run_edit.h"
#include "runstore/runlog_keys.h"
#include "util/fileio.h"
#include "util/strbuf.h"

void exl_run_slow_facts_read(struct exl_run_facts *f)
{
	const char *ds = f->opts->dataset;

	exl_gitstate_read(f->job.submit_dir, &f->git);
	if (ds && !strstr(ds, "://") &&
	    exl_path_resolve(f->job.submit_dir, ds, f->dataset_abs,
			     sizeof(f->dataset_abs)) == 0)
		exl_dataset_describe(f->dataset_abs, f->opts->hash_data,
				     &f->dataset);
	else if (ds)
		exl_dataset_describe(ds, 0, &f->dataset);
}

/* pending_line: the Config line of key still waiting for the late read
 * (its value ends with EXL_PENDING_RUN), or -1. */
static long pending_line(const struct exl_doc *d, size_t sec, const char *key)
{
	size_t i, end = exl_doc_section_end(d, sec);
	size_t pl = strlen(EXL_PENDING_RUN), l;
	const char *v;

	for (i = sec + 1; i < end; i++) {
		v = exl_doc_bullet_value(d->lines[i], key);
		l = v ? strlen(v) : 0;
		if (v && l >= pl && strcmp(v + l - pl, EXL_PENDING_RUN) == 0)
			return (long)i;
	}
	return -1;
}

/* replace_with: the line at (a pending one) replaced by the lines of
 * text ("- key: value\n" each).  0, or -1 when out of memory. */
static int replace_with(struct exl_doc *d, size_t at, char *text)
{
	char *line, *save = NULL;
	size_t pos = at;

	exl_doc_delete(d, at);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (exl_doc_insert(d, pos++, line) < 0)
			return -1;
	return 0;
}

/* put_pending: the pending line of key in Config (sec) replaced by what
 * render writes for f.  1 replaced, 0 none pending, -1 out of memory. */
static int put_pending(struct exl_doc *d, size_t sec, const char *key,
		       const struct exl_run_facts *f,
		       void (*render)(struct exl_sb *, const struct exl_run_facts *))
{
	long at = pending_line(d, sec, key);
	struct exl_sb b = { 0 };
	char *text;
	int rc;

	if (at < 0)
		return 0;
	render(&b, f);
	text = exl_sb_take(&b, NULL);
	rc = text ? replace_with(d, (size_t)at, text) : -1;
	free(text);
	return rc < 0 ? -1 : 1;
}

/* put_late: the edit that writes the late facts (arg: the facts).  Only
 * a run log still waiting for them gets them, run.json with it: one a
 * person edited, or that closed first ("not read"), is left as it
 * says. */
static int put_late(struct exl_run_edit *ed, void *arg)
{
	const struct exl_run_facts *f = arg;
	long sec = exl_doc_find_section(&ed->doc, "Config", 0);
	int code, data;

	if (sec < 0)
		return 1;
	code = put_pending(&ed->doc, (size_t)sec, EXL_K_CODE, f,
			   exl_runlog_render_code);
	data = code < 0 ? -1 :
	       put_pending(&ed->doc, (size_t)sec, EXL_K_DATASET, f,
			   exl_runlog_render_dataset);
	if (code < 0 || data < 0)
		return -1;
	if (!code && !data)
		return 1;
	return ed->run && exl_lc_run_record_late(ed->run, f) < 0 ? -1 : 0;
}

/* user_home: HOME as the job's user has it: libgit2 reads the user's
 * git configuration there (a monitor started by slurmstepd has root's
 * HOME, which it cannot read). */
static void user_home(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *home = getenv("HOME");

	if (pw && pw->pw_dir && (!home || strcmp(home, pw->pw_dir) != 0))
		(void)setenv("HOME", pw->pw_dir, 1);
}

int exl_run_late_facts(const char *root, const char *job_id,
		       const char *state_dir, struct exl_run_facts *f,
		       struct exl_err *err)
{
	f->late = 0;
	user_home();
	exl_run_slow_facts_read(f);
	/* the patch first, outside the lock: the run's own state dir */
	if (state_dir && *state_dir)
		exl_lc_save_patch(f, state_dir);
	return exl_lc_with_run(root, job_id, put_late, f, err);
}

int exl_run_late_unread(struct exl_doc *d)
{
	static const char *const keys[] = { EXL_K_CODE, EXL_K_DATASET, NULL };
	long sec = exl_doc_find_section(d, "Config", 0), at;
	char *line;
	size_t i, keep;
	int rc;

	for (i = 0; sec >= 0 && keys[i]; i++) {
		at = pending_line(d, (size_t)sec, keys[i]);
		if (at < 0)
			continue;
		/* what comes before the marker (a dataset's name) stays */
		keep = strlen(d->lines[at]) - strlen(EXL_PENDING_RUN);
		if (asprintf(&line, "%.*s%s", (int)keep, d->lines[at],
			     "(not read: the job ended before its monitor "
			     "read it)") < 0)
			return -1;
		exl_doc_delete(d, (size_t)at);
		rc = exl_doc_insert(d, (size_t)at, line);
		free(line);
		if (rc < 0)
			return -1;
	}
	return 0;
}
