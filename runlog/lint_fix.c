/* lint_fix.c - mechanical repairs for `runlog lint --fix` (see
 * lint_fix.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runstore/experiments_table.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "runstore/layout.h"
#include "runstore/run_edit.h"
#include "lint_fix.h"
#include "runstore/run_index.h"
#include "runstore/run_record.h"
#include "runstore/runlog_scan.h"
#include "runstore/status_row.h"
#include "util/timefmt.h"
#include "runstore/timeline_build.h"
#include "runstore/runlog_keys.h"

/* What one directory's repair does. */
struct plan {
	const struct rl *c;
	const char *dir, *group;
	int apply;
	int actions;
	char **names;		/* run-log names after the renames */
	const struct exl_lint_info *info;
	size_t n;
};

static int has_rule(const struct exl_findings *f, const char *file,
		    const char *prefix)
{
	size_t i, pl = strlen(prefix);

	for (i = 0; i < f->n; i++)
		if (f->v[i].fixable && strncmp(f->v[i].rule, prefix, pl) == 0 &&
		    (!file || strcmp(exl_basename(f->v[i].file), file) == 0))
			return 1;
	return 0;
}

static void say(struct plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	printf("%s", p->apply ? "fix: " : "would: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	p->actions++;
}

/* replace_all: text with every occurrence of from replaced by to
 * (newly allocated; NULL when memory ran out). */
static char *replace_all(const char *text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0, len;
	const char *p;
	char *out, *o;

	for (p = text; (p = strstr(p, from)); p += fl)
		n++;
	len = strlen(text) + n * tl + 1;
	out = malloc(len > n * fl ? len - n * fl : len);
	if (!out)
		return NULL;
	for (o = out, p = text; ; ) {
		const char *hit = strstr(p, from);

		if (!hit) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, to, tl);
		o += tl;
		p = hit + fl;
	}
	return out;
}

/* edit_file: replace from with to in a text file (atomic); missing
 * files are fine. */
static int edit_file(const char *path, const char *from, const char *to)
{
	struct exl_err err;
	char *text, *out;
	int rc;

	if (exl_read_file(path, EXL_READ_MAX, &text, NULL, &err) < 0) {
		if (errno == ENOENT)
			return 0;
		cli_err("%s", err.text);
		return -1;
	}
	out = replace_all(text, from, to);
	free(text);
	if (!out) {
		cli_err("%s: out of memory", path);
		return -1;
	}
	rc = exl_write_atomic(path, out, strlen(out), 0644, &err);
	if (rc < 0)
		cli_err("%s", err.text);
	free(out);
	return rc;
}

/* prefix_swap: s with its leading path from replaced by to, NULL when
 * s does not start with from (as a whole path component). */
struct swap {
	const char *from, *to;
};

static char *prefix_swap(const char *s, void *arg)
{
	const struct swap *w = arg;
	size_t fl = strlen(w->from);
	char *ns;

	if (strncmp(s, w->from, fl) != 0 || (s[fl] && s[fl] != '/'))
		return NULL;
	return asprintf(&ns, "%s%s", w->to, s + fl) < 0 ? NULL : ns;
}

/* fix_json_strings: in every string value of o that starts with from,
 * put to instead (depth-bounded). */
static void fix_json_strings(json_object *o, const struct swap *w, int depth)
{
	if (depth > EXL_JSON_MAX_DEPTH)
		return;
	if (json_object_is_type(o, json_type_array)) {
		size_t i, n = json_object_array_length(o);

		for (i = 0; i < n; i++)
			fix_json_strings(json_object_array_get_idx(o, i), w,
					 depth + 1);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, val) {
		char *ns;

		if (!json_object_is_type(val, json_type_string)) {
			fix_json_strings(val, w, depth + 1);
			continue;
		}
		ns = prefix_swap(json_object_get_string(val), (void *)w);
		if (!ns)
			continue;
		json_object_object_add(o, key, json_object_new_string(ns));
		free(ns);
	}
}

/* fix_job_index: rewrite a job index entry after a rename, unless the
 * id now belongs to another run log. */
