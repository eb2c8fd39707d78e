/* common.c - helpers shared by the exp-wandb-sync subcommands. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "wandb/wandb_names.h"
#include "wsync.h"

void free_strv(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* add_if_dir: append path to v when it is an existing directory. */
static int add_if_dir(char ***v, size_t *n, char *path)
{
	struct stat st;
	char **nv;

	if (!path)
		return -1;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(path);
		return 0;
	}
	nv = realloc(*v, (*n + 2) * sizeof(*nv));
	if (!nv) {
		free(path);
		return -1;
	}
	*v = nv;
	nv[(*n)++] = path;
	nv[*n] = NULL;
	return 0;
}

size_t default_roots(char ***roots)
{
	const char *env = getenv("EXP_LOG_DIR");
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;

	*roots = v;
	if (!v || add_if_dir(roots, &n, exl_layout_runs_dir("run_logs")) < 0 ||
	    (env && *env &&
	     add_if_dir(roots, &n, exl_layout_runs_dir(env)) < 0) ||
	    add_if_dir(roots, &n, strdup("wandb")) < 0 ||
	    add_if_dir(roots, &n, strdup(".wandb")) < 0)
		cli_err("out of memory: some default roots left out");
	return n;
}

struct walk_progress {
	struct cli_progress p;
	uint64_t shown;
};

static void walk_cb(void *arg, uint64_t dirs, uint64_t runs)
{
	struct walk_progress *w = arg;

	(void)runs;
	cli_progress_add(&w->p, 0, dirs - w->shown);
	w->shown = dirs;
}

int check_roots(char *const *roots, size_t n)
{
	struct stat st;
	size_t i;

	for (i = 0; i < n; i++)
		if (stat(roots[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			cli_err("%s: %s", roots[i], errno == ENOENT ?
				"no such directory" : "not a directory");
			return -1;
		}
	return 0;
}

int discover(const char *const *roots, size_t n, int threads,
	     struct exl_wandb_discovery *out)
{
	struct walk_progress w = { .shown = 0 };
	struct exl_err e;
	int rc;

	cli_progress_start(&w.p, "scanning directories", 0, 0);
	rc = exl_wandb_discover(roots, n, threads, walk_cb, &w, out, &e);
	cli_progress_end(&w.p);
	if (rc < 0) {
		cli_err("%s", e.text);
		return -1;
	}
	if (out->errors)
		cli_err("warning: %u director%s could not be read, first: %s",
			out->errors, out->errors == 1 ? "y" : "ies",
			out->first_error);
	return 0;
}

/* load_one: the run, and its run log when asked. */
static int load_one(struct wrun *w, const char *dir, unsigned what, int link)
{
	struct exl_err e = { { 0 } };
	int rc;

	if (exl_wandb_run_load(dir, what, &w->run, &e) < 0)
		return -1;
	if (!link)
		return 0;
	rc = exl_wandb_link_find(dir, exl_wandb_run_created(&w->run),
				 &w->link, &e);
	if (rc == 0)
		w->linked = 1;
	else if (rc < 0)
		snprintf(w->link_error, sizeof(w->link_error), "%s", e.text);
	return 0;
}

struct loader {
	pthread_mutex_t mu;
	struct wrun *runs;
	const char *const *dirs;
	size_t n, next;
	unsigned what;
	int link, failed;
	struct cli_progress p;
};

static void *load_worker(void *arg)
{
	struct loader *l = arg;

	for (;;) {
		size_t i;
		int rc;

		pthread_mutex_lock(&l->mu);
		i = l->next++;
		pthread_mutex_unlock(&l->mu);
		if (i >= l->n)
			break;
		rc = load_one(&l->runs[i], l->dirs[i], l->what, l->link);
		pthread_mutex_lock(&l->mu);
		if (rc < 0)
			l->failed = 1;
		cli_progress_add(&l->p, 0, 1);
		pthread_mutex_unlock(&l->mu);
	}
	return NULL;
}

int load_runs(struct wrun *runs, const char *const *dirs, size_t n,
	      unsigned what, int link, int threads, const char *progress_what)
{
	struct loader l = { .mu = PTHREAD_MUTEX_INITIALIZER, .runs = runs,
			    .dirs = dirs, .n = n, .what = what, .link = link };
	pthread_t tid[64];
	int i, started = 0;

	if (threads <= 0)
		threads = exl_wandb_default_threads();
	if (threads > 64)
		threads = 64;
	cli_progress_start(&l.p, progress_what, 0, n);
	for (i = 0; i < threads && (size_t)i < n; i++)
		if (pthread_create(&tid[i], NULL, load_worker, &l) == 0)
			started++;
	if (!started)
		load_worker(&l);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	cli_progress_end(&l.p);
	pthread_mutex_destroy(&l.mu);
	if (l.failed) {
		cli_err("out of memory while reading runs");
		return -1;
	}
	return 0;
}

void free_wrun(struct wrun *w)
{
	exl_wandb_run_free(&w->run);
	if (w->linked)
		exl_wandb_link_free(&w->link);
	w->linked = 0;
}

void free_runs(struct wrun *runs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free_wrun(&runs[i]);
	free(runs);
}

int load_named_run(const char *arg, unsigned what, struct wrun *w)
{
	char *dir = strdup(arg);
	struct stat st;
	size_t len;
	int rc;

	memset(w, 0, sizeof(*w));
	if (!dir) {
		cli_err("out of memory");
		return -1;
	}
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	/* the run's .wandb file names its directory */
	if (exl_wandb_is_log_name(exl_basename(dir))) {
		char *d = exl_dirname(dir);

		free(dir);
		if (!(dir = d)) {
			cli_err("out of memory");
			return -1;
		}
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cli_err("%s: %s", arg, errno == ENOENT ? "no such directory" :
			"not a directory");
		free(dir);
		return -1;
	}
	if (exl_wandb_dir_kind(exl_basename(dir), NULL, NULL) < 0) {
		cli_err("%s: not a W&B run directory (expected offline-run-<time>-<id> or run-<time>-<id>)",
			arg);
		free(dir);
		return -1;
	}
	rc = load_one(w, dir, what, 1);
	free(dir);
	if (rc < 0)
		cli_err("out of memory");
	return rc;
}

const char *show_path(const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];
	size_t cl;

	if (path[0] != '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	cl = strlen(cwd);
	if (strncmp(path, cwd, cl) == 0 && path[cl] == '/') {
		snprintf(buf, len, "%s", path + cl + 1);
		return buf;
	}
	return path;
}

const char *tty_safe(const char *s, char *buf, size_t len)
{
	size_t i;

	if (!len)
		return "";
	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

const char *show_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "-");
	return buf;
}

int parse_count(const char *cmd, const char *opt, const char *val, long max,
		long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || end == val || *end || v < 0 || v > max) {
		cli_usage_err(cmd, "%s: expected a number from 0 to %ld, not '%s'",
			      opt, max, val);
		return -1;
	}
	*out = v;
	return 0;
}

json_object *jstr(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

json_object *jpath(const char *p)
{
	char *real;
	json_object *o;

	if (!p || !*p)
		return NULL;
	real = exl_wandb_abs_path(p);
	o = json_object_new_string(real ? real : p);
	free(real);
	return o;
}

json_object *jint_or_null(int have, long long v)
{
	return have ? json_object_new_int64(v) : NULL;
}

void print_json(json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

int valid_wandb_name(const char *s)
{
	size_t i;

	if (!s || !*s || strlen(s) > 128)
		return -1;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' ||
		      s[i] == '.'))
			return -1;
	return 0;
}
