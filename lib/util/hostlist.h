/* hostlist.h - Slurm host lists ("gpu-a[01-03,7],login1") as names. */
#ifndef EXL_HOSTLIST_H
#define EXL_HOSTLIST_H

#include <stddef.h>

/* Expand expr into at most max names (newly allocated array of newly
 * allocated strings; free with exl_hostlist_free).  Brackets may appear
 * several times in a name ("r[1-2]n[1-3]"); ranges keep their zero
 * padding.  Returns 0, or -1 when expr is malformed, expands past max or
 * memory runs out. */
int exl_hostlist_expand(const char *expr, size_t max, char ***names,
			size_t *n);

void exl_hostlist_free(char **names, size_t n);

#endif