static int fix_job_index(const char *path, const char *old_rel,
			 const char *new_rel, const char *old_sd,
			 const char *new_sd)
{
	struct swap w = { old_sd, new_sd };
	struct exl_err err;
	json_object *o = exl_json_read(path, 1 << 22, &err);
	const char *rl;
	int rc;

	if (!o) {
		if (errno == ENOENT)
			return 0;
		cli_err("%s", err.text);
		return -1;
	}
	rl = exl_json_str(o, "run_log");
	if (!rl || strcmp(rl, old_rel) != 0) {
		json_object_put(o);
		return 0;	/* the id now belongs to another run log */
	}
	exl_json_set_str(o, "run_log", new_rel);
	fix_json_strings(o, &w, 0);
	rc = exl_json_write(path, o, &err);
	if (rc < 0)
		cli_err("%s", err.text);
	json_object_put(o);
	return rc;
}

/* fix_record: the moved run's run.json (now in new_sd): its run log and
 * every path into the old state dir. */
static int fix_record(const char *new_rel, const char *old_sd,
		      const char *new_sd)
{
	struct swap w = { old_sd, new_sd };
	struct exl_run_record r;
	struct exl_err err;
	int rc = exl_run_record_load(new_sd, &r, &err);

	if (rc == 1)
		return 0;
	if (rc == 0 && (exl_rr_str_set(&r.run_log, new_rel) < 0 ||
			exl_run_record_map_strings(&r, prefix_swap, &w) < 0))
		rc = exl_errnof(&err, ENOMEM, "couldn't update the run.json in %s",
				new_sd);
	if (rc == 0)
		rc = exl_run_record_save(new_sd, &r, &err);
	if (rc < 0)
		cli_err("%s", err.text);
	exl_run_record_free(&r);
	return rc;
}

/* fix_indexes: the job index entries of every execution_id in run_log
 * (relative state paths there). */
static int fix_indexes(const char *root, const char *run_log,
		       const char *old_rel, const char *new_rel,
		       const char *old_srel, const char *new_srel)
{
	struct exl_doc d;
	size_t i;
	int rc = 0;

	if (rl_load_doc(run_log, &d) < 0)
		return -1;
	for (i = 0; rc == 0 && i < d.n; i++) {
		char *id, *idx;

		if (strncmp(d.lines[i], "## Job", 6) != 0)
			continue;
		id = exl_doc_get_key(&d, i, EXL_K_EXECUTION_ID);
		idx = id && exl_layout_safe_rel(id) == 0 && !strchr(id, '/') ?
		      exl_layout_job_index(root, id) : NULL;
		if (idx)
			rc = fix_job_index(idx, old_rel, new_rel, old_srel,
					   new_srel);
		free(idx);
		free(id);
	}
	exl_doc_free(&d);
	return rc;
}

/* The paths a rename touches, all newly allocated. */
struct moved {
	char *os, *ns;			/* stems */
	char *opath, *npath;		/* run logs */
	char *orel, *nrel;		/* run logs relative to the root */
	char *osrel, *nsrel;		/* state dirs relative to the root */
	char *osd, *nsd;		/* state dirs */
	char *otl, *ntl;		/* "`old`", "`new`" */
	char *tl, *exp;			/* timeline.md, experiments.md */
};

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, f);
	rc = vasprintf(&s, f, ap);
	va_end(ap);
	return rc < 0 ? NULL : s;
}

static void moved_free(struct moved *m)
{
	char **v = (char **)m;
	size_t i;

	for (i = 0; i < sizeof(*m) / sizeof(char *); i++)
		free(v[i]);
}

static int moved_init(struct moved *m, const struct plan *p, const char *old,
		      const char *new)
{
	const char *gp = p->group ? p->group : "", *sl = p->group ? "/" : "";
	char **v = (char **)m;
	size_t i;

	m->os = exl_layout_stem(old);
	m->ns = exl_layout_stem(new);
	m->opath = fmt("%s/%s", p->dir, old);
	m->npath = fmt("%s/%s", p->dir, new);
	m->orel = fmt("%s%s%s", gp, sl, old);
	m->nrel = fmt("%s%s%s", gp, sl, new);
	m->osrel = exl_layout_state_rel(p->group, m->os ? m->os : "");
	m->nsrel = exl_layout_state_rel(p->group, m->ns ? m->ns : "");
	m->osd = fmt("%s/%s", p->c->root, m->osrel ? m->osrel : "");
	m->nsd = fmt("%s/%s", p->c->root, m->nsrel ? m->nsrel : "");
	m->otl = fmt("`%s`", old);
	m->ntl = fmt("`%s`", new);
	m->tl = fmt("%s/timeline.md", p->dir);
	m->exp = fmt("%s/experiments.md", p->dir);
	for (i = 0; i < sizeof(*m) / sizeof(char *); i++)
		if (!v[i]) {
			cli_err("out of memory");
			return -1;
		}
	return 0;
}

