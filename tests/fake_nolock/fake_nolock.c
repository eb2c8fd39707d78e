/* fake_nolock.c - TEST ONLY: an LD_PRELOAD stand-in for a filesystem
 * without fcntl locks (Lustre mounted noflock, NFS without lockd).  Every
 * lock request through fcntl (F_SETLK, F_SETLKW, F_OFD_SETLK,
 * F_OFD_SETLKW) fails with ENOLCK, as such a filesystem answers; every
 * other fcntl goes to the kernel.  The cluster test 16-team.t starts the
 * test bed's slurmd with it (EXP_LOG_TESTBED_PRELOAD) and runs the tools
 * with it; lib/util/test/test_linklock.c links this file in and turns
 * fake_nolock_on off and on.  Built by "make check", never installed. */
#include "fake_nolock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

int fake_nolock_on = 1;

/* nolock: the fcntl every entry point below shares. */
static int nolock(int fd, int cmd, va_list ap)
{
	void *arg = va_arg(ap, void *);

	if (fake_nolock_on && (cmd == F_SETLK || cmd == F_SETLKW || cmd == F_OFD_SETLK ||
	    cmd == F_OFD_SETLKW)) {
		errno = ENOLCK;
		return -1;
	}
	return (int)syscall(SYS_fcntl, fd, cmd, arg);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int rc;

	va_start(ap, cmd);
	rc = nolock(fd, cmd, ap);
	va_end(ap);
	return rc;
}

#ifndef __USE_FILE_OFFSET64
int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	int rc;

	va_start(ap, cmd);
	rc = nolock(fd, cmd, ap);
	va_end(ap);
	return rc;
}
#endif
