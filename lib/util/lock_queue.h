/* lock_queue.h - wait in the kernel's queue for an fcntl lock, with a
 * deadline.
 *
 * A waiter that polls a busy lock oversleeps its release or, polling
 * fast, hands the lock to whoever tried last: a burst of array tasks
 * then waits on sleeps and on luck (a 100-task array saw a start wait
 * over a second for a lock held 5 ms at a time).  F_SETLKW waits where
 * the kernel wakes the waiters the moment the lock is free, but it has
 * no deadline, and a signal to bound it would have to be handled in
 * whatever process exp-log runs in.  So a helper thread makes the
 * blocking call and the caller waits for it until the deadline; past it
 * the thread is cancelled (F_SETLKW is a cancellation point) and joined.
 */
#ifndef EXL_LOCK_QUEUE_H
#define EXL_LOCK_QUEUE_H

/* Take a write lock on the whole file fd, waiting at most timeout_ms.
 * Returns 0 when held, 1 when no thread could be started (the caller
 * polls instead), -1 with errno set: ETIMEDOUT past the deadline, else
 * fcntl's own error. */
int exl_lock_queue_wait(int fd, long timeout_ms);

#endif
