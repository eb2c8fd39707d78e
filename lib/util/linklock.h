/* linklock.h - a lock that needs no fcntl locks, only atomic link(2).
 *
 * Some shared filesystems have no working fcntl locks (Lustre mounted
 * noflock, NFS without lockd): F_SETLK fails with ENOLCK, ENOSYS or
 * EOPNOTSUPP.  exl_lock then falls back to this lock: the holder links a
 * complete file <lock>.held into place (link fails with EEXIST while
 * someone holds it) that names its host, pid and boot id, and unlinks it
 * when done.  A lock whose holder is gone is broken:
 *   - same host: the boot id differs (a reboot) or the pid is dead;
 *   - other host: the file is older than EXL_LINKLOCK_STALE seconds.  The
 *     holder does not refresh it: every exp-log hold is one short edit,
 *     far below the limit, so only a writer stalled that long on another
 *     node can lose its lock (the one thing a lock-less filesystem can't
 *     make safe; clocks of the nodes must agree within seconds).
 * Breaking goes through a second exclusive file (<lock>.held.break) and
 * re-reads the holder first, so two waiters never both break and never
 * remove a fresh lock judged by a stale read.
 */
#ifndef EXL_LINKLOCK_H
#define EXL_LINKLOCK_H

#include <time.h>

#include "util/exl_err.h"

/* Age after which a lock held from another host counts as abandoned. */
#define EXL_LINKLOCK_STALE 120

/* Take the lock at path (<path>.held), waiting up to timeout_s seconds.
 * On success *token is the holder text to hand to exl_linklock_release
 * (malloc'd).  -1 with err set on a timeout or an error. */
int exl_linklock_take(const char *path, int timeout_s, char **token,
		      struct exl_err *err);

/* Release it: the holder file is removed when it is still ours. */
void exl_linklock_release(const char *path, const char *token);

/* Is a lock whose holder file says text, last changed at mtime, stale at
 * now?  host and boot: this machine's (for tests). */
int exl_linklock_stale(const char *text, time_t mtime, time_t now,
		       const char *host, const char *boot);

#endif
