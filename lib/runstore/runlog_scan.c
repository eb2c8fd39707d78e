/* runlog_scan.c - list and summarise run logs (see runlog_scan.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/hugehint.h"
#include "util/side_by_side.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "util/names.h"
#include "runstore/runlog_scan.h"

int exl_scan_is_runlog_name(const char *name)
{
	static const char *const not_runs[] = { "timeline.md",
		"experiments.md", "README.md", "TRAINING_LOG.md", NULL };
	size_t n = strlen(name);
	int i;

	if (n < 4 || name[0] == '.' || strcmp(name + n - 3, ".md") != 0)
		return 0;
	for (i = 0; not_runs[i]; i++)
		if (strcmp(name, not_runs[i]) == 0)
			return 0;
	return 1;
}

/* entry_path: root/[group/]name in one allocation, NULL when memory
 * ran out. */
static char *entry_path(const char *root, const char *group, const char *name)
{
	size_t rl = strlen(root), gl = group ? strlen(group) + 1 : 0;
	size_t nl = strlen(name);
	char *p = malloc(rl + 1 + gl + nl + 1);

	if (!p)
		return NULL;
	memcpy(p, root, rl);
	p[rl] = '/';
	if (group) {
		memcpy(p + rl + 1, group, gl - 1);
		p[rl + gl] = '/';
	}
	memcpy(p + rl + 1 + gl, name, nl + 1);
	return p;
}

/* set_entry: e for the path p (entry_path's, now owned by e): rel
 * points into it and group at the listing's own copy of the group
 * name. */
static void set_entry(const struct exl_scan *sc, struct exl_scan_entry *e,
		      char *p, const char *group)
{
	memset(e, 0, sizeof(*e));
	e->path = p;
	e->rel = p + strlen(sc->root) + 1;
	e->name = group ? e->rel + strlen(group) + 1 : e->rel;
	e->group = group;
}

/* add_entry: one more entry, the array grown as needed. */
static int add_entry(struct exl_scan *sc, const char *group, const char *name)
{
	char *p;

	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 256;
		void *nv = exl_huge_grow(sc->v, sc->n * sizeof(*sc->v),
					 cap * sizeof(*sc->v));

		if (!nv)
			return -1;
		sc->v = nv;
		sc->cap = cap;
	}
	p = entry_path(sc->root, group, name);
	if (!p)
		return -1;
	set_entry(sc, &sc->v[sc->n++], p, group);
	return 0;
}

/* A listing collects small records first and builds the entries once
 * it knows how many there are, in order: growing and sorting the large
 * entries cost more than reading the directories. */
struct found {
	char *path;
	const char *rel, *group;
	int listed;		/* as in exl_scan_entry */
	struct exl_file_id lid;
};

struct found_list {
	struct found *v;
	size_t n, cap;
	int stat_too;		/* stat each run log as it is listed */
};

/* found_add: one run log, name in directory dfd. */
static int found_add(const struct exl_scan *sc, struct found_list *fl,
		     int dfd, const char *group, const char *name)
{
	struct found *f;
	struct stat st;
	char *p;

	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 256;
		void *nv = realloc(fl->v, cap * sizeof(*fl->v));

		if (!nv)
			return -1;
		fl->v = nv;
		fl->cap = cap;
	}
	p = entry_path(sc->root, group, name);
	if (!p)
		return -1;
	f = &fl->v[fl->n++];
	f->path = p;
	f->rel = p + strlen(sc->root) + 1;
	f->group = group;
	f->listed = 0;
	/* the stat a find would take: the directory is at hand here */
	if (fl->stat_too) {
		f->listed = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode) ? 1 : -1;
		if (f->listed > 0)
			exl_file_id(&st, &f->lid);
	}
	return 0;
}

static void found_free(struct found_list *fl)
{
	size_t i;

	for (i = 0; i < fl->n; i++)
		free(fl->v[i].path);
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}

/* cmp_found: exl_scan_order, with the group already known. */
static int cmp_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (!x->group != !y->group)
		return x->group ? 1 : -1;
	return strcmp(x->rel, y->rel);
}

