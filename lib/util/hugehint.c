/* hugehint.c - large arrays on huge pages (see hugehint.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/hugehint.h"

#define HUGE (2u << 20)
/* From here an array gets huge pages: its 256 and more 4 KiB faults
 * cost more than zeroing the rest of a 2 MiB page. */
#define HUGE_MIN (1u << 20)

void *exl_huge_alloc(size_t len)
{
	size_t round;
	void *p;

	if (len < HUGE_MIN)
		return malloc(len);
	if (len > SIZE_MAX - HUGE) {
		errno = ENOMEM;
		return NULL;
	}
	round = (len + HUGE - 1) & ~(size_t)(HUGE - 1);
	p = aligned_alloc(HUGE, round);
	/* a hint: where the kernel says no, the pages are small */
	if (p)
		(void)madvise(p, round, MADV_HUGEPAGE);
	return p;
}

void *exl_huge_zalloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if (n * size < HUGE_MIN)
		return calloc(n, size);
	p = exl_huge_alloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *exl_huge_grow(void *old, size_t used, size_t len)
{
	void *p;

	if (len < HUGE_MIN)
		return realloc(old, len);
	p = exl_huge_alloc(len);
	if (!p)
		return NULL;
	if (old)
		memcpy(p, old, used < len ? used : len);
	free(old);
	return p;
}
