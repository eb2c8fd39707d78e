/* lock_queue.c - a bounded F_SETLKW (see lock_queue.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>

#include "util/lock_queue.h"

struct waiter {
	int fd;
	int rc, err, done;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* wait_fn: the blocking call; a signal that is not the cancellation
 * only sends it back to the queue. */
static void *wait_fn(void *arg)
{
	struct waiter *w = arg;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int rc;

	do
		rc = fcntl(w->fd, F_SETLKW, &fl);
	while (rc < 0 && errno == EINTR);
	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->err = rc < 0 ? errno : 0;
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* deadline: now + ms on the monotonic clock. */
static int deadline(long ms, struct timespec *at)
{
	if (clock_gettime(CLOCK_MONOTONIC, at) < 0)
		return -1;
	at->tv_sec += ms / 1000;
	at->tv_nsec += (ms % 1000) * 1000000L;
	if (at->tv_nsec >= 1000000000L) {
		at->tv_sec++;
		at->tv_nsec -= 1000000000L;
	}
	return 0;
}

int exl_lock_queue_wait(int fd, long timeout_ms)
{
	struct waiter w = { .fd = fd };
	pthread_condattr_t ca;
	struct timespec at;
	pthread_t t;
	int rc = 1, done;

	if (deadline(timeout_ms, &at) < 0 || pthread_condattr_init(&ca) != 0)
		return 1;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&w.cv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		return 1;
	}
	pthread_condattr_destroy(&ca);
	if (pthread_mutex_init(&w.mu, NULL) != 0) {
		pthread_cond_destroy(&w.cv);
		return 1;
	}
	if (pthread_create(&t, NULL, wait_fn, &w) != 0)
		goto out;
	pthread_mutex_lock(&w.mu);
	while (!w.done &&
	       pthread_cond_timedwait(&w.cv, &w.mu, &at) != ETIMEDOUT)
		;
	done = w.done;
	pthread_mutex_unlock(&w.mu);
	/* past the deadline: the thread leaves the queue; one that got the
	 * lock meanwhile has said so (done, read after the join) and the
	 * lock is ours */
	if (!done)
		pthread_cancel(t);
	pthread_join(t, NULL);
	if (w.done && w.rc == 0)
		rc = 0;
	else
		rc = -1;
out:
	pthread_mutex_destroy(&w.mu);
	pthread_cond_destroy(&w.cv);
	if (rc < 0)
		errno = w.done ? w.err : ETIMEDOUT;
	return rc;
}
