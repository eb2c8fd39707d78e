/* wandb_rundir.c - facts about one W&B run directory (wandb_rundir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "wandb/wandb_names.h"
#include "wandb/wandb_rundir.h"

/* Deepest directory level a walk enters (hostile trees). */
#define SIZE_WALK_DEPTH 48

int exl_wandb_is_staging_path(const char *rel)
{
	const char *p = rel;

	while ((p = strstr(p, "artifacts/"))) {
		const char *rest = p + 10;

		if ((p == rel || p[-1] == '/') &&
		    ((strncmp(rest, "staging", 7) == 0 &&
		      (rest[7] == '/' || !rest[7])) ||
		     (strncmp(rest, "obj", 3) == 0 &&
		      (rest[3] == '/' || !rest[3]))))
			return 1;
		p = rest;
	}
	return 0;
}

/* add_file: put one file's size in its category. */
static void add_file(void *arg, const char *rel, int depth,
		     const struct stat *st)
{
	struct exl_wandb_sizes *s = arg;
	uint64_t bytes = (uint64_t)st->st_size;

	s->total += bytes;
	if (depth == 0 && exl_wandb_is_log_name(rel))
		s->history += bytes;
	else if (strncmp(rel, "files/media/", 12) == 0)
		s->media += bytes;
	else if (exl_wandb_is_staging_path(rel))
		s->staging += bytes;
	else
		s->files += bytes;
}

/* walk: the tree under dfd; rel is its path below the top ("" at the
 * top), in a buffer of len bytes. */
static void walk(int dfd, char *rel, size_t len, int depth,
		 exl_wandb_file_fn fn, void *arg)
{
	size_t rl = strlen(rel);
	struct dirent *de;
	DIR *d = fdopendir(dfd);

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		struct stat st;

		if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
			continue;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (snprintf(rel + rl, len - rl, "%s%s", rl ? "/" : "", name) >=
		    (int)(len - rl)) {
			rel[rl] = '\0';
			continue;	/* too long to name: skipped */
		}
		if (S_ISREG(st.st_mode)) {
			fn(arg, rel, depth, &st);
		} else if (S_ISDIR(st.st_mode) && depth < SIZE_WALK_DEPTH) {
			int fd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY |
					O_NOFOLLOW | O_CLOEXEC);

			if (fd >= 0)
				walk(fd, rel, len, depth + 1, fn, arg);
		}
		rel[rl] = '\0';
	}
	closedir(d);
}

void exl_wandb_walk_files(const char *dir, exl_wandb_file_fn fn, void *arg)
{
	char rel[4096] = "";
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		walk(fd, rel, sizeof(rel), 0, fn, arg);
}

char *exl_wandb_abs_path(const char *path)
{
	char cwd[4096], *joined, *out, *w;
	const char *r;

	if (path[0] == '/')
		joined = strdup(path);
	else if (getcwd(cwd, sizeof(cwd)))
		joined = exl_path_join(cwd, path);
	else
		joined = strdup(path);
	if (!joined || !(out = malloc(strlen(joined) + 2))) {
		free(joined);
		return NULL;
	}
	w = out;
	for (r = joined; *r;) {
		size_t n;

		while (*r == '/')
			r++;
		n = strcspn(r, "/");
		if (n == 0 || (n == 1 && r[0] == '.')) {
			r += n;
			continue;
		}
		*w++ = '/';
		memcpy(w, r, n);
		w += n;
		r += n;
	}
	if (w == out)
		*w++ = '/';
	*w = '\0';
	free(joined);
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* staged_outside: staged copies the run's artifact records name that
 * live outside the run directory (each counted once). */
static int staged_outside(struct exl_wandb_run *r)
{
	size_t i, dl = strlen(r->dir);
	char **v;

	if (!r->sum.nstaged)
		return 0;
	v = malloc(r->sum.nstaged * sizeof(*v));
	if (!v)
		return -1;
	memcpy(v, r->sum.staged, r->sum.nstaged * sizeof(*v));
	qsort(v, r->sum.nstaged, sizeof(*v), cmp_str);
	for (i = 0; i < r->sum.nstaged; i++) {
		struct stat st;

		if (i && strcmp(v[i], v[i - 1]) == 0)
			continue;
		if (strncmp(v[i], r->dir, dl) == 0 && v[i][dl] == '/')
			continue;	/* inside: the walk counted it */
		if (lstat(v[i], &st) == 0 && S_ISREG(st.st_mode)) {
			r->size.staging += (uint64_t)st.st_size;
			r->size.total += (uint64_t)st.st_size;
		}
	}
	free(v);
	return 0;
}

/* load_log: the record log, if the directory has one, and W&B's
 * "synced" marker beside it (WANDB-FORMAT.md section 3). */
static void load_log(struct exl_wandb_run *r)
{
	struct exl_err e;
	char *marker;

	r->log_path = exl_wandb_find_log(r->dir);
	if (!r->log_path) {
		snprintf(r->read_error, sizeof(r->read_error),
			 "no run-*.wandb file in the directory");
		return;
	}
	if (asprintf(&marker, "%s%s", r->log_path, EXL_WANDB_SYNCED_SUFFIX) >= 0) {
		if (access(marker, F_OK) == 0)
			r->synced = 1;
		free(marker);
	}
	if (exl_wandb_summarize(r->log_path, &r->sum, &e) < 0)
		snprintf(r->read_error, sizeof(r->read_error), "%s", e.text);
	else
		r->have_sum = 1;
}

int exl_wandb_run_load(const char *run_dir, unsigned what,
		       struct exl_wandb_run *r, struct exl_err *err)
{
	const char *id = NULL;
	int kind;

	memset(r, 0, sizeof(*r));
	r->dir = strdup(run_dir);
	if (!r->dir)
		return exl_errnof(err, ENOMEM, "couldn't read %s", run_dir);
	kind = exl_wandb_dir_kind(exl_basename(run_dir), &r->dir_time, &id);
	r->offline = kind == 1;
	if (id)
		snprintf(r->dir_id, sizeof(r->dir_id), "%s", id);
	/* W&B treats online runs ("run-...") as synced (section 3) */
	r->synced = kind == 0;
	if (what & EXL_WANDB_LOAD_LOG)
		load_log(r);
	if (what & EXL_WANDB_LOAD_SIZES) {
		exl_wandb_walk_files(run_dir, add_file, &r->size);
		if (r->have_sum && staged_outside(r) < 0) {
			exl_wandb_run_free(r);
			return exl_errnof(err, ENOMEM, "couldn't read %s", run_dir);
		}
		r->have_size = 1;
	}
	return 0;
}

void exl_wandb_run_free(struct exl_wandb_run *r)
{
	free(r->dir);
	free(r->log_path);
	if (r->have_sum)
		exl_wandb_summary_free(&r->sum);
	memset(r, 0, sizeof(*r));
}

const char *exl_wandb_run_id(const struct exl_wandb_run *r)
{
	if (r->have_sum && r->sum.run_id[0])
		return r->sum.run_id;
	return r->dir_id;
}

time_t exl_wandb_run_created(const struct exl_wandb_run *r)
{
	if (r->have_sum && r->sum.start_time > 0)
		return (time_t)r->sum.start_time;
	return r->dir_time;
}
