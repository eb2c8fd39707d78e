/* common.c - helpers shared by the runlog commands (see runlog.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runstore/evidence.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "runstore/layout.h"
#include "runstore/run_edit.h"
#include "job/run_lifecycle.h"
#include "runlog.h"
#include "runstore/runlog_scan.h"

/* absolute: path made absolute against the working directory. */
static int absolute(const char *path, char *out, size_t len)
{
	char cwd[RL_PATH];

	if (path[0] == '/')
		return snprintf(out, len, "%s", path) >= (int)len ? -1 : 0;
	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	if (strncmp(path, "./", 2) == 0)
		path += 2;
	return exl_path_resolve(cwd, path, out, len);
}

int rl_set_root(struct rl *c, const char *dir)
{
	size_t n;

	if (absolute(dir, c->root, sizeof(c->root)) < 0) {
		cli_err("%s: path too long or working directory unknown", dir);
		return -1;
	}
	n = strlen(c->root);
	while (n > 1 && c->root[n - 1] == '/')
		c->root[--n] = '\0';
	rl_base_dir(c->root, c->base, sizeof(c->base));
	return 0;
}

int rl_check_root(const struct rl *c)
{
	struct stat st;

	if (stat(c->root, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		cli_err("%s: not a directory: name the run-log root with "
			"runlog --root DIR COMMAND (before the command)",
			c->root);
	} else if (errno == ENOENT || errno == ENOTDIR) {
		cli_err("%s: no such directory: run where you submitted the jobs "
			"(the default root is ./run_logs) or name the root "
			"with runlog --root DIR COMMAND (before the command)",
			c->root);
	} else {
		cli_err("%s: %s", c->root, strerror(errno));
	}
	return -1;
}

void rl_base_dir(const char *root, char *out, size_t len)
{
	char *d = exl_dirname(root);

	snprintf(out, len, "%s", d ? d : "/");
	free(d);
}

static int has_meta(const char *dir)
{
	char *p = exl_layout_meta(dir);
	struct stat st;
	int yes = p && lstat(p, &st) == 0 && S_ISDIR(st.st_mode);

	free(p);
	return yes;
}

/* set_group: group from a directory name, "" when it is not one. */
static void set_group(struct rl_run *run, const char *name)
{
	if (exl_valid_group(name) == 0)
		snprintf(run->group, sizeof(run->group), "%s", name);
}

/* from_path: a run log given as a path; its root is the directory with
 * .exp-log (the file's own directory or the one above), else the
 * file's directory (a hand-made flat root). */
static int from_path(const struct rl *c, const char *arg, struct rl_run *run)
{
	size_t rl = strlen(c->root);
	char *dir, *up;

	if (absolute(arg, run->path, sizeof(run->path)) < 0) {
		cli_err("%s: path too long", arg);
		return EXL_EXIT_USAGE;
	}
	run->name = exl_basename(run->path);
	if (strncmp(run->path, c->root, rl) == 0 && run->path[rl] == '/') {
		const char *rel = run->path + rl + 1, *slash = strchr(rel, '/');

		snprintf(run->root, sizeof(run->root), "%s", c->root);
		if (slash && !strchr(slash + 1, '/')) {
			snprintf(run->group, sizeof(run->group), "%.*s",
				 (int)(slash - rel), rel);
			if (exl_valid_group(run->group) == 0)
				return 0;
			run->group[0] = '\0';
		}
		if (!slash)
			return 0;
	}
	dir = exl_dirname(run->path);
	up = dir ? exl_dirname(dir) : NULL;
	if (!dir || !up) {
		free(dir);
		cli_err("out of memory");
		return EXL_EXIT_ERROR;
	}
	run->group[0] = '\0';
	if (!has_meta(dir) && has_meta(up) &&
	    exl_valid_group(exl_basename(dir)) == 0) {
		snprintf(run->root, sizeof(run->root), "%s", up);
		set_group(run, exl_basename(dir));
	} else {
		snprintf(run->root, sizeof(run->root), "%s", dir);
	}
	free(up);
	free(dir);
	return 0;
}

/* matches: does the listed run log e answer to arg: its rel path or
 * file name, either without ".md", or the task of "<date>_<task>.md"? */
static int matches(const struct exl_scan_entry *e, const char *arg)
{
	size_t al = strlen(arg), nl = strlen(e->name);
	time_t day;

	if (strcmp(e->rel, arg) == 0 || strcmp(e->name, arg) == 0)
		return 1;
	if (nl == al + 3 && strncmp(e->name, arg, al) == 0)
		return 1;
	if (strlen(e->rel) == al + 3 && strncmp(e->rel, arg, al) == 0)
		return 1;
	return nl == al + 14 && e->name[10] == '_' &&
	       exl_parse_date(e->name, &day) == 0 &&
	       strncmp(e->name + 11, arg, al) == 0;
}

static int from_name(const struct rl *c, const char *arg, struct rl_run *run)
{
	struct exl_scan sc;
	struct exl_err err;
	size_t i, hits = 0, hit = 0;
	int rc = 0;

	if (exl_scan_list(c->root, NULL, &sc, &err) < 0) {
		cli_err("%s: no such run log, and %s", arg, err.text);
		exl_scan_free(&sc);
		return EXL_EXIT_USAGE;
	}
	for (i = 0; i < sc.n; i++)
		if (matches(&sc.v[i], arg)) {
			hit = i;
			hits++;
		}
	if (hits == 0) {
		cli_err("%s: no run log by that name under %s (give a path or "
			"--root DIR)", arg, c->root);
		rc = EXL_EXIT_USAGE;
	} else if (hits > 1) {
		cli_err("%s: %zu run logs match under %s: give GROUP/NAME",
			arg, hits, c->root);
		for (i = 0; i < sc.n; i++)
			if (matches(&sc.v[i], arg))
				fprintf(stderr, "  %s\n", sc.v[i].rel);
		rc = EXL_EXIT_USAGE;
	} else {
		const struct exl_scan_entry *e = &sc.v[hit];

		snprintf(run->path, sizeof(run->path), "%s", e->path);
		snprintf(run->root, sizeof(run->root), "%s", c->root);
		if (e->group)
			snprintf(run->group, sizeof(run->group), "%s", e->group);
		run->name = exl_basename(run->path);
	}
	exl_scan_free(&sc);
	return rc;
}

int rl_find_run(const struct rl *c, const char *arg, struct rl_run *run)
{
	struct stat st;

	memset(run, 0, sizeof(*run));
	if (lstat(arg, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			cli_err("%s: not a regular file%s", arg,
				S_ISLNK(st.st_mode) ? " (a symlink: give its target)" : "");
			return EXL_EXIT_USAGE;
		}
		return from_path(c, arg, run);
	}
	return from_name(c, arg, run);
}

int rl_each_dir(const struct rl *c, struct exl_scan *sc, int flat_always,
		rl_dir_fn fn, void *arg)
{
	size_t g, i, s, n;
	int rc = 0;

	/* exl_scan_list sorts the flat level first, then each group's
	 * entries together; a group without run logs is skipped */
	for (n = 0; n < sc->n && !sc->v[n].group; n++)
		;
	if (n || flat_always)
		rc = fn(c, NULL, sc->v, n, arg);
	for (g = 0; rc == 0 && g < sc->ngroups; g++) {
		for (i = 0; i < sc->n; i++)
			if (sc->v[i].group && strcmp(sc->v[i].group, sc->groups[g]) == 0)
				break;
		for (s = i; i < sc->n && sc->v[i].group &&
			    strcmp(sc->v[i].group, sc->groups[g]) == 0; i++)
			;
		if (i > s)
			rc = fn(c, sc->groups[g], sc->v + s, i - s, arg);
	}
	return rc;
}

int rl_scan_load(const struct rl *c, const char *group, struct exl_scan *sc)
{
	struct exl_err err;

	if (exl_scan_list(c->root, group, sc, &err) < 0 ||
	    exl_scan_summaries(sc, 0, &err) < 0) {
		cli_err("%s", err.text);
		exl_scan_free(sc);
		return EXL_EXIT_ERROR;
	}
	return 0;
}

int rl_scan_dirs(const struct rl *c, const char *group, rl_dir_fn fn,
		 void *arg)
{
	struct exl_scan sc;
	int rc;

	rc = rl_scan_load(c, group, &sc);
	if (rc)
		return rc;
	rc = rl_each_dir(c, &sc, 0, fn, arg) < 0 ? EXL_EXIT_ERROR : EXL_EXIT_OK;
	exl_scan_free(&sc);
	return rc;
}

int rl_read_run(const struct rl *c, const char *arg, struct rl_run *run,
		char **text)
{
	struct exl_err err;
	int rc = rl_find_run(c, arg, run);

	*text = NULL;
	if (rc)
		return rc;
	if (exl_read_file(run->path, EXL_READ_MAX, text, NULL, &err) < 0) {
		cli_err("%s", err.text);
		return EXL_EXIT_ERROR;
	}
	return 0;
}

const char *rl_group(const struct rl_run *run)
{
	return run->group[0] ? run->group : NULL;
}

int rl_lock(const char *root, const char *group)
{
	char *lock = exl_layout_lock(root, group);
	char *dir = lock ? exl_dirname(lock) : NULL;
	struct exl_err err;
	int fd = -1;

	if (!dir)
		cli_err("out of memory");
	else if (exl_mkdir_p(dir, 0755, &err) < 0)
		cli_err("%s", err.text);
	else if ((fd = exl_lock(lock, EXL_LOCK_TIMEOUT, &err)) < 0)
		cli_err("%s", err.text);
	free(dir);
	free(lock);
	return fd;
}

int rl_run_lock(const char *root, const char *group, const char *run_log)
{
	struct exl_err err;
	int fd = exl_run_lock(root, group, run_log, &err);

	if (fd < 0)
		cli_err("%s", err.text);
	return fd;
}

int rl_run_record(const char *root, const char *group, const char *stem,
		  struct exl_run_record *r, char **state_dir)
{
	char *sd = exl_layout_state_dir(root, group, stem);
	int rc = sd ? exl_run_record_load(sd, r, NULL) : -1;

	if (!sd)
		memset(r, 0, sizeof(*r));
	if (rc == 0 && state_dir)
		*state_dir = sd;
	else
		free(sd);
	return rc == 0 ? 0 : -1;
}

int rl_load_doc(const char *path, struct exl_doc *d)
{
	struct exl_err err;
	char *text;
	int rc;

	memset(d, 0, sizeof(*d));
	if (exl_read_file(path, EXL_READ_MAX, &text, NULL, &err) < 0) {
		cli_err("%s", err.text);
		return -1;
	}
	rc = exl_doc_parse(d, text, &err);
	free(text);
	if (rc < 0)
		cli_err("%s: %s", path, err.text);
	return rc;
}

int rl_save_doc(const char *path, const struct exl_doc *d)
{
	struct exl_err err;
	int rc = exl_doc_save(path, d, &err);

	if (rc < 0)
		cli_err("%s", err.text);
	return rc;
}

const char *rl_color(const struct rl *c, const char *code)
{
	return c->color ? code : "";
}

void rl_duration(long s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s >= 86400)
		snprintf(buf, len, "%ldd%02ldh", s / 86400, (s % 86400) / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
	else if (s >= 60)
		snprintf(buf, len, "%ldm", s / 60);
	else
		snprintf(buf, len, "%lds", s);
}

int rl_usage(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cli_usage_err(cmd, "%s", msg);
}

int rl_help(const char *text)
{
	fputs(text, stdout);
	return EXL_EXIT_OK;
}

long rl_parse_count(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return (errno || end == s || *end || v < 0) ? -1 : v;
}

int rl_meta_writable(const struct rl *c)
{
	char *meta = exl_layout_meta(c->root);
	int yes = meta && access(meta, W_OK) == 0;

	free(meta);
	return yes;
}
