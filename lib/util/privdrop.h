/* privdrop.h - run a piece of work as the job's user.
 *
 * Root contexts (slurmd's job epilog, slurmstepd's exit hooks) must never
 * touch a user-controlled path as root.  exl_as_user forks; the child
 * drops to the job's uid/gid for good (setgroups, setgid, setuid, and a
 * check that root cannot be regained), runs fn, and reports fn's message
 * back through a pipe.  The parent, still root, only waits.
 */
#ifndef EXL_PRIVDROP_H
#define EXL_PRIVDROP_H

#include <sys/types.h>

#include "util/exl_err.h"

typedef int (*exl_user_fn)(void *arg, struct exl_err *err);

/* Run fn(arg) as uid/gid with the given supplementary groups.  When the
 * caller already is uid (not root), fn runs in-process.  Returns fn's
 * result (0 / -1), with fn's message in err.  The child is given at most
 * timeout_s seconds before it is killed. */
int exl_as_user(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		int timeout_s, exl_user_fn fn, void *arg, struct exl_err *err);

#endif
