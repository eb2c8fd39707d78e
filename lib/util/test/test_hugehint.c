/* Unit tests: large arrays on huge pages (util/hugehint.h) behave as
 * malloc, calloc and realloc, below and above 1 and 2 MiB. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/hugehint.h"
#include "tap.h"

/* all_zero: is every byte of p[0..n) zero? */
static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	static const size_t sizes[] = { 1, 4096, (1u << 20) - 1, 1u << 20,
					(2u << 20) - 1, 2u << 20,
					(5u << 20) + 17 };
	unsigned char *p, *q;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		p = exl_huge_zalloc(n, 1);
		ok(p && all_zero(p, n), "zalloc %zu bytes: zeroed", n);
		if (!p)
			continue;
		memset(p, 0xa5, n);
		/* grow: the used bytes kept, whatever the new size */
		q = exl_huge_grow(p, n, n * 2 + 1);
		ok(q != NULL, "grow %zu to %zu", n, n * 2 + 1);
		if (!q) {
			free(p);
			continue;
		}
		ok(q[0] == 0xa5 && q[n - 1] == 0xa5, "grow %zu: kept", n);
		q[n * 2] = 1;	/* the new end is writable */
		free(q);
		p = exl_huge_alloc(n);
		ok(p != NULL, "alloc %zu", n);
		if (p) {
			p[n - 1] = 7;
			is_int(p[n - 1], 7, "alloc %zu: writable to its end", n);
		}
		free(p);
	}
	/* large blocks are 2 MiB aligned (the point of them) */
	p = exl_huge_alloc(3u << 20);
	ok(p && ((uintptr_t)p & ((2u << 20) - 1)) == 0, "3 MiB: 2 MiB aligned");
	free(p);
	/* a grow from nothing is an alloc */
	p = exl_huge_grow(NULL, 0, 4u << 20);
	ok(p != NULL, "grow from NULL");
	free(p);
	errno = 0;
	ok(exl_huge_zalloc(SIZE_MAX / 2, 4) == NULL && errno == ENOMEM,
	   "zalloc overflow: NULL, ENOMEM");
	errno = 0;
	ok(exl_huge_alloc(SIZE_MAX - 1) == NULL && errno == ENOMEM,
	   "alloc past the address space: NULL, ENOMEM");
	return done_testing();
}
