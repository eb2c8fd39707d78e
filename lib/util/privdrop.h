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

#include <stddef.h>
#include <sys/types.h>

#include "util/exl_err.h"

typedef int (*exl_user_fn)(void *arg, struct exl_err *err);

/* Run fn(arg) as uid/gid with the given supplementary groups.  When the
 * caller already is uid (not root), fn runs in-process.  Returns fn's
 * result (0 / -1), with fn's message in err.  The child is given at most
 * timeout_s seconds before it is killed. */
int exl_as_user(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		int timeout_s, exl_user_fn fn, void *arg, struct exl_err *err);

/* exl_as_user, and when fn succeeds the outlen bytes at out (which fn
 * fills in the child) are copied back to the caller's out.  fn runs
 * in-process only when the real, effective and saved uid all are uid
 * already (so a caller with the user's euid but a saved uid of 0 still
 * forks and drops for good). */
int exl_as_user_out(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		    int timeout_s, exl_user_fn fn, void *arg, void *out,
		    size_t outlen, struct exl_err *err);

#endif
