/* wandb_discover.c - parallel walk for W&B run directories
 * (wandb_discover.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "wandb/wandb_discover.h"
#include "wandb/wandb_names.h"

/* A growable array of pointers. */
struct vec {
	void **v;
	size_t n, cap;
};

static int vec_push(struct vec *a, void *p)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void **n = realloc(a->v, cap * sizeof(*n));

		if (!n)
			return -1;
		a->v = n;
		a->cap = cap;
	}
	a->v[a->n++] = p;
	return 0;
}

struct walk {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct vec roots;	/* char * roots not read yet */
	struct vec todo;	/* char * directories below them */
	size_t busy;		/* workers reading a directory */
	int failed;		/* out of memory: stop */
	struct vec found;	/* struct exl_wandb_found * */
	uint64_t dirs;
	unsigned errors;
	char first_error[512];
	exl_wandb_walk_fn fn;
	void *arg;
};

/* note_error: count an unreadable directory (caller holds mu).  One
 * that vanished while we walked is not an error; a missing root is. */
static void note_error(struct walk *w, const char *path, int root,
		       int errnum)
{
	if (errnum == ENOENT && !root)
		return;
	if (!w->errors++)
		snprintf(w->first_error, sizeof(w->first_error),
			 "couldn't read %s: %s", path, strerror(errnum));
}

static struct exl_wandb_found *found_new(char *path, int offline,
					 time_t when)
{
	struct exl_wandb_found *f = malloc(sizeof(*f));

	if (!f)
		return NULL;
	f->path = path;
	f->offline = offline;
	f->when = when;
	return f;
}

/* read_dir: one directory; subdirectories go to subs, runs to runs.
 * Only a root may be reached through a symlink. */
static int read_dir(const char *path, int root, struct vec *subs,
		    struct vec *runs, int *errnum)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
		  (root ? 0 : O_NOFOLLOW));
	if (fd < 0 || !(d = fdopendir(fd))) {
		*errnum = errno;
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		unsigned char type = de->d_type;
		struct stat st;
		time_t when;
		char *child;
		int kind;

		if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
			continue;
		if (type == DT_UNKNOWN) {
			if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
		}
		if (type != DT_DIR || strcmp(name, EXL_WANDB_CACHE_DIR) == 0)
			continue;
		child = exl_path_join(path, name);
		if (!child)
			goto oom;
		kind = exl_wandb_dir_kind(name, &when, NULL);
		if (kind >= 0) {
			struct exl_wandb_found *f = found_new(child, kind, when);

			if (!f || vec_push(runs, f) < 0) {
				free(child);
				free(f);
				goto oom;
			}
		} else if (vec_push(subs, child) < 0) {
			free(child);
			goto oom;
		}
	}
	closedir(d);
	return 0;
oom:
	closedir(d);
	return -1;
}

static void *worker(void *p)
{
	struct walk *w = p;
	struct vec subs = { 0 }, runs = { 0 };

	pthread_mutex_lock(&w->mu);
	for (;;) {
		char *dir;
		int rc, root, errnum = 0;
		size_t i;

		while (!w->todo.n && !w->roots.n && w->busy && !w->failed)
			pthread_cond_wait(&w->cv, &w->mu);
		if ((!w->todo.n && !w->roots.n) || w->failed)
			break;
		root = w->roots.n > 0;
		dir = root ? w->roots.v[--w->roots.n] : w->todo.v[--w->todo.n];
		w->busy++;
		pthread_mutex_unlock(&w->mu);

		subs.n = runs.n = 0;
		rc = read_dir(dir, root, &subs, &runs, &errnum);

		pthread_mutex_lock(&w->mu);
		w->busy--;
		w->dirs++;
		if (rc > 0)
			note_error(w, dir, root, errnum);
		free(dir);
		for (i = 0; i < subs.n && rc >= 0; i++)
			if (vec_push(&w->todo, subs.v[i]) < 0)
				rc = -1;
		for (i = 0; i < runs.n && rc >= 0; i++)
			if (vec_push(&w->found, runs.v[i]) < 0)
				rc = -1;
		if (rc < 0)
			w->failed = 1;
		if (w->fn && (w->dirs & 255) == 0)
			w->fn(w->arg, w->dirs, w->found.n);
		pthread_cond_broadcast(&w->cv);
	}
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	free(subs.v);
	free(runs.v);
	return NULL;
}