/* adopt: sc's entries from fl, sorted; fl is emptied (its paths now
 * belong to sc).  -1 when memory ran out (fl then still owns them). */
static int adopt(struct exl_scan *sc, struct found_list *fl)
{
	size_t i;

	if (!fl->n)
		return 0;
	qsort(fl->v, fl->n, sizeof(*fl->v), cmp_found);
	/* not zeroed: set_entry sets each one */
	sc->v = exl_huge_alloc(fl->n * sizeof(*sc->v));
	if (!sc->v)
		return -1;
	for (i = 0; i < fl->n; i++) {
		set_entry(sc, &sc->v[i], fl->v[i].path, fl->v[i].group);
		sc->v[i].listed = fl->v[i].listed;
		sc->v[i].lid = fl->v[i].lid;
	}
	sc->n = sc->cap = fl->n;
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
	return 0;
}

const char *exl_scan_group(struct exl_scan *sc, const char *name,
			   size_t len)
{
	char *g;
	size_t i;

	for (i = sc->ngroups; i-- > 0; )
		if (strncmp(sc->groups[i], name, len) == 0 && !sc->groups[i][len])
			return sc->groups[i];
	if (sc->ngroups == sc->gcap) {
		size_t cap = sc->gcap ? sc->gcap * 2 : 16;
		void *nv = realloc(sc->groups, cap * sizeof(*sc->groups));

		if (!nv)
			return NULL;
		sc->groups = nv;
		sc->gcap = cap;
	}
	g = strndup(name, len);
	if (!g)
		return NULL;
	sc->groups[sc->ngroups++] = g;
	return g;
}

static int add_group(struct exl_scan *sc, const char *group)
{
	return exl_scan_group(sc, group, strlen(group)) ? 0 : -1;
}

/* kind: DT_DIR / DT_REG / DT_LNK / other for a directory entry,
 * without following a symlink. */
static int kind(int dfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type;
	if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
	       S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
}

/* list_dir: the run logs of one directory (group NULL: the root).  With
 * groups set, subdirectories that are valid group names are listed too. */
static int list_dir(struct exl_scan *sc, struct found_list *fl,
		    const char *group, int groups, struct exl_err *err)
{
	char *dir = exl_layout_group_dir(sc->root, group);
	struct dirent *de;
	int dfd, rc = 0;
	DIR *dp;

	if (!dir)
		return exl_errnof(err, ENOMEM, "couldn't list %s", sc->root);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	dp = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!dp) {
		rc = exl_errnof(err, errno, "couldn't list %s", dir);
		if (dfd >= 0)
			close(dfd);
		free(dir);
		return rc;
	}
	while (rc == 0 && (errno = 0, de = readdir(dp))) {
		int k;

		if (de->d_name[0] == '.')
			continue;
		k = kind(dfd, de);
		/* a symlink is listed so that reading it fails out loud */
		if ((k == DT_REG || k == DT_LNK) &&
		    exl_scan_is_runlog_name(de->d_name))
			rc = found_add(sc, fl, dfd, group, de->d_name);
		else if (k == DT_DIR && groups && exl_valid_group(de->d_name) == 0)
			rc = add_group(sc, de->d_name);
		if (rc < 0)
			exl_errnof(err, ENOMEM, "couldn't list %s", dir);
	}
	if (rc == 0 && errno)
		rc = exl_errnof(err, errno, "couldn't list %s", dir);
	closedir(dp);
	free(dir);
	return rc;
}


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int exl_scan_valid_rel(const char *rel)
{
	const char *slash, *name;
	char group[96];

	if (!rel || strlen(rel) >= 1024 || exl_layout_safe_rel(rel) < 0)
		return -1;
	slash = strchr(rel, '/');
	name = slash ? slash + 1 : rel;
	if (strchr(name, '/') || !exl_scan_is_runlog_name(name))
		return -1;
	if (!slash)
		return 0;
	if ((size_t)(slash - rel) >= sizeof(group))
		return -1;
	memcpy(group, rel, (size_t)(slash - rel));
	group[slash - rel] = '\0';
	return exl_valid_group(group) == 0 ? 0 : -1;
}

