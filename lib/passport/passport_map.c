/* passport_map.c - hash a page-cache window from a mapping (see
 * passport_map.h). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "passport/passport_map.h"

/* The window this thread is hashing, and where a SIGBUS in it returns
 * to.  Set only around EVP_DigestUpdate, so the handler sees them
 * exactly while a fault there is possible. */
static __thread sigjmp_buf *volatile bus_jump;
static __thread const char *volatile bus_lo, *volatile bus_hi;

/* The handler before ours, for a SIGBUS that is not a cut-short file
 * and for passport_map_unguard().  sigaction() stores it here as it
 * installs ours, so the handler never sees it unset. */
static struct sigaction bus_old;

/* on_sigbus: a fault in the window being hashed returns from
 * passport_map_update with EFAULT; anything else is handed back to the
 * handler that was there before, which the repeated fault (or, for a
 * signal someone sent, raise) then reaches. */
static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	const char *a = si ? si->si_addr : NULL;

	(void)uc;
	if (bus_jump && si && si->si_code > 0 && a >= bus_lo && a < bus_hi)
		siglongjmp(*bus_jump, 1);
	(void)sigaction(SIGBUS, &bus_old, NULL);
	if (!si || si->si_code <= 0)
		(void)raise(sig);
}

int passport_map_guard(struct passport_map_guard *g)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	(void)sigemptyset(&sa.sa_mask);
	g->on = sigaction(SIGBUS, &sa, &bus_old) == 0;
	return g->on ? 0 : -1;
}

void passport_map_unguard(struct passport_map_guard *g)
{
	if (g->on)
		(void)sigaction(SIGBUS, &bus_old, NULL);
	g->on = 0;
}

ssize_t passport_map_update(EVP_MD_CTX *ctx, const void *m, size_t len)
{
	sigjmp_buf here;
	int ok;

	bus_lo = m;
	bus_hi = (const char *)m + len;
	/* savesigs: the handler runs with SIGBUS blocked, and the jump
	 * back must unblock it for the next window */
	if (sigsetjmp(here, 1)) {
		bus_jump = NULL;
		errno = EFAULT;
		return -1;
	}
	bus_jump = &here;
	ok = EVP_DigestUpdate(ctx, m, len);
	bus_jump = NULL;
	if (!ok) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)len;
}

/* resident: the window [m, m + len) is in the page cache, judged by
 * RESIDENT_SAMPLES pages spread over it, all but one of which must be
 * there.  A window mostly on disk (a checkpoint read cold) is better
 * read, with readahead; a few missing pages in a mapped window are
 * faulted in.  Asking mincore() for every page cost 1.6% of the
 * hashing's CPU time; the samples cost nothing measurable. */
#define RESIDENT_SAMPLES 16

static int resident(char *m, size_t len, size_t page)
{
	size_t pages = (len + page - 1) / page, k, n, in = 0;
	unsigned char v;

	n = pages < RESIDENT_SAMPLES ? pages : RESIDENT_SAMPLES;
	for (k = 0; k < n; k++) {
		if (mincore(m + (k * pages / n) * page, page, &v) < 0)
			return 0;
		in += v & 1;
	}
	return in + 1 >= n;
}

ssize_t passport_map_hash(int fd, uint64_t off, size_t len, EVP_MD_CTX *ctx)
{
	long page = sysconf(_SC_PAGESIZE);
	ssize_t n;
	void *m;
	int saved;

	if (page < 4096 || len == 0 || len > PASSPORT_MAP_WINDOW ||
	    off % (uint64_t)page)
		return 0;
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)off);
	if (m == MAP_FAILED)
		return 0;
	if (!resident(m, len, (size_t)page)) {
		(void)munmap(m, len);
		return 0;
	}
	/* read once: without it the unmap marks every page accessed, and a
	 * checkpoint just read from disk moved to the active list (1.04
	 * million pages of 4 GiB activated by one generate, 69 thousand
	 * with it: /proc/vmstat pgactivate), crowding out the pages other
	 * work on the node keeps using */
	(void)madvise(m, len, MADV_SEQUENTIAL);
#ifdef MADV_POPULATE_READ
	/* one call fills the page tables; without it (kernels before
	 * 5.14) the faults do, a few pages at a time */
	(void)madvise(m, len, MADV_POPULATE_READ);
#endif
	n = passport_map_update(ctx, m, len);
	saved = errno;
	(void)munmap(m, len);
	errno = saved;
	return n;
}
