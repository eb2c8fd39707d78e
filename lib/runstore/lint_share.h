/* lint_share.h - does a team root's permissions let every member write?
 *
 * A run-log root shared by a group works when the root is group-owned,
 * group-writable and setgid, and everything under it (run logs, group
 * directories, the .exp-log tree with its lock files, index and caches)
 * is in the root's group and group-writable.  exl_lint_share checks that
 * for a root whose directory is group-writable (a root that is not is a
 * one-user root: nothing to check) and lists the chgrp/chmod repairs;
 * exl_share_repair does them for the entries the caller owns.
 */
#ifndef EXL_LINT_SHARE_H
#define EXL_LINT_SHARE_H

#include <sys/types.h>

#include "runstore/lint.h"

/* One repair: chgrp gid (when chgrp) and add the mode bits add. */
struct exl_share_fix {
	char *path;
	int is_dir;
	int chgrp;
	mode_t add;
	uid_t owner;
};

struct exl_share_plan {
	struct exl_share_fix *v;
	size_t n, cap;
	gid_t gid;		/* the root's group */
	int team;		/* the root is group-writable */
};

/* Check root (at most max_depth levels down), adding one finding per entry
 * that would break sharing (rules share-setgid, share-dir, share-file) to
 * out and its repair to plan.  Symlinks are neither followed nor changed. */
void exl_lint_share(const char *root, struct exl_findings *out,
		    struct exl_share_plan *plan);

/* Do the repair fix (never through a symlink).  0 done, -1 with errno
 * (EPERM: another user's entry, only its owner or root can). */
int exl_share_repair(const struct exl_share_plan *plan,
		     const struct exl_share_fix *fix);

void exl_share_plan_free(struct exl_share_plan *plan);

#endif
