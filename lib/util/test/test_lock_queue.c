/* Unit tests: waiting in the kernel's queue for an fcntl lock, with a
 * deadline (util/lock_queue.h).  Another process holds the lock: the
 * wait ends with the lock once it lets go, or with ETIMEDOUT past the
 * deadline, and then leaves no lock behind. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "tmpdir.h"
#include "util/lock_queue.h"

/* holder: a process that locks path, says so on a pipe, holds it for
 * ms milliseconds (-1: until killed), then exits. */
static pid_t holder(const char *path, int ms)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int p[2], fd;
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		fd = open(path, O_RDWR | O_CREAT, 0644);
		if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0 ||
		    write(p[1], "x", 1) != 1)
			_exit(1);
		if (ms < 0)
			pause();
		usleep((useconds_t)ms * 1000);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

/* free_for_others: can another process take the lock now? */
static int free_for_others(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(path, O_RDWR);

		_exit(fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0 ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

int main(void)
{
	char dir[256], path[300];
	int fd, rc, st, i;
	pid_t h;

	if (!tmpdir_make(dir, sizeof(dir)))
		return 1;
	snprintf(path, sizeof(path), "%s/g.lock", dir);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	ok(fd >= 0, "lock file");

	/* free: taken at once */
	is_int(exl_lock_queue_wait(fd, 1000), 0, "a free lock is taken");
	ok(!free_for_others(path), "and is ours");
	close(fd);

	/* held 0.2 s by another process: ours once it lets go */
	for (i = 0; i < 3; i++) {
		h = holder(path, 200);
		fd = open(path, O_RDWR);
		rc = exl_lock_queue_wait(fd, 5000);
		is_int(rc, 0, "try %d: taken after the holder let go", i + 1);
		ok(h > 0 && waitpid(h, &st, 0) == h && WIFEXITED(st) &&
		   WEXITSTATUS(st) == 0, "try %d: the holder had it, then let go",
		   i + 1);
		ok(!free_for_others(path), "try %d: ours now", i + 1);
		close(fd);
	}

	/* held for good: ETIMEDOUT, and nothing left held */
	h = holder(path, -1);
	fd = open(path, O_RDWR);
	errno = 0;
	rc = exl_lock_queue_wait(fd, 300);
	ok(rc == -1 && errno == ETIMEDOUT, "a held lock times out: rc %d, %s",
	   rc, strerror(errno));
	if (h > 0) {
		kill(h, SIGKILL);
		waitpid(h, NULL, 0);
	}
	ok(free_for_others(path), "the cancelled wait holds nothing");
	close(fd);

	/* a bad descriptor is fcntl's error, not a timeout */
	errno = 0;
	rc = exl_lock_queue_wait(-1, 300);
	ok(rc == -1 && errno == EBADF, "bad fd: %s", strerror(errno));

	tmpdir_remove(dir);
	return done_testing();
}
