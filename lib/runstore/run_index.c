/* run_index.c - the index of live runs (see run_index.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util/fileio.h"
#include "util/sharemode.h"
#include "util/jsonfile.h"
#include "runstore/layout.h"
#include "util/names.h"
#include "runstore/run_index.h"
#include "runstore/runlog_scan.h"

/* Largest entry read back. */
#define ENTRY_MAX 4096
/* A temp file this old belongs to a writer that died. */
#define TEMP_STALE_S 3600

int exl_index_valid_key(const char *key)
{
	size_t i, n;

	if (!key)
		return -1;
	n = strlen(key);
	if (n == 0 || n > EXL_INDEX_KEY_MAX || key[0] == '.')
		return -1;
	for (i = 0; i < n; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("._:+-", c)))
			return -1;
	}
	return 0;
}

int exl_index_valid_rel(const char *rel)
{
	return exl_scan_valid_rel(rel);
}

void exl_index_hash_key(const char *rel, char *key, size_t len)
{
	unsigned long long h = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */
	const unsigned char *p;

	for (p = (const unsigned char *)rel; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	snprintf(key, len, "+r%016llx", h);
}

void exl_index_day(time_t t, char *day, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year < 0 || tm.tm_year > 8099) {
		snprintf(day, len, "1970-01-01");
		return;
	}
	snprintf(day, len, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday);
}

int exl_index_valid_day(const char *name)
{
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? name[i] != '-' :
		    name[i] < '0' || name[i] > '9')
			return 0;
	return name[10] == '\0';
}

/* Directories ------------------------------------------------------- */

/* dir_at: open directory name under at, never through a symlink;
 * created (0755, group-writable in a team root) first when create is set
 * and it is missing. */
static int dir_at(int at, const char *name, int create)
{
	mode_t mode = exl_share_mode_at(at, 0755, 1);
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC), made;

	if (fd >= 0 || errno != ENOENT || !create)
		return fd;
	made = mkdirat(at, name, mode) == 0;
	if (!made && errno != EEXIST)
		return -1;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && made && exl_share_fix_fd(fd, mode) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* index_dir: <root>/.exp-log/index/<sub>[/<day>] as a descriptor.
 * .exp-log must exist; below it, create makes what is missing.  -1 with
 * errno set (ELOOP or ENOTDIR for a symlink in the way). */
static int index_dir(const char *root, const char *sub, const char *day,
		     int create)
{
	const char *comp[4];
	size_t n = exl_layout_index_parts(sub, day, comp), i;
	int fd, next, saved;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; fd >= 0 && i < n; i++) {
		next = dir_at(fd, comp[i], create && i > 0);
		saved = errno;
		close(fd);
		errno = saved;
		fd = next;
	}
	return fd;
}

static int index_dir_err(const char *root, const char *sub, const char *day,
			 int create, struct exl_err *err)
{
	int fd = index_dir(root, sub, day, create);

	if (fd < 0) {
		int saved = errno;
		char *p = exl_layout_index_dir(root, sub, day);

		exl_errnof(err, saved, "couldn't open %s", p ? p : root);
		free(p);
		errno = saved;
	}
	return fd;
}

/* Entries ------------------------------------------------------------ */

/* put_entry: key in directory dfd holds {job_id, run_log[, end]}: a temp
 * file renamed over key (whatever key was, even a symlink: the name is
 * replaced, nothing is written through it).  Not synced: the index is
 * rebuilt from the run logs (run_index.h). */
