/* checkpoint_find.c - newest file matching globs (see checkpoint_find.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/names.h"
#include "util/tree_sum.h"
#include "watch/checkpoint_find.h"

#define MAX_COMPONENTS 64
#define REL_MAX 4096

struct search {
	const struct exl_ckpt_query *q;
	int max_depth;
	size_t max_entries, entries;
	char rel[REL_MAX];		/* directory being read, "" or "a/b/" */
	char best[REL_MAX];		/* relative path of the best file */
	struct timespec best_mtime;
	int found;
	int skip;		/* skip_dev/ino name a directory to pass over */
	dev_t skip_dev;
	ino_t skip_ino;
	struct exl_err *err;
};

/* consider: a regular file at rel + name with status st. */
static void consider(struct search *s, size_t rel_len, const char *name,
		     const struct stat *st)
{
	char path[REL_MAX];
	int newer;

	if (!S_ISREG(st->st_mode) || st->st_mtime < s->q->since)
		return;
	if (snprintf(path, sizeof(path), "%.*s%s", (int)rel_len, s->rel,
		     name) >= (int)sizeof(path))
		return;
	if (!s->found)
		newer = 1;
	else if (st->st_mtim.tv_sec != s->best_mtime.tv_sec)
		newer = st->st_mtim.tv_sec > s->best_mtime.tv_sec;
	else if (st->st_mtim.tv_nsec != s->best_mtime.tv_nsec)
		newer = st->st_mtim.tv_nsec > s->best_mtime.tv_nsec;
	else
		newer = strverscmp(path, s->best) > 0;
	if (newer) {
		memcpy(s->best, path, strlen(path) + 1);
		s->best_mtime = st->st_mtim;
		s->found = 1;
	}
}

static int walk(struct search *s, int fd, size_t rel_len, char **comp,
		size_t nc, int stars);

/* runlog_root: does the directory fd hold a run-log root's hidden
 * directory?  Such a directory holds run logs and their pages, never a
 * checkpoint: every job's end would walk its thousands of files (a job
 * array run from a directory that holds earlier arrays' roots). */
