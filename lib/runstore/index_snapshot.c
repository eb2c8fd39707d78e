/* index_snapshot.c - the run index remembered (see index_snapshot.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "runstore/index_snapshot.h"
#include "runstore/layout.h"
#include "util/fileio.h"
#include "util/strbuf.h"

#define MAGIC "exp-log index snapshot 1"

/* Reading ------------------------------------------------------------ */

/* fields: split line at tabs into at most max fields; their count. */
static int fields(char *line, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return line ? -1 : n;
}

/* num: s as a whole unsigned number into *v; 0 when it is one. */
static int num(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* dir_current: does D line f[] still describe its directory?  Asked
 * with AT_STATX_FORCE_SYNC: on NFS a plain stat may answer from the
 * client's attribute cache, a minute old; this asks the server. */
static int dir_current(const char *root, char **f)
{
	unsigned long long dev, ino, cs, cns;
	struct statx st;
	char *path;
	int rc;

	if ((strcmp(f[1], "open") != 0 && strcmp(f[1], "ended") != 0) ||
	    (*f[2] && (strcmp(f[1], "ended") != 0 ||
		       !exl_index_valid_day(f[2]))) ||
	    num(f[3], &dev) < 0 || num(f[4], &ino) < 0 ||
	    num(f[5], &cs) < 0 || num(f[6], &cns) < 0)
		return 0;
	path = exl_layout_index_dir(root, f[1], *f[2] ? f[2] : NULL);
	if (!path)
		return 0;
	rc = statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_STATX_FORCE_SYNC,
		   STATX_TYPE | STATX_INO | STATX_CTIME, &st);
	free(path);
	if (rc < 0)
		return errno == ENOENT && ino == 0;
	return S_ISDIR(st.stx_mode) && ino != 0 &&
	       (st.stx_mask & (STATX_INO | STATX_CTIME)) ==
	       (STATX_INO | STATX_CTIME) &&
	       (unsigned long long)makedev(st.stx_dev_major,
					   st.stx_dev_minor) == dev &&
	       (unsigned long long)st.stx_ino == ino &&
	       (unsigned long long)st.stx_ctime.tv_sec == cs &&
	       (unsigned long long)st.stx_ctime.tv_nsec == cns;
}

/* add_entry: E line f[] into l unless it ended before since.  0 added
 * or left out, -1 malformed, -2 out of memory. */
static int add_entry(char **f, time_t since, struct exl_index_list *l)
{
	struct exl_index_entry e = { 0 };
	unsigned long long end;

	if (exl_index_valid_key(f[1]) < 0 ||
	    (*f[2] && exl_index_valid_key(f[2]) < 0) ||
	    exl_index_valid_rel(f[3]) < 0 || num(f[4], &end) < 0 ||
	    (*f[5] ? !exl_index_valid_day(f[5]) || end == 0 : end != 0))
		return -1;
	if (*f[5] && (time_t)end < since)
		return 0;
	e.end = (time_t)end;
	snprintf(e.day, sizeof(e.day), "%s", f[5]);
	e.key = strdup(f[1]);
	e.rel = strdup(f[3]);
	e.job_id = *f[2] ? strdup(f[2]) : NULL;
	if (!e.key || !e.rel || (*f[2] && !e.job_id) ||
	    exl_index_list_push(l, &e) < 0) {
		free(e.key);
		free(e.rel);
		free(e.job_id);
		return -2;
	}
	return 0;
}

/* load: the snapshot at path into l when it is current.  1 used, 0 not
 * (l empty), -1 out of memory. */
static int load(const char *root, time_t since, const char *path,
		struct exl_index_list *l)
{
	unsigned long long snap_since, skipped;
	char *text = NULL, *line, *next, *f[7];
	int rc = 0, dirs = 0, r, n;

	memset(l, 0, sizeof(*l));
	if (exl_read_file(path, EXL_READ_MAX, &text, NULL, NULL) < 0)
		return errno == ENOMEM ? -1 : 0;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			goto stale;	/* cut short */
		*next++ = '\0';
		n = fields(line, f, 7);
		if (line == text) {
			if (n != 3 || strcmp(f[0], MAGIC) != 0 ||
			    num(f[1], &snap_since) < 0 ||
			    num(f[2], &skipped) < 0 ||
			    (time_t)snap_since > since)
				goto stale;
			l->skipped = (size_t)skipped;
		} else if (n == 7 && strcmp(f[0], "D") == 0) {
			if (!dir_current(root, f))
				goto stale;
			dirs++;
		} else if (n == 6 && strcmp(f[0], "E") == 0 && dirs) {
			r = add_entry(f, since, l);
			if (r == -2)
				rc = -1;
			if (r < 0)
				goto stale;
		} else {
			goto stale;
		}
	}
	if (dirs) {
		free(text);
		return 1;
	}
stale:
	free(text);
	exl_index_list_free(l);
	return rc;
}

/* Writing ------------------------------------------------------------ */

struct seen {
	struct exl_sb b;
	time_t now;
	int racy;
};

/* saw: one D line; a directory changed in the last second spoils it. */
static void saw(void *arg, const char *sub, const char *day,
		const struct stat *st)
{
	struct seen *s = arg;

	if (st->st_ino && st->st_ctim.tv_sec >= s->now - 1)
		s->racy = 1;
	exl_sb_printf(&s->b, "D\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%lld\t%ld\n",
		      sub, day ? day : "", (uint64_t)st->st_dev,
		      (uint64_t)st->st_ino, (long long)st->st_ctim.tv_sec,
		      (long)st->st_ctim.tv_nsec);
}

/* store: the snapshot of l, its directories' lines in s, at path.
 * Best effort: a snapshot that cannot be written costs speed only. */
static void store(const char *path, time_t since, struct seen *s,
		  const struct exl_index_list *l)
{
	struct exl_sb out = { 0 };
	char *text, *dir;
	size_t i, len;

	exl_sb_printf(&out, MAGIC "\t%lld\t%zu\n", (long long)since,
		      l->skipped);
	text = exl_sb_take(&s->b, &len);
	exl_sb_printf(&out, "%s", text ? text : "");
	free(text);
	for (i = 0; i < l->n; i++) {
		const struct exl_index_entry *e = &l->v[i];

		if (strpbrk(e->rel, "\t\n")) {
			exl_sb_free(&out);
			return;
		}
		exl_sb_printf(&out, "E\t%s\t%s\t%s\t%lld\t%s\n", e->key,
			      e->job_id ? e->job_id : "", e->rel,
			      (long long)e->end, e->day);
	}
	text = exl_sb_take(&out, &len);
	dir = exl_dirname(path);
	if (text && dir && exl_mkdir_p(dir, 0755, NULL) == 0)
		(void)exl_write_atomic(path, text, len, 0644, NULL);
	free(dir);
	free(text);
}

int exl_index_read_snap(const char *root, time_t since, const char *path,
			int save, struct exl_index_list *l, int *hit,
			struct exl_err *err)
{
	struct seen s = { { 0 }, 0, 0 };
	int rc;

	if (hit)
		*hit = 0;
	if (path) {
		rc = load(root, since, path, l);
		if (rc < 0)
			return exl_errnof(err, ENOMEM,
					  "couldn't read the run index");
		if (rc == 1) {
			if (hit)
				*hit = 1;
			return 0;
		}
	}
	if (!path || !save)
		return exl_index_read(root, since, l, err);
	s.now = time(NULL);
	rc = exl_index_read_seen(root, since, l, saw, &s, err);
	if (rc == 0 && !s.racy && !s.b.failed)
		store(path, since, &s, l);
	exl_sb_free(&s.b);
	return rc;
}