static int put_entry(int dfd, const char *key, const char *job_id,
		     const char *rel, time_t end, struct exl_err *err)
{
	static unsigned int seq;
	json_object *o = json_object_new_object();
	char tmp[EXL_INDEX_KEY_MAX + 64];
	const char *text;
	int fd, rc = -1, saved;

	if (!o)
		return exl_errnof(err, ENOMEM, "couldn't write run index entry %s", key);
	exl_json_set_str(o, "job_id", job_id);
	exl_json_set_str(o, "run_log", rel);
	if (end)
		exl_json_set_int(o, "end", (long long)end);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(tmp, sizeof(tmp), ".tmp.%ld.%u.%s", (long)getpid(), seq++, key);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, exl_share_mode_at(dfd, 0644, 0));
	if (fd >= 0 && exl_share_fix_fd(fd, exl_share_mode_at(dfd, 0644, 0)) < 0) {
		saved = errno;
		close(fd);
		(void)unlinkat(dfd, tmp, 0);
		exl_errnof(err, saved, "couldn't write run index entry %s", key);
		goto out;
	}
	if (fd < 0) {
		exl_errnof(err, errno, "couldn't write run index entry %s", key);
		goto out;
	}
	if (!text || exl_write_all(fd, text, strlen(text)) < 0 ||
	    exl_write_all(fd, "\n", 1) < 0) {
		saved = text ? errno : ENOMEM;
		close(fd);
		(void)unlinkat(dfd, tmp, 0);	/* cleanup: the error is saved */
		exl_errnof(err, saved, "couldn't write run index entry %s", key);
		goto out;
	}
	if (close(fd) < 0 || renameat(dfd, tmp, dfd, key) < 0) {
		saved = errno;
		(void)unlinkat(dfd, tmp, 0);	/* cleanup: the error is saved */
		exl_errnof(err, saved, "couldn't write run index entry %s", key);
		goto out;
	}
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

static void entry_free(struct exl_index_entry *e)
{
	free(e->key);
	free(e->job_id);
	free(e->rel);
	memset(e, 0, sizeof(*e));
}

/* get_entry: read and check entry name in directory dfd.  0 read, -1 not
 * an entry (unsafe, malformed, gone), -2 out of memory. */
static int get_entry(int dfd, const char *name, int ended,
		     struct exl_index_entry *e)
{
	char buf[ENTRY_MAX + 1];
	const char *rel, *id;
	json_object *o;
	struct stat st;
	ssize_t len;
	int fd, rc = -1;

	memset(e, 0, sizeof(*e));
	if (exl_index_valid_key(name) < 0)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > ENTRY_MAX) {
		close(fd);
		return -1;
	}
	do {
		len = read(fd, buf, ENTRY_MAX);
	} while (len < 0 && errno == EINTR);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	errno = 0;
	o = exl_json_parse(buf, (size_t)len, name, NULL);
	if (!o)
		return errno == ENOMEM ? -2 : -1;
	rel = exl_json_str(o, "run_log");
	id = exl_json_str(o, "job_id");
	e->end = (time_t)exl_json_int(o, "end", 0);
	/* an open entry moved to ended/ (exl_index_end) ended at its mtime */
	if (ended && !exl_json_has(o, "end"))
		e->end = st.st_mtime;
	if (exl_index_valid_rel(rel) < 0 || (id && exl_index_valid_key(id) < 0) ||
	    (ended ? e->end <= 0 : exl_json_has(o, "end")))
		goto out;
	rc = -2;
	e->key = strdup(name);
	e->rel = strdup(rel);
	e->job_id = id ? strdup(id) : NULL;
	if (!e->key || !e->rel || (id && !e->job_id)) {
		entry_free(e);
		goto out;
	}
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

static int list_push(struct exl_index_list *l, struct exl_index_entry *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *nv = realloc(l->v, cap * sizeof(*l->v));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

/* read_dir: the entries of directory fd (consumed) into l; day set for
 * ended entries, which count only with end >= since.  -1 only when
 * memory ran out. */
static int read_dir(int fd, const char *day, time_t since,
		    struct exl_index_list *l)
{
	struct exl_index_entry e;
	struct dirent *de;
	DIR *dp = fdopendir(fd);
	int rc = 0, r;

	if (!dp) {
		close(fd);
		return errno == ENOMEM ? -1 : 0;
	}
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_DIR || de->d_type == DT_LNK) {
			l->skipped++;
			continue;
		}
		r = get_entry(dirfd(dp), de->d_name, day != NULL, &e);
		if (r == -2) {
			rc = -1;
			break;
		}
		if (r < 0) {
			l->skipped++;
			continue;
		}
		if (day && e.end < since) {
			entry_free(&e);
			continue;
		}
		if (day)
			snprintf(e.day, sizeof(e.day), "%s", day);
		if (list_push(l, &e) < 0) {
			entry_free(&e);
			rc = -1;
			break;
		}
	}
	closedir(dp);
	return rc;
}

