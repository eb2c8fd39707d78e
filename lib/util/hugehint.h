/* hugehint.h - large arrays on huge pages.
 *
 * On the VMs exp-log runs on, a page fault costs several microseconds;
 * `runlog status --all` over ten thousand run logs fills some 20 MiB of
 * new arrays (scan entries, cached summaries, rows, output) and spent
 * more time in 4 KiB page faults than in its own work.  Transparent huge
 * pages are usually "madvise" only, so these arrays are 2 MiB aligned and
 * ask for them.  Below 1 MiB they are plain malloc/calloc/realloc; the
 * memory is freed with free() either way.
 */
#ifndef EXL_HUGEHINT_H
#define EXL_HUGEHINT_H

#include <stddef.h>

/* malloc(len).  NULL with errno set. */
void *exl_huge_alloc(size_t len);

/* calloc(n, size).  NULL with errno set (ENOMEM on overflow too). */
void *exl_huge_zalloc(size_t n, size_t size);

/* realloc(old, len) for an array of which the first used bytes matter.
 * NULL with errno set (old is then left as it was). */
void *exl_huge_grow(void *old, size_t used, size_t len);

#endif
