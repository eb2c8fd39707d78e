/* side_by_side.h - a piece of work shared among a few threads: how many
 * to use, and running them (the caller's thread takes the first share). */
#ifndef EXL_SIDE_BY_SIDE_H
#define EXL_SIDE_BY_SIDE_H

#include <stddef.h>

/* The most shares exl_side_by_side runs. */
#define EXL_SIDE_BY_SIDE_MAX 64

/* How many threads: asked when > 0, else one per online CPU; at most
 * max and most (what the work is worth), at least 1. */
int exl_thread_count(long asked, int max, size_t most);

/* fn on each of the n shares (elements of size bytes at v, n at most
 * EXL_SIDE_BY_SIDE_MAX), the first on this thread, the others on their
 * own; a share whose thread cannot start runs here after the others
 * (work taken from a shared cursor then finds none left). */
void exl_side_by_side(void *(*fn)(void *), void *v, size_t size, size_t n);

#endif