/* editable: can edit_file rewrite path (missing is fine)?  Says why not.
 * Checked for every file of a rename before the first change, so a
 * refusal (a symlink, a huge file) leaves no half-renamed run. */
static int editable(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : (cli_err("couldn't stat %s: %s",
						      path, strerror(errno)), -1);
	if (S_ISLNK(st.st_mode)) {
		cli_err("%s: is a symlink, refusing to follow it: nothing renamed",
			path);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > EXL_READ_MAX) {
		cli_err("%s: not a regular file of at most %u bytes: nothing renamed",
			path, EXL_READ_MAX);
		return -1;
	}
	return 0;
}

/* rename_run: move dir/old to dir/new with the state it owns: its state
 * dir, the sidecar's and job index's paths, its run index entries, the
 * references in the run log, timeline.md and experiments.md. */
static int rename_run(struct plan *p, const char *old, const char *new)
{
	struct moved m = { 0 };
	struct exl_err err;
	struct stat st;
	int has_state, rc = -1, fd = -1;

	if (moved_init(&m, p, old, new) < 0)
		goto out;
	has_state = lstat(m.osd, &st) == 0 && S_ISDIR(st.st_mode);
	if (lstat(m.npath, &st) == 0 || (has_state && lstat(m.nsd, &st) == 0)) {
		cli_err("%s: can't rename to %s: it exists", m.opath, new);
		rc = 0;
		goto out;
	}
	say(p, "rename %s to %s%s", m.orel, new, has_state ?
	    " (with its state dir, sidecar, job index and references)" : "");
	rc = 0;
	if (!p->apply)
		goto out;
	rc = -1;
	if (editable(m.tl) < 0 || editable(m.exp) < 0)
		goto out;
	/* a writer of the ended run (a W&B URL, a note) goes first */
	if ((fd = rl_run_lock(p->c->root, p->group, m.opath)) < 0)
		goto out;
	if (link(m.opath, m.npath) < 0 || unlink(m.opath) < 0) {
		cli_err("couldn't rename %s to %s: %s", m.opath, m.npath,
			strerror(errno));
		goto out;
	}
	if (exl_index_rename(p->c->root, m.orel, m.nrel, &err) < 0) {
		cli_err("%s", err.text);
		goto out;
	}
	if (has_state && rename(m.osd, m.nsd) < 0) {
		cli_err("couldn't rename %s: %s", m.osd, strerror(errno));
		goto out;
	}
	if (has_state &&
	    (fix_record(m.nrel, m.osd, m.nsd) < 0 ||
	     edit_file(m.npath, m.osd, m.nsd) < 0 ||
	     fix_indexes(p->c->root, m.npath, m.orel, m.nrel, m.osrel,
			 m.nsrel) < 0))
		goto out;
	if (edit_file(m.tl, m.otl, m.ntl) < 0 || edit_file(m.exp, m.os, m.ns) < 0)
		goto out;
	rc = 0;
out:
	exl_unlock(fd);
	moved_free(&m);
	return rc;
}

/* open_run: is the run log at path still open?  A run exp-log manages
 * (it has a state dir) is not renamed while open: its job still writes
 * to the old path. */
static int open_run(const char *path)
{
	struct exl_run_summary s;
	char *buf = NULL, *error = NULL;
	size_t cap = 0;
	int open = 0;

	if (exl_scan_read_one(path, &buf, &cap, &s, &error) == 0)
		open = !exl_summary_closed(&s) && s.job_id != NULL;
	exl_summary_free(&s);
	free(error);
	free(buf);
	return open;
}

/* managed: does the run log name have a state dir under the root? */
static int managed(const struct plan *p, const char *name)
{
	char *stem = exl_layout_stem(name);
	char *sd = stem ? exl_layout_state_dir(p->c->root, p->group, stem) : NULL;
	struct stat st;
	int rc = sd && lstat(sd, &st) == 0 && S_ISDIR(st.st_mode);

	free(sd);
	free(stem);
	return rc;
}