int exl_wandb_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN) * 2;

	return n < 2 ? 2 : n > 16 ? 16 : (int)n;
}

static int cmp_found(const void *a, const void *b)
{
	const struct exl_wandb_found *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* finish: move found runs into out, sorted, without duplicates (roots
 * may overlap). */
static int finish(struct walk *w, struct exl_wandb_discovery *out)
{
	size_t i, n = 0;

	out->runs = calloc(w->found.n ? w->found.n : 1, sizeof(*out->runs));
	if (!out->runs)
		return -1;
	for (i = 0; i < w->found.n; i++) {
		struct exl_wandb_found *f = w->found.v[i];

		out->runs[i] = *f;
		free(f);
	}
	qsort(out->runs, w->found.n, sizeof(*out->runs), cmp_found);
	for (i = 0; i < w->found.n; i++) {
		if (n && strcmp(out->runs[n - 1].path, out->runs[i].path) == 0) {
			free(out->runs[i].path);
			continue;
		}
		out->runs[n++] = out->runs[i];
	}
	out->n = n;
	w->found.n = 0;
	return 0;
}

/* seed: put the roots on the stack; a root that is itself a run
 * directory is a result. */
static int seed(struct walk *w, const char *const *roots, size_t nroots)
{
	size_t i;

	for (i = 0; i < nroots; i++) {
		char *p = strdup(roots[i]);
		const char *base;
		time_t when;
		int kind;

		/* "dir/" has an empty base name: trim the slashes */
		while (p && strlen(p) > 1 && p[strlen(p) - 1] == '/')
			p[strlen(p) - 1] = '\0';
		if (!p)
			return -1;
		base = exl_basename(p);
		kind = exl_wandb_dir_kind(base, &when, NULL);
		if (kind >= 0) {
			struct exl_wandb_found *f = found_new(p, kind, when);

			if (!f || vec_push(&w->found, f) < 0) {
				free(f);
				free(p);
				return -1;
			}
		} else if (vec_push(&w->roots, p) < 0) {
			free(p);
			return -1;
		}
	}
	return 0;
}

static void walk_free(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->roots.n; i++)
		free(w->roots.v[i]);
	free(w->roots.v);
	for (i = 0; i < w->todo.n; i++)
		free(w->todo.v[i]);
	for (i = 0; i < w->found.n; i++) {
		struct exl_wandb_found *f = w->found.v[i];

		free(f->path);
		free(f);
	}
	free(w->todo.v);
	free(w->found.v);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
}

int exl_wandb_discover(const char *const *roots, size_t nroots, int nthreads,
		       exl_wandb_walk_fn fn, void *arg,
		       struct exl_wandb_discovery *out, struct exl_err *err)
{
	struct walk w = { .mu = PTHREAD_MUTEX_INITIALIZER,
			  .cv = PTHREAD_COND_INITIALIZER, .fn = fn, .arg = arg };
	pthread_t *tids;
	int i, started = 0, rc = 0;

	memset(out, 0, sizeof(*out));
	if (nthreads <= 0)
		nthreads = exl_wandb_default_threads();
	tids = calloc((size_t)nthreads, sizeof(*tids));
	if (!tids || seed(&w, roots, nroots) < 0) {
		free(tids);
		walk_free(&w);
		return exl_errnof(err, ENOMEM, "couldn't walk for W&B runs");
	}
	/* busy = 1 until the workers are all started, so that none of them
	 * sees an empty stack and leaves before the first has begun */
	w.busy = 1;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&tids[i], NULL, worker, &w) == 0)
			started++;
	pthread_mutex_lock(&w.mu);
	w.busy--;
	pthread_cond_broadcast(&w.cv);
	pthread_mutex_unlock(&w.mu);
	if (!started)
		worker(&w);	/* no threads: walk in this one */
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	if (w.failed || finish(&w, out) < 0) {
		exl_wandb_discovery_free(out);
		rc = exl_errnof(err, ENOMEM, "couldn't walk for W&B runs");
	} else {
		out->dirs = w.dirs;
		out->errors = w.errors;
		memcpy(out->first_error, w.first_error, sizeof(out->first_error));
		if (fn)
			fn(arg, w.dirs, out->n);
	}
	walk_free(&w);
	return rc;
}

void exl_wandb_discovery_free(struct exl_wandb_discovery *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->runs[i].path);
	free(d->runs);
	memset(d, 0, sizeof(*d));
}