int exl_scan_list_level(const char *root, const char *group,
			struct exl_scan *sc, struct exl_err *err)
{
	struct found_list fl = { 0 };

	if (group)
		return exl_scan_list(root, group, sc, err);
	memset(sc, 0, sizeof(*sc));
	sc->root = strdup(root);
	if (!sc->root)
		return exl_errnof(err, ENOMEM, "couldn't list %s", root);
	if (list_dir(sc, &fl, NULL, 0, err) < 0) {
		found_free(&fl);
		return -1;
	}
	if (adopt(sc, &fl) < 0) {
		found_free(&fl);
		return exl_errnof(err, ENOMEM, "couldn't list %s", root);
	}
	return 0;
}

static int cmp_rel(const void *a, const void *b)
{
	return exl_scan_order(*(const char *const *)a, *(const char *const *)b);
}

/* group_of: sc's copy of rel's group (added when new), NULL when rel is
 * flat; *nomem set when memory ran out. */
static const char *group_of(struct exl_scan *sc, const char *rel, int *nomem)
{
	const char *slash = strchr(rel, '/'), *g;

	if (!slash)
		return NULL;
	g = exl_scan_group(sc, rel, (size_t)(slash - rel));
	if (!g)
		*nomem = 1;
	return g;
}

int exl_scan_pick(const char *root, const char *group,
		  const char *const *rels, size_t n, struct exl_scan *sc,
		  struct exl_err *err)
{
	const char **v;
	size_t i, m = 0;
	int nomem = 0;

	memset(sc, 0, sizeof(*sc));
	sc->root = strdup(root);
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!sc->root || !v) {
		free(v);
		return exl_errnof(err, ENOMEM, "couldn't list %s", root);
	}
	if (group && exl_valid_group(group) < 0) {
		free(v);
		return exl_errf(err, "%s: not a valid group name", group);
	}
	for (i = 0; i < n; i++) {
		size_t gl = group ? strlen(group) : 0;

		if (exl_scan_valid_rel(rels[i]) < 0 ||
		    (group && (strncmp(rels[i], group, gl) != 0 ||
			       rels[i][gl] != '/')))
			continue;
		v[m++] = rels[i];
	}
	if (m)
		qsort(v, m, sizeof(*v), cmp_rel);
	for (i = 0; i < m && !nomem; i++) {
		const char *g, *slash;

		if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
			continue;
		g = group_of(sc, v[i], &nomem);
		slash = strchr(v[i], '/');
		if (!nomem && add_entry(sc, g, slash ? slash + 1 : v[i]) < 0)
			nomem = 1;
	}
	free(v);
	return nomem ? exl_errnof(err, ENOMEM, "couldn't list %s", root) : 0;
}

/* The most threads that list or read. */
#define THREADS_MAX 8

/* threads_for: the threads for n items, asked (0: one per online CPU),
 * at most THREADS_MAX, and one more for each per items only. */
static int threads_for(int asked, size_t n, size_t per)
{
	return exl_thread_count(asked, THREADS_MAX, n / per + 1);
}

/* A listing of group directories on several threads: each takes the
 * next group and collects into its own list. */
struct lister {
	struct exl_scan *sc;
	size_t *next;
	struct found_list fl;
	int nomem;
};

static void *list_groups(void *arg)
{
	struct lister *l = arg;
	size_t i;

	while ((i = __atomic_fetch_add(l->next, 1, __ATOMIC_RELAXED)) <
	       l->sc->ngroups) {
		struct exl_err e;

		/* an unreadable group must not hide the others */
		if (list_dir(l->sc, &l->fl, l->sc->groups[i], 0, &e) < 0 &&
		    errno == ENOMEM)
			l->nomem = 1;
	}
	return NULL;
}