static int do_renames(struct plan *p, const struct exl_findings *f)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		char good[512], path[RL_PATH];

		if (!has_rule(f, p->info[i].name, "name-") ||
		    exl_lint_good_name(p->info[i].name, p->info[i].start, good,
				       sizeof(good)) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s", p->dir, p->info[i].name);
		if (managed(p, p->info[i].name) && open_run(path)) {
			cli_err("%s: still open: rename it after the run ends", path);
			continue;
		}
		if (rename_run(p, p->info[i].name, good) < 0)
			return -1;
		free(p->names[i]);
		p->names[i] = strdup(good);
		if (!p->names[i]) {
			cli_err("out of memory");
			return -1;
		}
	}
	return 0;
}

/* put_human_dates: start_human / end_human beside ISO-only stamps in
 * every job block; *arg counts what was added (the edit writes only
 * when something was). */
static int put_human_dates(struct exl_run_edit *e, void *arg)
{
	static const char *const keys[][2] = { { "start", "start_human" },
					       { "end", "end_human" } };
	struct exl_doc *d = &e->doc;
	int *added = arg, rc = 0;
	char human[64];
	size_t i, k;

	*added = 0;
	for (i = 0; rc == 0 && i < d->n; i++) {
		if (strncmp(d->lines[i], "## Job", 6) != 0)
			continue;
		for (k = 0; rc == 0 && k < 2; k++) {
			long l = exl_doc_find_key(d, i, keys[k][0]);
			char *v, *line;
			time_t t;

			if (l < 0 || exl_doc_find_key(d, i, keys[k][1]) >= 0)
				continue;
			v = exl_doc_get_key(d, i, keys[k][0]);
			if (v && exl_parse_iso(v, &t) == 0 &&
			    exl_time_human(t, 1, human, sizeof(human)) == 0) {
				line = fmt("- %s: `%s`", keys[k][1], human);
				if (!line || exl_doc_insert(d, (size_t)l + 1, line) < 0)
					rc = -1;
				else
					(*added)++;
				free(line);
			}
			free(v);
		}
	}
	return rc < 0 ? -1 : *added ? 0 : 1;
}

/* dry_run_edit: a dry run counts what would be added, writing nothing. */
static int dry_run_edit(struct exl_run_edit *e, void *arg)
{
	return put_human_dates(e, arg) < 0 ? -1 : 1;
}

/* human_dates: add start_human / end_human beside ISO-only stamps (the
 * plan holds the group lock when it applies). */
static int human_dates(struct plan *p, const char *name)
{
	struct exl_run_edit e = { 0 };
	char path[RL_PATH];
	struct exl_err err;
	int added = 0, rc, fd = -1;

	snprintf(path, sizeof(path), "%s/%s", p->dir, name);
	e.run_log = path;
	if (p->apply && (fd = rl_run_lock(p->c->root, p->group, path)) < 0)
		return -1;
	rc = exl_run_edit(&e, NULL, p->apply ? put_human_dates : dry_run_edit,
			  &added, &err);
	exl_unlock(fd);
	if (rc < 0) {
		cli_err("%s", err.text);
		return -1;
	}
	if (added)
		say(p, "add %d human-readable date%s to %s", added,
		    added == 1 ? "" : "s", path);
	return 0;
}

/* rebuild_timeline: timeline.md from the run logs now present. */
static int rebuild_timeline(struct plan *p)
{
	struct exl_tl_file *files = calloc(p->n ? p->n : 1, sizeof(*files));
	char path[RL_PATH], title[128], *old = NULL, *text = NULL;
	struct exl_err err;
	size_t i;
	int changed, rc = -1;

	snprintf(path, sizeof(path), "%s/timeline.md", p->dir);
	if (!files)
		goto out;
	if (exl_read_file(path, EXL_READ_MAX, &old, NULL, &err) < 0 &&
	    errno != ENOENT) {
		cli_err("%s", err.text);
		goto out;
	}
	for (i = 0; i < p->n; i++) {
		files[i].name = p->names[i];
		files[i].when = p->info[i].start;
	}
	exl_group_title(p->group, title, sizeof(title));
	text = exl_timeline_rebuild(old, title, files, p->n, &changed);
	if (!text) {
		cli_err("%s: out of memory", path);
		goto out;
	}
	rc = 0;
	if (!changed)
		goto out;
	say(p, "%s %s (%zu run%s, in date order)", old ? "rebuild" : "write",
	    path, p->n, p->n == 1 ? "" : "s");
	if (p->apply && exl_write_atomic(path, text, strlen(text), 0644, &err) < 0) {
		cli_err("%s", err.text);
		rc = -1;
	}
out:
	free(text);
	free(old);
	free(files);
	return rc;
}

