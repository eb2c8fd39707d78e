/* side_by_side.c - work shared among a few threads (see side_by_side.h). */
#include <pthread.h>
#include <unistd.h>

#include "util/side_by_side.h"

int exl_thread_count(long asked, int max, size_t most)
{
	long n = asked > 0 ? asked : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > max)
		n = max;
	if ((size_t)n > most)
		n = (long)most;
	return n > 0 ? (int)n : 1;
}

void exl_side_by_side(void *(*fn)(void *), void *v, size_t size, size_t n)
{
	pthread_t tid[EXL_SIDE_BY_SIDE_MAX];
	int started[EXL_SIDE_BY_SIDE_MAX] = { 0 };
	size_t s;

	if (n > EXL_SIDE_BY_SIDE_MAX)
		n = EXL_SIDE_BY_SIDE_MAX;
	for (s = 1; s < n; s++)
		started[s] = pthread_create(&tid[s], NULL, fn,
					    (char *)v + s * size) == 0;
	fn(v);
	for (s = 1; s < n; s++) {
		if (started[s])
			pthread_join(tid[s], NULL);
		else
			fn((char *)v + s * size);
	}
}