/* days: the valid day directories of ended/ (fd, not consumed) that are
 * >= from ("" for all), newly allocated; *n of them.  NULL with *n 0 and
 * errno ENOMEM when memory ran out. */
static char (*days(int fd, const char *from, size_t *n))[11]
{
	char (*v)[11] = NULL;
	size_t cap = 0;
	struct dirent *de;
	int dup_fd = dup(fd);
	DIR *dp = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;

	*n = 0;
	if (!dp) {
		if (dup_fd >= 0)
			close(dup_fd);
		return NULL;
	}
	rewinddir(dp);
	while ((de = readdir(dp))) {
		if (!exl_index_valid_day(de->d_name) ||
		    strcmp(de->d_name, from) < 0)
			continue;
		if (*n == cap) {
			void *nv = realloc(v, (cap ? cap * 2 : 16) * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(dp);
				*n = 0;
				errno = ENOMEM;
				return NULL;
			}
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		memcpy(v[(*n)++], de->d_name, 11);
	}
	closedir(dp);
	return v;
}

/* tell: directory fd (sub, day) is about to be read; a failed fstat is
 * told as a zeroed stat (never the same as a directory's). */
static void tell(exl_index_seen_fn seen, void *arg, int fd, const char *sub,
		 const char *day)
{
	struct stat st;

	if (!seen)
		return;
	if (fd < 0 || fstat(fd, &st) < 0)
		memset(&st, 0, sizeof(st));
	seen(arg, sub, day, &st);
}

int exl_index_read_seen(const char *root, time_t since,
			struct exl_index_list *l, exl_index_seen_fn seen,
			void *arg, struct exl_err *err)
{
	char from[11] = "", (*dv)[11];
	size_t i, nd;
	int fd, efd, rc = 0;

	memset(l, 0, sizeof(*l));
	fd = index_dir_err(root, "open", NULL, 0, err);
	if (fd < 0)
		return -1;
	tell(seen, arg, fd, "open", NULL);
	if (read_dir(fd, NULL, 0, l) < 0)
		return exl_errnof(err, ENOMEM, "couldn't read the run index");
	efd = index_dir(root, "ended", NULL, 0);
	tell(seen, arg, efd, "ended", NULL);
	if (efd < 0)
		return 0;	/* nothing ended yet */
	if (since > 0)
		exl_index_day(since, from, sizeof(from));
	dv = days(efd, from, &nd);
	if (!dv && errno == ENOMEM)
		rc = exl_errnof(err, ENOMEM, "couldn't read the run index");
	for (i = 0; rc == 0 && i < nd; i++) {
		fd = dir_at(efd, dv[i], 0);
		tell(seen, arg, fd, "ended", dv[i]);
		if (fd >= 0 && read_dir(fd, dv[i], since, l) < 0)
			rc = exl_errnof(err, ENOMEM, "couldn't read the run index");
	}
	free(dv);
	close(efd);
	return rc;
}

int exl_index_read(const char *root, time_t since, struct exl_index_list *l,
		   struct exl_err *err)
{
	return exl_index_read_seen(root, since, l, NULL, NULL, err);
}

int exl_index_list_push(struct exl_index_list *l, struct exl_index_entry *e)
{
	return list_push(l, e);
}

void exl_index_list_free(struct exl_index_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		entry_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Writers ------------------------------------------------------------ */

int exl_index_init(const char *root, int stamp, struct exl_err *err)
{
	static const char *const sub[] = { "open", "ended" };
	size_t i;
	int fd;

	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		fd = index_dir_err(root, sub[i], NULL, 1, err);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return stamp ? exl_index_stamp(root, err) : 0;
}

int exl_index_stamp(const char *root, struct exl_err *err)
{
	char *path;
	int rc;

	if (!(path = exl_layout_index_format(root)))
		return exl_errnof(err, ENOMEM, "couldn't stamp the run index");
	rc = exl_write_atomic(path, EXL_INDEX_MAGIC, strlen(EXL_INDEX_MAGIC),
			      0644, err);
	free(path);
	return rc;
}

int exl_index_ready(const char *root)
{
	char *path, *text = NULL;
	int fd, ready;

	if (!(path = exl_layout_index_format(root)))
		return 0;
	ready = exl_read_file(path, 64, &text, NULL, NULL) == 0 &&
		strcmp(text, EXL_INDEX_MAGIC) == 0;
	free(text);
	free(path);
	if (!ready)
		return 0;
	fd = index_dir(root, "open", NULL, 0);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int check_args(const char *key, const char *job_id, const char *rel,
		      struct exl_err *err)
{
	if (exl_index_valid_key(key) < 0)
		return exl_errf(err, "run index: %s: not a usable key", key ? key : "(null)");
	if (job_id && exl_index_valid_key(job_id) < 0)
		return exl_errf(err, "run index: job id %s: not usable", job_id);
	if (exl_index_valid_rel(rel) < 0)
		return exl_errf(err, "run index: %s: not a run log path", rel ? rel : "(null)");
	return 0;
}

int exl_index_open(const char *root, const char *key, const char *job_id,
		   const char *rel, struct exl_err *err)
{
	int fd, rc;

	if (check_args(key, job_id, rel, err) < 0)
		return -1;
	fd = index_dir_err(root, "open", NULL, 1, err);
	if (fd < 0)
		return -1;
	rc = put_entry(fd, key, job_id, rel, 0, err);
	close(fd);
	return rc;
}

/* remove_at: unlink entry key of directory fd when it names rel (NULL:
 * always).  Removal is not synced: a removal lost in a crash leaves an
 * entry the reader tolerates. */
static int remove_at(int fd, const char *key, const char *rel,
		     struct exl_err *err)
{
	struct exl_index_entry e;
	int r;

	if (rel) {
		r = get_entry(fd, key, 0, &e);
		if (r == -2)
			return exl_errnof(err, ENOMEM, "couldn't read run index entry %s", key);
		if (r == 0 && strcmp(e.rel, rel) != 0) {
			entry_free(&e);
			return 0;	/* the key names another run now */
		}
		if (r == 0)
			entry_free(&e);
	}
	if (unlinkat(fd, key, 0) < 0 && errno != ENOENT)
		return exl_errnof(err, errno, "couldn't remove run index entry %s", key);
	return 0;
}

int exl_index_drop(const char *root, const char *key, const char *rel,
		   struct exl_err *err)
{
	int fd, rc;

	if (exl_index_valid_key(key) < 0)
		return exl_errf(err, "run index: %s: not a usable key", key ? key : "(null)");
	fd = index_dir(root, "open", NULL, 0);
	if (fd < 0)
		return errno == ENOENT ? 0 :
		       exl_errnof(err, errno, "couldn't open the run index of %s", root);
	rc = remove_at(fd, key, rel, err);
	close(fd);
	return rc;
}

/* rm_day: remove day directory name of ended/ (fd) with its entries.
 * -1 (errno set) when something could not be removed; a concurrent
 * pruner removing it first is not a failure. */
static int rm_day(int fd, const char *name)
{
	int dfd = dir_at(fd, name, 0), rc = 0, saved = 0;
	struct dirent *de;
	DIR *dp = dfd >= 0 ? fdopendir(dfd) : NULL;

	if (!dp) {
		saved = errno;
		if (dfd >= 0)
			close(dfd);
		errno = saved;
		return errno == ENOENT ? 0 : -1;
	}
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    unlinkat(dirfd(dp), de->d_name, 0) < 0 && errno != ENOENT) {
			saved = errno;
			rc = -1;
		}
	closedir(dp);
	if (unlinkat(fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT &&
	    errno != ENOTEMPTY && errno != EEXIST) {
		saved = errno;
		rc = -1;
	}
	errno = saved;
	return rc;
}

/* prune_days: remove ended days before the keep window of now. */
static int prune_days(const char *root, time_t now, struct exl_err *err)
{
	char cutoff[11], (*dv)[11];
	size_t i, nd;
	int fd = index_dir(root, "ended", NULL, 0), rc = 0, saved = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 :
		       exl_errnof(err, errno, "couldn't open the run index of %s", root);
	exl_index_day(now - (time_t)EXL_INDEX_KEEP_DAYS * 86400, cutoff,
		      sizeof(cutoff));
	dv = days(fd, "", &nd);
	if (!dv && errno == ENOMEM) {
		saved = ENOMEM;
		rc = -1;
	}
	for (i = 0; i < nd; i++)
		if (strcmp(dv[i], cutoff) < 0 && rm_day(fd, dv[i]) < 0) {
			saved = errno;
			rc = -1;
		}
	free(dv);
	close(fd);
	return rc < 0 ? exl_errnof(err, saved, "couldn't prune the run index of %s",
				   root) : 0;
}

/* same_id: two entries' job ids (either may be NULL) are one. */
static int same_id(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* move_open: the run's open entry becomes its ended entry in directory
 * efd by a rename, its mtime set to end first (an ended entry whose text
 * names no end ended then: get_entry), so the end creates and frees no
 * file (on a filesystem without a journal every new file scans those
 * freed in the last minute) and the run is listed in one of the two
 * at every moment.  1 moved; 0 when there is no open entry of this job
 * and run log to move (the caller writes the ended entry). */
static int move_open(const char *root, int efd, const char *key,
		     const char *job_id, const char *rel, time_t end)
{
	const struct timespec t[2] = { { end, 0 }, { end, 0 } };
	struct exl_index_entry e;
	int fd = index_dir(root, "open", NULL, 0), ours;

	if (fd < 0)
		return 0;
	ours = get_entry(fd, key, 0, &e) == 0;
	if (ours) {
		ours = strcmp(e.rel, rel) == 0 && same_id(e.job_id, job_id);
		entry_free(&e);
	}
	ours = ours && utimensat(fd, key, t, AT_SYMLINK_NOFOLLOW) == 0 &&
	       renameat(fd, key, efd, key) == 0;
	close(fd);
	return ours;
}

int exl_index_end(const char *root, const char *key, const char *job_id,
		  const char *rel, time_t end, time_t now, struct exl_err *err)
{
	char day[11], cutoff[11];
	int fd, rc = 0;

	if (check_args(key, job_id, rel, err) < 0)
		return -1;
	if (!now)
		now = time(NULL);
	if (!end)
		end = now;
	exl_index_day(end, day, sizeof(day));
	exl_index_day(now - (time_t)EXL_INDEX_KEEP_DAYS * 86400, cutoff,
		      sizeof(cutoff));
	if (strcmp(day, cutoff) >= 0) {
		fd = index_dir_err(root, "ended", day, 1, err);
		if (fd < 0)
			return -1;
		if (move_open(root, fd, key, job_id, rel, end) == 1) {
			close(fd);
			(void)prune_days(root, now, NULL);
			return 0;
		}
		rc = put_entry(fd, key, job_id, rel, end, err);
		close(fd);
	}
	/* the open entry goes only once the ended one is on disk */
	if (rc == 0)
		rc = exl_index_drop(root, key, rel, err);
	/* the run's entries are right either way; the next end prunes again */
	if (rc == 0)
		(void)prune_days(root, now, NULL);
	return rc;
}

/* rewrite: entry e, in directory fd, to name rel instead. */
static int rewrite(int fd, const struct exl_index_entry *e, const char *rel,
		   struct exl_err *err)
{
	return put_entry(fd, e->key, e->job_id, rel, e->end, err);
}

int exl_index_rename(const char *root, const char *old_rel,
		     const char *new_rel, struct exl_err *err)
{
	struct exl_index_list l;
	size_t i;
	int rc = 0, fd;

	if (exl_index_valid_rel(new_rel) < 0)
		return exl_errf(err, "run index: %s: not a run log path", new_rel);
	if (exl_index_read(root, 0, &l, err) < 0) {
		exl_index_list_free(&l);
		return errno == ENOENT ? 0 : -1;
	}
	for (i = 0; rc == 0 && i < l.n; i++) {
		const struct exl_index_entry *e = &l.v[i];

		if (strcmp(e->rel, old_rel) != 0)
			continue;
		fd = index_dir_err(root, e->day[0] ? "ended" : "open",
				   e->day[0] ? e->day : NULL, 0, err);
		rc = fd < 0 ? -1 : rewrite(fd, e, new_rel, err);
		if (fd >= 0)
			close(fd);
	}
	exl_index_list_free(&l);
	return rc;
}

/* Rebuilding ---------------------------------------------------------- */

/* in_group: is rel a run log of group (NULL: the flat level)? */
static int in_group(const char *rel, const char *group)
{
	const char *slash = strchr(rel, '/');
	size_t gl;

	if (!group)
		return slash == NULL;
	gl = strlen(group);
	return slash && (size_t)(slash - rel) == gl && strncmp(rel, group, gl) == 0;
}

/* job_index_names: does .exp-log/jobs/<id>.json name rel? */
static int job_index_names(const char *root, const char *id, const char *rel)
{
	char *path = exl_layout_job_index(root, id);
	json_object *o = path ? exl_json_read(path, 1 << 16, NULL) : NULL;
	const char *rl = exl_json_str(o, "run_log");
	int yes = rl && strcmp(rl, rel) == 0;

	json_object_put(o);
	free(path);
	return yes;
}

/* One entry the index should hold. */
struct want {
	char key[EXL_INDEX_KEY_MAX + 1];
	char day[11];		/* "" for open */
	const struct exl_index_run *run;
	int present;
};

static int same(const struct want *w, const struct exl_index_entry *e)
{
	const char *id = w->run->job_id;

	return strcmp(w->key, e->key) == 0 && strcmp(w->day, e->day) == 0 &&
	       strcmp(w->run->rel, e->rel) == 0 &&
	       (w->day[0] ? w->run->end == e->end : 1) &&
	       (id && exl_index_valid_key(id) == 0 ?
		e->job_id && strcmp(id, e->job_id) == 0 : !e->job_id);
}

/* wants: what the index should hold for runs; NULL when out of memory. */
static struct want *wants(const char *root, const struct exl_index_run *runs,
			  size_t n, time_t now, size_t *nw)
{
	struct want *w = calloc(n ? n : 1, sizeof(*w));
	char cutoff[11], day[11];
	size_t i;

	*nw = 0;
	if (!w)
		return NULL;
	exl_index_day(now - (time_t)EXL_INDEX_KEEP_DAYS * 86400, cutoff,
		      sizeof(cutoff));
	for (i = 0; i < n; i++) {
		const struct exl_index_run *r = &runs[i];
		struct want *x = &w[*nw];

		if (exl_index_valid_rel(r->rel) < 0)
			continue;
		day[0] = '\0';
		if (!r->open) {
			exl_index_day(r->end ? r->end : now, day, sizeof(day));
			if (strcmp(day, cutoff) < 0)
				continue;
		}
		if (r->job_id && exl_index_valid_key(r->job_id) == 0 &&
		    job_index_names(root, r->job_id, r->rel))
			snprintf(x->key, sizeof(x->key), "%s", r->job_id);
		else
			exl_index_hash_key(r->rel, x->key, sizeof(x->key));
		snprintf(x->day, sizeof(x->day), "%s", day);
		x->run = r;
		(*nw)++;
	}
	return w;
}

int exl_index_sync(const char *root, const char *group,
		   const struct exl_index_run *runs, size_t n,
		   const struct exl_index_list *cur, time_t now,
		   size_t *changed, struct exl_err *err)
{
	struct want *w;
	size_t nw, i, j;
	int rc = 0, fd;

	*changed = 0;
	w = wants(root, runs, n, now, &nw);
	if (!w)
		return exl_errnof(err, ENOMEM, "couldn't rebuild the run index");
	for (i = 0; rc == 0 && i < cur->n; i++) {
		const struct exl_index_entry *e = &cur->v[i];
		int keep = 0;

		if (!in_group(e->rel, group))
			continue;
		for (j = 0; j < nw && !keep; j++)
			if (!w[j].present && same(&w[j], e))
				keep = w[j].present = 1;
		if (keep)
			continue;
		fd = index_dir_err(root, e->day[0] ? "ended" : "open",
				   e->day[0] ? e->day : NULL, 0, err);
		rc = fd < 0 ? -1 : remove_at(fd, e->key, NULL, err);
		if (fd >= 0)
			close(fd);
		(*changed)++;
	}
	for (j = 0; rc == 0 && j < nw; j++) {
		const struct exl_index_run *r = w[j].run;
		const char *id = r->job_id && exl_index_valid_key(r->job_id) == 0 ?
				 r->job_id : NULL;

		if (w[j].present)
			continue;
		fd = index_dir_err(root, w[j].day[0] ? "ended" : "open",
				   w[j].day[0] ? w[j].day : NULL, 1, err);
		rc = fd < 0 ? -1 : put_entry(fd, w[j].key, id, r->rel,
					    w[j].day[0] ? (r->end ? r->end : now) : 0,
					    err);
		if (fd >= 0)
			close(fd);
		(*changed)++;
	}
	free(w);
	return rc;
}

/* prune_dir: in directory fd (consumed), remove temp files older than
 * TEMP_STALE_S and files that are not entries (garbage, symlinks).  -1
 * (errno set) when one could not be removed. */
static int prune_dir(int fd, int ended, time_t now)
{
	struct exl_index_entry e;
	struct dirent *de;
	struct stat st;
	DIR *dp = fdopendir(fd);
	int rc = 0, saved = 0;

	if (!dp) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while ((de = readdir(dp))) {
		const char *name = de->d_name;
		int drop;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    fstatat(dirfd(dp), name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
			continue;
		if (strncmp(name, ".tmp.", 5) == 0) {
			drop = st.st_mtime < now - TEMP_STALE_S;
		} else {
			drop = get_entry(dirfd(dp), name, ended, &e) == -1;
			entry_free(&e);
		}
		/* garbage is never a real entry: those are renamed in whole */
		if (drop && unlinkat(dirfd(dp), name, 0) < 0 && errno != ENOENT) {
			saved = errno;
			rc = -1;
		}
	}
	closedir(dp);
	errno = saved;
	return rc;
}

int exl_index_prune(const char *root, time_t now, struct exl_err *err)
{
	char (*dv)[11];
	size_t i, nd;
	int fd, efd, rc = 0, saved = 0;

	if (prune_days(root, now, err) < 0)
		return -1;
	fd = index_dir(root, "open", NULL, 0);
	if (fd >= 0 && prune_dir(fd, 0, now) < 0) {
		saved = errno;
		rc = -1;
	}
	efd = index_dir(root, "ended", NULL, 0);
	if (efd < 0)
		return rc < 0 ? exl_errnof(err, saved, "couldn't prune the run "
					   "index of %s", root) : 0;
	dv = days(efd, "", &nd);
	for (i = 0; i < nd; i++) {
		fd = dir_at(efd, dv[i], 0);
		if (fd >= 0 && prune_dir(fd, 1, now) < 0) {
			saved = errno;
			rc = -1;
		}
	}
	free(dv);
	close(efd);
	return rc < 0 ? exl_errnof(err, saved, "couldn't prune the run index of %s",
				   root) : 0;
}
