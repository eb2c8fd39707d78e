/* passport_tree.c - scan a checkpoint directory (see passport_tree.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#else
#undef SYS_openat2	/* the kernel has it, the headers don't describe it */
#endif
#endif

#include "util/canonjson.h"
#include "passport/passport_tree.h"

/* Links followed while resolving one symlink before it counts as a loop
 * (the kernel's own limit). */
#define LINK_HOPS_MAX 40

int passport_list_add(struct passport_list *l, const struct passport_entry *e)
{
	struct passport_entry *c;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct passport_entry *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	c = &l->v[l->n];
	*c = *e;
	c->path = strdup(e->path);
	c->target = e->target ? strdup(e->target) : NULL;
	c->error = e->error ? strdup(e->error) : NULL;
	if (!c->path || (e->target && !c->target) || (e->error && !c->error)) {
		free(c->path);
		free(c->target);
		free(c->error);
		return -1;
	}
	l->n++;
	return 0;
}

static int cmp_entries(const void *a, const void *b)
{
	const struct passport_entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void passport_list_sort(struct passport_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_entries);
}

struct passport_entry *passport_list_find(const struct passport_list *l,
					  const char *path)
{
	struct passport_entry key = { .path = (char *)path };

	if (!l->n)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_entries);
}

void passport_list_free(struct passport_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].target);
		free(l->v[i].error);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int passport_path_check(const char *path, struct exl_err *err)
{
	size_t len = strlen(path), i, comp = 0;

	if (len == 0)
		return exl_errf(err, "empty path");
	if (len > PASSPORT_PATH_MAX)
		return exl_errf(err, "path longer than %d bytes", PASSPORT_PATH_MAX);
	if (!exl_utf8_valid(path, len))
		return exl_errf(err, "path is not valid UTF-8");
	for (i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c == '/' || c == '\0') {
			size_t n = i - comp;
			const char *s = path + comp;

			if (n == 0)
				return exl_errf(err, "empty path component (leading, trailing or doubled '/')");
			if ((n == 1 && s[0] == '.') ||
			    (n == 2 && s[0] == '.' && s[1] == '.'))
				return exl_errf(err, "'.' or '..' component");
			comp = i + 1;
		} else if (c < 0x20 || c == 0x7f) {
			return exl_errf(err, "control character in path");
		}
	}
	return 0;
}

int passport_sha256_hex_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* open2_beneath: the same with one openat2() (Linux 5.6), which refuses
 * symlinks (ELOOP) and escapes in the kernel; -1 with errno ENOSYS where
 * the kernel or a seccomp filter does not have it.  One call instead of
 * an open and a close per directory: 10,000 small files in a folder
 * cost a third fewer system calls. */
static int open2_beneath(int rootfd, const char *path, int flags)
{
#ifdef SYS_openat2
	static atomic_int missing;
	struct open_how how;
	long fd;

	if (atomic_load(&missing)) {
		errno = ENOSYS;
		return -1;
	}
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		      RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
		atomic_store(&missing, 1);
		errno = ENOSYS;
	}
	return (int)fd;
#else
	(void)rootfd;
	(void)path;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

int passport_open_beneath(int rootfd, const char *path, int flags)
{
	char buf[PASSPORT_PATH_MAX + 1];
	char *comp, *slash;
	int dfd = rootfd, fd;

	if (passport_path_check(path, NULL) < 0) {
		errno = EINVAL;	/* "..", absolute, empty: never below rootfd */
		return -1;
	}
	fd = open2_beneath(rootfd, path, flags);
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	strcpy(buf, path);
	comp = buf;
	while ((slash = strchr(comp, '/'))) {
		*slash = '\0';
		fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd != rootfd) {
			int saved = errno;

			close(dfd);
			errno = saved;
		}
		if (fd < 0)
			return -1;
		dfd = fd;
		comp = slash + 1;
	}
	fd = openat(dfd, comp, flags | O_NOFOLLOW | O_CLOEXEC);
	if (dfd != rootfd) {
		int saved = errno;

		close(dfd);
		errno = saved;
	}
	return fd;
}

/* pop_dir: drop the last component of cur (a relative directory path). */
static void pop_dir(char *cur)
{
	char *slash = strrchr(cur, '/');

	if (slash)
		*slash = '\0';
	else
		cur[0] = '\0';
}

int passport_link_escapes(const struct passport_list *l, const char *linkpath,
			  const char *target)
{
	char cur[2 * PASSPORT_PATH_MAX + 2];
	char *rest, *p;
	int hops = 0, escapes = 1;

	if (target[0] == '/' || target[0] == '\0' ||
	    strlen(linkpath) > PASSPORT_PATH_MAX)
		return 1;
	strcpy(cur, linkpath);
	pop_dir(cur);
	rest = strdup(target);
	if (!rest)
		return 1;
	p = rest;
	for (;;) {
		const struct passport_entry *e;
		size_t n = strcspn(p, "/"), cl = strlen(cur);
		char *next = p[n] ? p + n + 1 : p + n;

		if (*p == '\0') {
			escapes = 0;	/* resolved, still inside */
			break;
		}
		if ((n == 1 && p[0] == '.') || n == 0) {
			p = next;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (cl == 0)
				break;	/* above the top */
			pop_dir(cur);
			p = next;
			continue;
		}
		if (cl + 1 + n > PASSPORT_PATH_MAX)
			break;
		if (cl)
			cur[cl++] = '/';
		memcpy(cur + cl, p, n);
		cur[cl + n] = '\0';
		e = passport_list_find(l, cur);
		if (e && e->kind == PASSPORT_LINK) {
			/* continue with the link's own target, from its dir */
			char *nr;

			if (++hops > LINK_HOPS_MAX || e->target[0] == '/' ||
			    asprintf(&nr, "%s/%s", e->target, next) < 0)
				break;
			free(rest);
			rest = p = nr;
			pop_dir(cur);
			continue;
		}
		p = next;
	}
	free(rest);
	return escapes;
}