/* merge: the lists of ls[1..n) appended to ls[0]'s (their paths move);
 * -1 when memory ran out. */
static int merge(struct lister *ls, int n)
{
	struct found_list *to = &ls[0].fl;
	size_t total = to->n;
	int i;

	for (i = 1; i < n; i++)
		total += ls[i].fl.n;
	if (total > to->cap) {
		void *nv = realloc(to->v, total * sizeof(*to->v));

		if (!nv)
			return -1;
		to->v = nv;
		to->cap = total;
	}
	for (i = 1; i < n; i++) {
		if (ls[i].fl.n)
			memcpy(to->v + to->n, ls[i].fl.v,
			       ls[i].fl.n * sizeof(*to->v));
		to->n += ls[i].fl.n;
		free(ls[i].fl.v);
		memset(&ls[i].fl, 0, sizeof(ls[i].fl));
	}
	return 0;
}

/* list_all: every directory of the listing into fl (see exl_scan_list):
 * the root first (it names the groups), then the groups on up to
 * nthreads threads. */
static int list_all(struct exl_scan *sc, struct found_list *fl,
		    const char *group, int nthreads, struct exl_err *err)
{
	struct lister ls[THREADS_MAX];
	size_t next = 0;
	int i, nomem = 0;

	if (group) {
		if (exl_valid_group(group) < 0)
			return exl_errf(err, "%s: not a valid group name", group);
		if (add_group(sc, group) < 0)
			return exl_errnof(err, ENOMEM, "couldn't list %s",
					  sc->root);
		return list_dir(sc, fl, sc->groups[0], 0, err);
	}
	if (list_dir(sc, fl, NULL, 1, err) < 0)
		return -1;
	if (sc->ngroups)
		qsort(sc->groups, sc->ngroups, sizeof(*sc->groups), cmp_str);
	/* a thread pays off for several directories */
	nthreads = threads_for(nthreads, sc->ngroups, 8);
	for (i = 0; i < nthreads; i++) {
		ls[i].sc = sc;
		ls[i].next = &next;
		ls[i].nomem = 0;
		memset(&ls[i].fl, 0, sizeof(ls[i].fl));
		ls[i].fl.stat_too = fl->stat_too;
	}
	ls[0].fl = *fl;
	exl_side_by_side(list_groups, ls, sizeof(ls[0]), (size_t)nthreads);
	for (i = 0; i < nthreads; i++)
		nomem |= ls[i].nomem;
	if (!nomem && merge(ls, nthreads) < 0)
		nomem = 1;
	*fl = ls[0].fl;
	for (i = 1; i < nthreads; i++)
		found_free(&ls[i].fl);
	return nomem ? exl_errnof(err, ENOMEM, "couldn't list %s", sc->root) :
		       0;
}

int exl_scan_list_stat(const char *root, const char *group, int nthreads,
		       int stat_too, struct exl_scan *sc, struct exl_err *err)
{
	struct found_list fl = { .stat_too = stat_too };

	memset(sc, 0, sizeof(*sc));
	sc->root = strdup(root);
	if (!sc->root)
		return exl_errnof(err, ENOMEM, "couldn't list %s", root);
	if (list_all(sc, &fl, group, nthreads, err) < 0) {
		found_free(&fl);
		return -1;
	}
	if (adopt(sc, &fl) < 0) {
		found_free(&fl);
		return exl_errnof(err, ENOMEM, "couldn't list %s", root);
	}
	return 0;
}

int exl_scan_list(const char *root, const char *group, struct exl_scan *sc,
		  struct exl_err *err)
{
	return exl_scan_list_stat(root, group, 1, 0, sc, err);
}

/* fail: close fd, store a message in *error; -2 when even that fails. */
static int fail(int fd, char **error, const char *what, const char *why)
{
	if (fd >= 0)
		close(fd);
	if (asprintf(error, "%s%s", what, why) < 0) {
		*error = NULL;
		return -2;
	}
	return -1;
}

