/* Unit tests: work shared among a few threads (util/side_by_side.h). */
#include <pthread.h>
#include <unistd.h>

#include "util/side_by_side.h"
#include "tap.h"

struct share {
	int runs;
	pthread_t who;
};

static void *mark(void *arg)
{
	struct share *s = arg;

	s->runs++;
	s->who = pthread_self();
	return NULL;
}

int main(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct share sh[EXL_SIDE_BY_SIDE_MAX] = { { 0 } };
	size_t i;
	int once = 1;

	is_int(exl_thread_count(3, 8, 100), 3, "as many as asked");
	is_int(exl_thread_count(12, 8, 100), 8, "at most max");
	is_int(exl_thread_count(6, 8, 2), 2, "at most what the work is worth");
	is_int(exl_thread_count(6, 8, 0), 1, "at least one");
	is_int(exl_thread_count(0, 64, 1000), cpus > 64 ? 64 : cpus,
	       "0: one per online CPU");
	exl_side_by_side(mark, sh, sizeof(sh[0]), 4);
	for (i = 0; i < 4; i++)
		once &= sh[i].runs == 1;
	ok(once, "each of 4 shares runs once");
	ok(pthread_equal(sh[0].who, pthread_self()),
	   "the first share on the caller's thread");
	ok(!pthread_equal(sh[1].who, pthread_self()), "the others on their own");
	is_int(sh[4].runs, 0, "nothing past the shares asked");
	exl_side_by_side(mark, sh + 10, sizeof(sh[0]), 1);
	is_int(sh[10].runs, 1, "one share: on this thread only");
	return done_testing();
}