struct scan {
	struct passport_list *out;
	const char *dir;
	struct exl_err *err;
};

static const char *other_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "FIFO";
	if (S_ISSOCK(m))
		return "socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "device";
	return "special file";
}

/* read_link: the text of the symlink name in dfd, malloc'd. */
static char *read_link(int dfd, const char *name, size_t size_hint)
{
	size_t cap = size_hint + 1 > 64 ? size_hint + 1 : 64;

	for (;;) {
		char *buf = malloc(cap);
		ssize_t n;

		if (!buf)
			return NULL;
		n = readlinkat(dfd, name, buf, cap);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			return buf;
		}
		free(buf);
		if (cap > PASSPORT_PATH_MAX + 1) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		cap *= 2;
	}
}

/* add_one: record the entry name (in dfd, at relative path rel). */
static int add_one(struct scan *s, int dfd, const char *name, const char *rel,
		   const struct stat *st)
{
	struct passport_entry e = { .path = (char *)rel, .dev = st->st_dev,
				    .ino = st->st_ino };
	int rc;

	if (S_ISREG(st->st_mode)) {
		e.kind = PASSPORT_REG;
		e.size = (uint64_t)st->st_size;
	} else if (S_ISLNK(st->st_mode)) {
		e.kind = PASSPORT_LINK;
		e.target = read_link(dfd, name, (size_t)st->st_size);
		if (!e.target)
			return exl_errnof(s->err, errno, "%s/%s: couldn't read the symlink",
					  s->dir, rel);
	} else {
		e.kind = PASSPORT_OTHER;
		e.what = other_kind(st->st_mode);
	}
	if (s->out->n >= PASSPORT_MAX_ENTRIES) {
		free(e.target);
		return exl_errf(s->err, "%s: more than %d files: is this really one checkpoint?",
				s->dir, PASSPORT_MAX_ENTRIES);
	}
	rc = passport_list_add(s->out, &e);
	free(e.target);
	if (rc < 0)
		return exl_errnof(s->err, ENOMEM, "%s: couldn't list the files", s->dir);
	return 0;
}

/* printable: replace what a terminal should not get (control bytes, and
 * every non-ASCII byte of a name that is not UTF-8) by '?', in place. */
static void printable(char *s)
{
	int utf8 = exl_utf8_valid(s, strlen(s));

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8))
			*s = '?';
	}
}

/* walk: list directory dfd (relative path prefix, "" at the top); takes
 * ownership of dfd. */
static int walk(struct scan *s, int dfd, const char *prefix, int depth)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > PASSPORT_MAX_DEPTH) {
		close(dfd);
		return exl_errf(s->err, "%s/%s: directories nested deeper than %d",
				s->dir, prefix, PASSPORT_MAX_DEPTH);
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return exl_errnof(s->err, errno, "%s/%s: couldn't list", s->dir, prefix);
	}
	for (;;) {
		struct stat st;
		char *rel;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				rc = exl_errnof(s->err, errno, "%s/%s: couldn't list",
						s->dir, prefix);
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!*prefix && (strcmp(de->d_name, PASSPORT_FILE) == 0 ||
				 strcmp(de->d_name, SIGNOFF_FILE) == 0))
			continue;
		if (asprintf(&rel, "%s%s%s", prefix, *prefix ? "/" : "",
			     de->d_name) < 0) {
			rc = exl_errnof(s->err, ENOMEM, "%s: couldn't list", s->dir);
			break;
		}
		if (passport_path_check(rel, s->err) < 0) {
			struct exl_err why = *s->err;

			printable(rel);
			rc = exl_errf(s->err, "%s/%s: unusable file name (%s): rename it",
				      s->dir, rel, why.text);
		} else if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = exl_errnof(s->err, errno, "%s/%s: couldn't stat", s->dir, rel);
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0)
				rc = exl_errnof(s->err, errno, "%s/%s: couldn't open the directory",
						s->dir, rel);
			else
				rc = walk(s, sub, rel, depth + 1);
		} else {
			rc = add_one(s, dirfd(d), de->d_name, rel, &st);
		}
		free(rel);
		if (rc < 0)
			break;
	}
	closedir(d);
	return rc;
}

int passport_scan(int rootfd, const char *dir, struct passport_list *out,
		  struct exl_err *err)
{
	struct exl_err local;
	struct scan s = { .out = out, .dir = dir, .err = err ? err : &local };
	size_t i;
	int fd;

	memset(out, 0, sizeof(*out));
	fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return exl_errnof(err, errno, "%s: couldn't open", dir);
	if (walk(&s, fd, "", 0) < 0) {
		passport_list_free(out);
		return -1;
	}
	passport_list_sort(out);
	for (i = 0; i < out->n; i++)
		if (out->v[i].kind == PASSPORT_LINK)
			out->v[i].escapes = passport_link_escapes(out, out->v[i].path,
								  out->v[i].target);
	return 0;
}