/* add_row: r's row into *text (NULL: no experiments.md yet) unless it
 * has one; *added counts it.  -1 when out of memory. */
static int add_row(char **text, const char *title,
		   const struct exl_exp_row *r, int *added)
{
	struct exl_experiment_row row;
	int has = exl_experiments_find(*text, r->run, NULL), changed;
	char *next;

	if (has)
		return has < 0 ? -1 : 0;
	exl_exp_upsert_row(r, &row);
	next = exl_experiments_upsert(*text, title, &row, NULL, &changed, NULL);
	if (!next)
		return -1;
	free(*text);
	*text = next;
	(*added)++;
	return 0;
}

/* add_experiments: missing rows of experiments.md (rows already there
 * are left as they are). */
static int add_experiments(struct plan *p)
{
	char path[RL_PATH], title[160], *text = NULL, *buf = NULL;
	size_t i, cap = 0;
	struct exl_err err;
	int added = 0, rc = -1;

	snprintf(path, sizeof(path), "%s/experiments.md", p->dir);
	if (exl_read_file(path, EXL_READ_MAX, &text, NULL, &err) < 0 &&
	    errno != ENOENT) {
		cli_err("%s", err.text);
		goto out;
	}
	if (p->group)
		exl_title_case(p->group, title, sizeof(title));
	for (i = 0; i < p->n; i++) {
		struct exl_run_summary s = { 0 };
		struct exl_exp_row r;
		char *run, *stem, *error = NULL;
		int bad = 0;

		if (!p->info[i].experiment)
			continue;
		run = fmt("%s/%s", p->dir, p->names[i]);
		stem = exl_layout_stem(p->names[i]);
		if (run && stem && exl_scan_read_one(run, &buf, &cap, &s, &error) == 0) {
			exl_exp_row(stem, &s, &r);
			bad = add_row(&text, p->group ? title : NULL, &r, &added) < 0;
		}
		exl_summary_free(&s);
		free(error);
		free(run);
		free(stem);
		if (bad) {
			cli_err("%s: out of memory", path);
			goto out;
		}
	}
	rc = 0;
	if (!added)
		goto out;
	say(p, "add %d row%s to %s", added, added == 1 ? "" : "s", path);
	if (p->apply && exl_write_atomic(path, text, strlen(text), 0644, &err) < 0) {
		cli_err("%s", err.text);
		rc = -1;
	}
out:
	free(buf);
	free(text);
	return rc;
}

int rl_lint_fix(const struct rl *c, const char *dir, const char *group,
		const struct exl_lint_info *info, size_t n,
		const struct exl_findings *f, int apply)
{
	struct plan p = { .c = c, .dir = dir, .group = group, .apply = apply,
			  .info = info, .n = n };
	int fd = -1, rc = -1, renamed;
	size_t i;

	p.names = calloc(n ? n : 1, sizeof(*p.names));
	if (!p.names) {
		cli_err("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!(p.names[i] = strdup(info[i].name))) {
			cli_err("out of memory");
			goto out;
		}
	if (apply && (fd = rl_lock(c->root, group)) < 0)
		goto out;
	if (do_renames(&p, f) < 0)
		goto out;
	renamed = p.actions > 0;
	for (i = 0; i < n; i++)
		if (has_rule(f, info[i].name, "iso-only") &&
		    human_dates(&p, p.names[i]) < 0)
			goto out;
	if ((renamed || has_rule(f, NULL, "timeline-")) && rebuild_timeline(&p) < 0)
		goto out;
	if ((renamed || has_rule(f, NULL, "experiments-")) && add_experiments(&p) < 0)
		goto out;
	rc = p.actions;
out:
	exl_unlock(fd);
	for (i = 0; i < n; i++)
		free(p.names[i]);
	free(p.names);
	return rc;
}
