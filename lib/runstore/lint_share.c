/* lint_share.c - permissions of a team root (see lint_share.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstore/lint_share.h"
#include "util/fileio.h"

/* Deepest level looked at below the root (.exp-log/index/<sub>/<day>/x). */
#define SHARE_DEPTH 6

static void group_name(gid_t gid, char *out, size_t len)
{
	struct group *g = getgrgid(gid);

	if (g)
		snprintf(out, len, "%s", g->gr_name);
	else
		snprintf(out, len, "%lu", (unsigned long)gid);
}

/* plan_add: remember one repair; 0, or -1 out of memory. */
static int plan_add(struct exl_share_plan *p, const char *path,
		    const struct stat *st, int chgrp, mode_t add)
{
	struct exl_share_fix *f;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct exl_share_fix *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	f = &p->v[p->n];
	if (!(f->path = strdup(path)))
		return -1;
	f->is_dir = S_ISDIR(st->st_mode);
	f->chgrp = chgrp;
	f->add = add;
	f->owner = st->st_uid;
	p->n++;
	return 0;
}

/* check_one: the finding for one entry, if any. */
static void check_one(const char *path, const struct stat *st,
		      struct exl_share_plan *p, struct exl_findings *out)
{
	int dir = S_ISDIR(st->st_mode), chgrp = st->st_gid != p->gid;
	mode_t want = dir ? (S_IRWXG | S_ISGID) : (S_IRGRP | S_IWGRP);
	mode_t add = want & ~st->st_mode;
	char g[64], fix[4200], what[160];
	size_t w = 0;

	if (!chgrp && !add)
		return;
	if (!dir && !(st->st_mode & (S_IRGRP | S_IROTH)))
		return;	/* private on purpose (0600): not shared */
	group_name(p->gid, g, sizeof(g));
	fix[0] = what[0] = '\0';
	if (chgrp) {
		w += (size_t)snprintf(what, sizeof(what), "not in group %s", g);
		snprintf(fix, sizeof(fix), "chgrp %s '%s'", g, path);
	}
	if (add) {
		snprintf(what + w, sizeof(what) - w, "%s%s", w ? ", " : "",
			 dir ? "not group-writable and setgid" :
			 "not group-readable and writable");
		w = strlen(fix);
		snprintf(fix + w, sizeof(fix) - w, "%schmod g+%s '%s'",
			 w ? " && " : "", dir ? "rwxs" : "rw", path);
	}
	if (plan_add(p, path, st, chgrp, add) < 0) {
		out->nomem = 1;
		return;
	}
	exl_findings_add(out, path, 1, dir ? "share-dir" : "share-file", 1,
			 fix, "%s in team root: %s (owner uid %lu); other "
			 "members' jobs can't write here", dir ? "directory" :
			 "file", what, (unsigned long)st->st_uid);
}

/* walk: check everything in dir (not following symlinks). */
static void walk(const char *dir, int depth, struct exl_share_plan *p,
		 struct exl_findings *out)
{
	DIR *d;
	struct dirent *e;

	if (depth > SHARE_DEPTH || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		struct stat st;
		char *path;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!(path = exl_path_join(dir, e->d_name))) {
			out->nomem = 1;
			break;
		}
		if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode)) {
			check_one(path, &st, p, out);
			if (S_ISDIR(st.st_mode))
				walk(path, depth + 1, p, out);
		}
		free(path);
	}
	closedir(d);
}

void exl_lint_share(const char *root, struct exl_findings *out,
		    struct exl_share_plan *plan)
{
	struct stat st;
	char g[64];

	memset(plan, 0, sizeof(*plan));
	if (lstat(root, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    !(st.st_mode & S_IWGRP))
		return;
	plan->team = 1;
	plan->gid = st.st_gid;
	if (!(st.st_mode & S_ISGID)) {
		group_name(st.st_gid, g, sizeof(g));
		if (plan_add(plan, root, &st, 0, S_ISGID) < 0) {
			out->nomem = 1;
			return;
		}
		exl_findings_add(out, root, 1, "share-setgid", 1,
				 "chmod g+s (new files then get the group)",
				 "team root is group-writable (group %s) but not "
				 "setgid: what members create gets their own "
				 "group", g);
	}
	walk(root, 1, plan, out);
}

int exl_share_repair(const struct exl_share_plan *plan,
		     const struct exl_share_fix *fix)
{
	struct stat st;
	int fd, rc = 0, saved;

	fd = open(fix->path, (fix->is_dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) |
		  O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		rc = -1;
	else if (fix->chgrp && fchown(fd, (uid_t)-1, plan->gid) < 0)
		rc = -1;
	/* chgrp clears setgid: the mode goes on afterwards */
	else if ((fix->add || fix->chgrp) &&
		 fchmod(fd, (st.st_mode | fix->add) & 07777) < 0)
		rc = -1;
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

void exl_share_plan_free(struct exl_share_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n; i++)
		free(plan->v[i].path);
	free(plan->v);
	memset(plan, 0, sizeof(*plan));
}