/* read_entry: exl_scan_read_one, also giving the file's identity; the
 * file is name in directory dfd when dfd >= 0 (a shorter lookup). */
static int read_entry(int dfd, const char *name, const char *path,
		      char **buf, size_t *cap, struct exl_run_summary *s,
		      char **error, struct exl_file_id *id, int *gone)
{
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd;

	*error = NULL;
	memset(s, 0, sizeof(*s));
	fd = dfd >= 0 ? openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
			       O_NONBLOCK) :
	     open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && gone)
		*gone = errno == ENOENT;
	if (fd < 0)
		return fail(-1, error, "couldn't open: ", errno == ELOOP ?
			    "a symlink, not followed" : strerror(errno));
	if (fstat(fd, &st) < 0)
		return fail(fd, error, "couldn't stat: ", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(fd, error, "not a regular file", "");
	if ((size_t)st.st_size > EXL_READ_MAX)
		return fail(fd, error, "larger than 16 MiB: ",
			    "trim it (run logs are meant to stay small)");
	if ((size_t)st.st_size + 1 > *cap) {
		char *nb = realloc(*buf, (size_t)st.st_size + 1);

		if (!nb) {
			close(fd);
			return -2;
		}
		*buf = nb;
		*cap = (size_t)st.st_size + 1;
	}
	/* read what fstat promised; a file that grows meanwhile is cut */
	while (len + 1 < *cap) {
		n = read(fd, *buf + len, *cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(fd, error, "couldn't read: ", strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (exl_summary_parse(*buf, len, s) < 0) {
		exl_summary_free(s);
		return -2;
	}
	s->mtime = st.st_mtime;
	if (id)
		exl_file_id(&st, id);
	return 0;
}

int exl_scan_read_one(const char *path, char **buf, size_t *cap,
		      struct exl_run_summary *s, char **error)
{
	return read_entry(-1, NULL, path, buf, cap, s, error, NULL, NULL);
}

/* cache_hit: did the listing see e unchanged since its cached summary? */
static int cache_hit(const struct exl_scan_entry *e)
{
	return e->listed > 0 && e->cached &&
	       exl_file_id_eq(&e->lid, &e->cached->id);
}

/* same_dir: are a and b in one directory? */
static int same_dir(const struct exl_scan_entry *a,
		    const struct exl_scan_entry *b)
{
	return !a->group == !b->group &&
	       (!a->group || strcmp(a->group, b->group) == 0);
}

/* from_cache: take the cached summary when the file is unchanged. */
static int from_cache(struct exl_scan_entry *e, int dfd)
{
	struct exl_file_id id;
	struct stat st;

	/* a listing's stat was tried already (read_one) */
	if (!e->cached || e->listed)
		return 0;
	if ((dfd >= 0 ? fstatat(dfd, e->name, &st, AT_SYMLINK_NOFOLLOW) :
			lstat(e->path, &st)) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	exl_file_id(&st, &id);
	if (!exl_file_id_eq(&id, &e->cached->id) ||
	    exl_cache_rec_summary(e->cached, &e->sum) < 0)
		return 0;
	e->id = id;
	e->ok = 1;
	return 1;
}

struct worker {
	struct exl_scan *sc;
	const int *dfd;		/* each entry's directory, -1: use the path */
	size_t *next;		/* shared cursor, atomically advanced */
	int nomem;
};

/* group_fd: the group directory of e as an O_PATH descriptor, never
 * through a symlink (the root itself may be one: the user named it);
 * -1 with errno set. */
static int group_fd(const struct exl_scan *sc, const struct exl_scan_entry *e)
{
	int rfd, fd, saved;

	rfd = open(sc->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -1;
	fd = openat(rfd, e->group, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	saved = errno;
	close(rfd);
	errno = saved;
	return fd;
}

/* read_one: the summary of entry e, its directory dfd (-1: none open;
 * a group's is then opened here, so a path never goes through a
 * symlinked group directory, whichever list the entry came from). */
static int read_one(const struct exl_scan *sc, struct exl_scan_entry *e,
		    int dfd, char **buf, size_t *cap)
{
	int own = -1, rc;

	/* unchanged since the listing's stat: no file touched at all */
	if (cache_hit(e)) {
		if (exl_cache_rec_summary(e->cached, &e->sum) == 0) {
			e->id = e->lid;
			return 0;
		}
		/* a malformed record: the file is read instead */
	}
	if (dfd < 0 && e->group) {
		own = dfd = group_fd(sc, e);
		if (dfd < 0) {
			e->gone = errno == ENOENT;
			return fail(-1, &e->error, "couldn't open its group "
				    "directory: ", errno == ELOOP ||
				    errno == ENOTDIR ? "a symlink, not followed" :
				    strerror(errno));
		}
	}
	if (from_cache(e, dfd))
		rc = 0;
	else
		rc = read_entry(dfd, e->name, e->path, buf, cap, &e->sum,
				&e->error, &e->id, &e->gone);
	if (own >= 0)
		close(own);
	return rc;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	char *buf = NULL;
	size_t cap = 0, i;

	while ((i = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED)) < w->sc->n) {
		struct exl_scan_entry *e = &w->sc->v[i];
		int rc;

		rc = read_one(w->sc, e, w->dfd[i], &buf, &cap);
		e->ok = rc == 0;
		if (rc == -2)
			w->nomem = 1;
	}
	free(buf);
	return NULL;
}

/* Directories opened for relative lookups, at most this many. */
#define MAX_DIR_FDS 256

/* dir_fds: each entry's directory as an O_PATH descriptor, opened once
 * per directory (entries of a directory are contiguous), and only where
 * one of its entries is not a cache hit; -1 where that failed, was not
 * needed or too many are open already.  fds[] collects them to close. */
static int *dir_fds(const struct exl_scan *sc, int *fds, int *nfds)
{
	int *dfd = malloc((sc->n ? sc->n : 1) * sizeof(*dfd));
	size_t i, j, k;

	*nfds = 0;
	for (i = 0; dfd && i < sc->n; i = j) {
		int need = 0, fd = -1;
		char *dir;

		for (j = i; j < sc->n && same_dir(&sc->v[i], &sc->v[j]); j++)
			need |= !cache_hit(&sc->v[j]);
		if (need && *nfds < MAX_DIR_FDS &&
		    (dir = exl_layout_group_dir(sc->root, sc->v[i].group))) {
			fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW |
				  O_CLOEXEC);
			if (fd >= 0)
				fds[(*nfds)++] = fd;
			free(dir);
		}
		for (k = i; k < j; k++)
			dfd[k] = fd;
	}
	return dfd;
}

int exl_scan_summaries(struct exl_scan *sc, int nthreads, struct exl_err *err)
{
	struct worker w[THREADS_MAX];
	size_t next = 0;
	int fds[MAX_DIR_FDS], nfds, *dfd;
	int i, nomem = 0;

	dfd = dir_fds(sc, fds, &nfds);
	if (!dfd)
		return exl_errnof(err, ENOMEM, "couldn't read run logs");
	/* threads only pay off for many files */
	nthreads = threads_for(nthreads, sc->n, 64);
	for (i = 0; i < nthreads; i++) {
		w[i].sc = sc;
		w[i].dfd = dfd;
		w[i].next = &next;
		w[i].nomem = 0;
	}
	exl_side_by_side(work, w, sizeof(w[0]), (size_t)nthreads);
	for (i = 0; i < nthreads; i++)
		nomem |= w[i].nomem;
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	free(dfd);
	return nomem ? exl_errnof(err, ENOMEM, "couldn't read run logs") : 0;
}

void exl_scan_free(struct exl_scan *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++) {
		free(sc->v[i].path);
		free(sc->v[i].error);
		exl_summary_free(&sc->v[i].sum);
	}
	for (i = 0; i < sc->ngroups; i++)
		free(sc->groups[i]);
	free(sc->groups);
	free(sc->v);
	free(sc->root);
	memset(sc, 0, sizeof(*sc));
}