static int runlog_root(int fd)
{
	struct stat st;

	return fstatat(fd, EXL_META_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* descend: walk the subdirectory name of fd (never a symlink). */
static int descend(struct search *s, int fd, size_t rel_len,
		   const char *name, char **comp, size_t nc, int stars)
{
	size_t nl = strlen(name);
	int sub, rc;

	if (rel_len + nl + 2 > sizeof(s->rel))
		return 0;
	sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return 0;	/* gone, unreadable, or a symlink */
	if (runlog_root(sub)) {
		close(sub);
		return 0;
	}
	memcpy(s->rel + rel_len, name, nl);
	s->rel[rel_len + nl] = '/';
	rc = walk(s, sub, rel_len + nl + 1, comp, nc, stars);
	close(sub);
	return rc;
}

/* each_entry: match every entry of fd against comp[0] ("**" matches
 * every visible entry): files end a match of the last component,
 * directories go on with next (the components that follow). */
static int each_entry(struct search *s, int fd, size_t rel_len, char **comp,
		      size_t nc, char **next, size_t nn, int stars)
{
	int star = strcmp(comp[0], "**") == 0, dfd, rc = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++s->entries > s->max_entries) {
			rc = exl_errf(s->err, "%s: more than %zu entries searched "
				      "for checkpoints; narrow the globs",
				      s->q->base_dir, s->max_entries);
			break;
		}
		if (star ? de->d_name[0] == '.' :
		    fnmatch(comp[0], de->d_name, FNM_PERIOD | FNM_EXTMATCH) != 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (nc == 1)
			consider(s, rel_len, de->d_name, &st);
		if (S_ISDIR(st.st_mode) && nn > 0 &&
		    (!star || stars < s->max_depth) &&
		    !(s->skip && st.st_dev == s->skip_dev &&
		      st.st_ino == s->skip_ino))
			rc = descend(s, fd, rel_len, de->d_name, next, nn,
				     stars + star);
	}
	closedir(d);
	return rc;
}

/* walk: match components comp[0..nc) below the directory fd. */
static int walk(struct search *s, int fd, size_t rel_len, char **comp,
		size_t nc, int stars)
{
	struct stat st;

	if (strcmp(comp[0], "**") == 0) {
		/* zero levels, then one more level with "**" still first */
		if (nc > 1 && walk(s, fd, rel_len, comp + 1, nc - 1, stars) < 0)
			return -1;
		return each_entry(s, fd, rel_len, comp, nc, comp, nc, stars);
	}
	if (strpbrk(comp[0], "*?[\\("))
		return each_entry(s, fd, rel_len, comp, nc, comp + 1, nc - 1,
				  stars);
	if (nc > 1)
		return descend(s, fd, rel_len, comp[0], comp + 1, nc - 1, stars);
	if (fstatat(fd, comp[0], &st, AT_SYMLINK_NOFOLLOW) == 0)
		consider(s, rel_len, comp[0], &st);
	return 0;
}

/* split_glob: cut glob (copied into buf) into components, refusing
 * absolute paths and "..".  Returns the count, -1 on error. */
static int split_glob(const char *glob, char *buf, size_t len, char **comp,
		      struct exl_err *err)
{
	char *save = NULL, *c;
	int n = 0;

	if (!glob || !*glob)
		return exl_errf(err, "empty checkpoint glob");
	if (glob[0] == '/')
		return exl_errf(err, "checkpoint glob %s: must be relative", glob);
	if (snprintf(buf, len, "%s", glob) >= (int)len)
		return exl_errf(err, "checkpoint glob too long: %.100s", glob);
	for (c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			return exl_errf(err, "checkpoint glob %s: \"..\" is not allowed",
					glob);
		if (n == MAX_COMPONENTS)
			return exl_errf(err, "checkpoint glob %.100s: too many levels",
					glob);
		comp[n++] = c;
	}
	if (n == 0)
		return exl_errf(err, "checkpoint glob %s names no file", glob);
	return n;
}

int exl_checkpoint_save_dir(const char *name, size_t n)
{
	static const char *const whole[] = { "final", "last", "best",
		"latest" };
	static const char *const word[] = { "checkpoint", "ckpt", "step",
		"iteration", "iter", "epoch" };
	size_t i, j, k, wl;

	for (i = 0; i < n && isdigit((unsigned char)name[i]); i++)
		;
	if (n && i == n)
		return 1;
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (strlen(whole[i]) == n && strncasecmp(name, whole[i], n) == 0)
			return 1;
	for (j = 0; j < n; j++) {
		for (i = 0; i < sizeof(word) / sizeof(word[0]); i++) {
			wl = strlen(word[i]);
			if (j + wl > n || strncasecmp(name + j, word[i], wl) != 0)
				continue;
			for (k = j + wl; k < n && strchr("-_=.", name[k]); k++)
				;
			if (k < n && isdigit((unsigned char)name[k]))
				return 1;
		}
	}
	return 0;
}

/* save_dir_len: the length of the deepest directory prefix of rel (a
 * path below the base) named as one save, 0 when there is none. */
static size_t save_dir_len(const char *rel)
{
	const char *p = rel, *slash;
	size_t len = 0;

	while ((slash = strchr(p, '/')) != NULL) {
		if (exl_checkpoint_save_dir(p, (size_t)(slash - p)))
			len = (size_t)(slash - rel);
		p = slash + 1;
	}
	return len;
}

int exl_checkpoint_search(const struct exl_ckpt_query *q, char *out,
			  size_t len, struct exl_err *err)
{
	struct search *s = calloc(1, sizeof(*s));
	char buf[REL_MAX], *comp[MAX_COMPONENTS];
	size_t i, bl;
	struct stat st;
	int fd, n, rc = 0;

	if (!s)
		return exl_errnof(err, ENOMEM, "couldn't search for checkpoints");
	s->q = q;
	s->err = err;
	s->max_depth = q->max_depth > 0 ? q->max_depth : EXL_CKPT_MAX_DEPTH;
	s->max_entries = q->max_entries ? q->max_entries : EXL_CKPT_MAX_ENTRIES;
	if (q->skip_dir && stat(q->skip_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		s->skip = 1;
		s->skip_dev = st.st_dev;
		s->skip_ino = st.st_ino;
	}
	fd = open(q->base_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		free(s);
		return exl_errnof(err, errno, "couldn't open %s", q->base_dir);
	}
	for (i = 0; i < q->n_globs && rc == 0; i++) {
		n = split_glob(q->globs[i], buf, sizeof(buf), comp, err);
		rc = n < 0 ? -1 : walk(s, fd, 0, comp, (size_t)n, 0);
	}
	close(fd);
	if (rc == 0 && s->found) {
		size_t d = q->save_dirs ? save_dir_len(s->best) : 0;

		/* the save's directory, its trailing '/' kept */
		if (d)
			s->best[d + 1] = '\0';
		bl = strlen(q->base_dir);
		while (bl > 1 && q->base_dir[bl - 1] == '/')
			bl--;
		if (snprintf(out, len, "%.*s/%s", (int)bl, q->base_dir,
			     s->best) >= (int)len)
			rc = exl_errf(err, "checkpoint path too long: %s", s->best);
	} else if (rc == 0) {
		rc = 1;
	}
	free(s);
	return rc;
}

int exl_checkpoint_newest(const char *base_dir, char *const *globs, size_t n,
			  time_t since, const char *skip_dir, char *out,
			  size_t len, struct exl_err *err)
{
	struct exl_ckpt_query q = {
		.base_dir = base_dir, .globs = globs, .n_globs = n,
		.since = since, .skip_dir = skip_dir, .save_dirs = 1,
	};

	return exl_checkpoint_search(&q, out, len, err);
}

long long exl_checkpoint_size(const char *path)
{
	struct exl_tree_sum t = { 0 };
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode))
		return (long long)st.st_size;
	if (!S_ISDIR(st.st_mode))
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	exl_tree_sum(fd, EXL_CKPT_MAX_DEPTH, EXL_CKPT_MAX_ENTRIES, &t);
	return (long long)t.bytes;
}
