/* fileio.c - atomic writes, locks, no-follow opens (see fileio.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/hugehint.h"
#include "util/fileio.h"
#include "util/linklock.h"
#include "util/lock_queue.h"
#include "util/sharemode.h"

int exl_path_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(path, dir, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

char *exl_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (dl == 0 || dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

int exl_path_resolve(const char *base, const char *path, char *out,
		     size_t len)
{
	int n;

	if (path[0] == '/')
		n = snprintf(out, len, "%s", path);
	else
		n = snprintf(out, len, "%s/%s", base, path);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

char *exl_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, slash - path);
}

const char *exl_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int exl_read_file(const char *path, size_t max, char **bufp, size_t *lenp,
		  struct exl_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	ssize_t n;
	int fd;

	*bufp = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			return exl_errf(err, "%s: is a symlink, refusing to follow it", path);
		return exl_errnof(err, errno, "couldn't open %s", path);
	}
	if (fstat(fd, &st) < 0) {
		exl_errnof(err, errno, "couldn't stat %s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		exl_errf(err, "%s: not a regular file", path);
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		exl_errf(err, "%s: too large (%lld bytes, limit %zu)", path,
			 (long long)st.st_size, max);
		goto fail;
	}
	/* room for the read that sees the end, so a file that does not
	 * change is read without growing the buffer */
	cap = (size_t)st.st_size + 2;
	buf = exl_huge_alloc(cap);
	if (!buf) {
		exl_errnof(err, ENOMEM, "couldn't read %s", path);
		goto fail;
	}
	for (;;) {
		if (len + 1 >= cap) {
			char *nb;

			if (cap > max + 1) {
				exl_errf(err, "%s: grew past %zu bytes while read", path, max);
				goto fail;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				exl_errnof(err, ENOMEM, "couldn't read %s", path);
				goto fail;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			exl_errnof(err, errno, "couldn't read %s", path);
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	*bufp = buf;
	if (lenp)
		*lenp = len;
	return 0;
fail:
	free(buf);
	close(fd);
	return -1;
}

int exl_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync_dir: make a rename or link in path's directory durable. */
static int fsync_dir(const char *path)
{
	char *dir = exl_dirname(path);
	int fd, rc = 0;

	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

/* write_temp_how: write buf into a fresh temp file beside path, synced
 * when durable.  Returns the malloc'd temp name, or NULL with err set
 * (and no temp left behind). */
static char *write_temp_how(const char *path, const void *buf, size_t len,
			    mode_t mode, int durable, struct exl_err *err)
{
	size_t tl = strlen(path) + 32;
	char *tmp = malloc(tl);
	int fd = -1, i;

	if (!tmp) {
		exl_errnof(err, ENOMEM, "couldn't write %s", path);
		return NULL;
	}
	for (i = 0; i < 100; i++) {
		snprintf(tmp, tl, "%s.tmp.%ld.%d", path, (long)getpid(),
			 (int)((unsigned)rand() % 100000));
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		exl_errnof(err, errno, "couldn't create a temp file for %s", path);
		free(tmp);
		return NULL;
	}
	if (fchmod(fd, mode) < 0 || exl_write_all(fd, buf, len) < 0 ||
	    (durable && fsync(fd) < 0)) {
		exl_errnof(err, errno, "couldn't write %s", path);
		close(fd);
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	if (close(fd) < 0) {
		exl_errnof(err, errno, "couldn't write %s", path);
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	return tmp;
}

/* replace_target: may path be replaced by a new file (a regular file,
 * or none: never through a symlink)?  1 when it exists (*mode becomes
 * its mode), 0 when it does not, -1 with err set. */
static int replace_target(const char *path, mode_t *mode, struct exl_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return exl_errnof(err, errno, "couldn't stat %s", path);
	}
	if (S_ISLNK(st.st_mode))
		return exl_errf(err, "%s: is a symlink, refusing to write through it", path);
	if (!S_ISREG(st.st_mode))
		return exl_errf(err, "%s: not a regular file", path);
	*mode = st.st_mode & 07777;
	return 1;
}

int exl_write_atomic(const char *path, const void *buf, size_t len,
		     mode_t mode, struct exl_err *err)
{
	return exl_write_atomic_unless(path, buf, len, mode, NULL, NULL, err);
}

/* retire: the file at tmp is done with: it becomes the spare (the next
 * write's temp file) when there is one, else it goes. */
static void retire(const char *tmp, const char *spare)
{
	if (spare && strcmp(tmp, spare) == 0)
		return;
	if (!spare || rename(tmp, spare) < 0)
		unlink(tmp);
}

/* swap_in: put tmp in path's place with one exchange, so the file that
 * was there is kept (at tmp) and can be looked at.  A save that landed
 * after changed() last said no is then found on the displaced file and
 * put back: 0 done, 1 put back (the caller redoes its change), -1 error;
 * -2 when the filesystem cannot exchange or, with no changed (NULL:
 * the caller only wants the spare), path is gone (the caller renames).
 * The displaced file is retired to spare (may be NULL). */
static int swap_in(const char *tmp, const char *path,
		   int (*changed)(void *arg, const char *path), void *arg,
		   const char *spare, struct exl_err *err)
{
	struct stat mine, back;

	if (lstat(tmp, &mine) < 0)
		return exl_errnof(err, errno, "couldn't stat %s", tmp);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) < 0) {
		if (errno == ENOENT && !changed)
			return -2;
		if (errno == ENOENT) {
			/* removed since it was loaded: a change too */
			unlink(tmp);
			return 1;
		}
		if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)
			return -2;
		exl_errnof(err, errno, "couldn't replace %s", path);
		unlink(tmp);
		return -1;
	}
	if (!changed || !changed(arg, tmp)) {
		retire(tmp, spare);	/* the version the caller changed */
		return 0;
	}
	/* a person's save slipped in: theirs goes back in place */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) < 0)
		return exl_errnof(err, errno, "couldn't put back %s", path);
	if (lstat(tmp, &back) == 0 &&
	    (back.st_dev != mine.st_dev || back.st_ino != mine.st_ino)) {
		/* a second save landed on ours meanwhile: the later wins */
		if (rename(tmp, path) < 0)
			return exl_errnof(err, errno, "couldn't put back %s",
					  path);
		return 1;
	}
	retire(tmp, spare);
	return 1;
}

/* write_spare: buf into the spare file (exl_write_atomic_spare), synced
 * when durable, after path's directory.  Only a spare that is this
 * user's own regular file with one link, on path's filesystem, is
 * written; anything else there is removed (best effort) and NULL
 * returned: the caller takes a fresh temp file.  Returns the spare's
 * name (malloc'd) or NULL. */
static char *write_spare(const char *spare, const char *path,
			 const void *buf, size_t len, mode_t mode, int durable)
{
	struct stat st, target;
	int fd = open(spare, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char *name;

	if (fd < 0) {
		if (errno != ENOENT)
			unlink(spare);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid() || lstat(path, &target) < 0 ||
	    st.st_dev != target.st_dev) {
		close(fd);
		unlink(spare);
		return NULL;
	}
	/* the spare was path's version before the last exchange: path's
	 * directory goes to disk first, so no crash can leave path naming
	 * the file rewritten here (durable only: exl_write_replace's files
	 * may come back old, empty or missing anyway) */
	if ((durable && fsync_dir(path) < 0) ||
	    ftruncate(fd, 0) < 0 || fchmod(fd, mode) < 0 ||
	    exl_write_all(fd, buf, len) < 0 || (durable && fsync(fd) < 0)) {
		close(fd);
		return NULL;
	}
	if (close(fd) < 0 || !(name = strdup(spare)))
		return NULL;
	return name;
}

/* write_atomic_how: exl_write_atomic_spare, with the temp file and a new
 * name synced when durable (exl_write_replace: neither). */
static int write_atomic_how(const char *path, const char *spare,
			    const void *buf, size_t len, mode_t mode,
			    int (*changed)(void *arg, const char *path),
			    void *arg, int durable, struct exl_err *err)
{
	char *tmp = NULL;
	int rc, existed;

	existed = replace_target(path, &mode, err);
	if (existed < 0)
		return -1;
	/* in a team root the group keeps write access, whoever wrote last */
	mode = exl_share_mode(path, mode, 0);
	/* a spare is swapped in, never renamed over a new name */
	if (!existed)
		spare = NULL;
	if (spare)
		tmp = write_spare(spare, path, buf, len, mode, durable);
	if (!tmp)
		tmp = write_temp_how(path, buf, len, mode, durable, err);
	if (!tmp)
		return -1;
	/* the slow part (write, fsync) is done: look once more, then swap */
	if (changed && changed(arg, path)) {
		retire(tmp, spare);
		free(tmp);
		return 1;
	}
	rc = changed || spare ? swap_in(tmp, path, changed, arg, spare, err) :
	     -2;
	if (rc == -2 && rename(tmp, path) < 0) {
		exl_errnof(err, errno, "couldn't replace %s", path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	if (rc == -1)
		return -1;
	/* a new name must reach the disk; a replaced file's old version
	 * stays whole until the rename does (old or new after a crash) */
	if (durable && !existed && fsync_dir(path) < 0)
		return exl_errnof(err, errno, "couldn't sync the directory of %s", path);
	return rc == 1 ? 1 : 0;
}

int exl_write_atomic_unless(const char *path, const void *buf, size_t len,
			    mode_t mode,
			    int (*changed)(void *arg, const char *path),
			    void *arg, struct exl_err *err)
{
	return write_atomic_how(path, NULL, buf, len, mode, changed, arg, 1,
				err);
}

int exl_write_atomic_spare(const char *path, const char *spare,
			   const void *buf, size_t len, mode_t mode,
			   int (*changed)(void *arg, const char *path),
			   void *arg, struct exl_err *err)
{
	return write_atomic_how(path, spare, buf, len, mode, changed, arg, 1,
				err);
}

int exl_write_replace(const char *path, const void *buf, size_t len,
		      mode_t mode, struct exl_err *err)
{
	return write_atomic_how(path, NULL, buf, len, mode, NULL, NULL, 0, err);
}

int exl_sync_dir_of(const char *path, struct exl_err *err)
{
	if (fsync_dir(path) < 0)
		return exl_errnof(err, errno, "couldn't sync the directory of %s",
				  path);
	return 0;
}

int exl_rewrite(const char *dir, const char *name, exl_rewrite_fn edit,
		void *arg, struct exl_err *err)
{
	return exl_rewrite_spare(dir, name, NULL, edit, arg, err);
}

int exl_rewrite_spare(const char *dir, const char *name, const char *spare,
		      exl_rewrite_fn edit, void *arg, struct exl_err *err)
{
	char *path = exl_path_join(dir, name), *old = NULL, *new = NULL;
	int changed = 0, rc = -1;

	if (!path)
		return exl_errnof(err, ENOMEM, "couldn't update %s", name);
	if (exl_read_file(path, EXL_READ_MAX, &old, NULL, err) < 0) {
		if (errno != ENOENT)
			goto out;
		old = NULL;
	}
	new = edit(old, arg, &changed, err);
	if (new)
		rc = changed ? exl_write_atomic_spare(path, spare, new,
						      strlen(new), 0644, NULL,
						      NULL, err) : 0;
out:
	free(old);
	free(new);
	free(path);
	return rc;
}

int exl_sync_path(const char *path, struct exl_err *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc;

	if (fd < 0)
		return exl_errnof(err, errno, "couldn't sync %s", path);
	rc = fsync(fd);
	if (rc < 0)
		exl_errnof(err, errno, "couldn't sync %s", path);
	close(fd);
	return rc < 0 ? -1 : exl_sync_dir_of(path, err);
}

/* create_exclusive: buf at path unless path exists (0, 1), through a temp
 * file synced first when durable, and link(2). */
static int create_exclusive(const char *path, const void *buf, size_t len,
			    mode_t mode, int durable, struct exl_err *err)
{
	char *tmp = write_temp_how(path, buf, len,
				   exl_share_mode(path, mode, 0), durable, err);
	int rc = 0;

	if (!tmp)
		return -1;
	if (link(tmp, path) < 0) {
		if (errno == EEXIST)
			rc = 1;
		else
			rc = exl_errnof(err, errno, "couldn't create %s", path);
	}
	unlink(tmp);
	free(tmp);
	return rc;
}

int exl_create_exclusive_unsynced(const char *path, const void *buf,
				  size_t len, mode_t mode, struct exl_err *err)
{
	return create_exclusive(path, buf, len, mode, 0, err);
}

int exl_create_exclusive(const char *path, const void *buf, size_t len,
			 mode_t mode, struct exl_err *err)
{
	int rc = create_exclusive(path, buf, len, mode, 1, err);

	if (rc == 0 && exl_sync_dir_of(path, err) < 0)
		return -1;
	return rc;
}

/* The link locks held by this process, by the fd exl_lock returned. */
#define LINK_HELD_MAX 16
static struct {
	int fd;
	char *path, *token;
} link_held[LINK_HELD_MAX];
static pthread_mutex_t link_mu = PTHREAD_MUTEX_INITIALIZER;
static int lock_kind_seen;	/* EXL_LOCK_FCNTL or EXL_LOCK_LINK */
static double lock_wait_max_ms;	/* the longest exl_lock wait here */

/* note_wait: the fcntl lock came after waiting since *t0 (when waited:
 * the first try failed). */
static void note_wait(const struct timespec *t0, int waited)
{
	struct timespec t1;
	double ms;

	if (!waited || clock_gettime(CLOCK_MONOTONIC, &t1) < 0)
		return;
	ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
	if (ms > lock_wait_max_ms)
		lock_wait_max_ms = ms;
}

/* fcntl_missing: errno of an F_SETLK that says the filesystem has no
 * fcntl locks at all (rather than that someone holds the lock). */
static int fcntl_missing(int e)
{
	return e == ENOLCK || e == ENOSYS || e == EOPNOTSUPP;
}

/* link_fallback: take the link lock beside lockpath and remember it under
 * fd (the open lock file, kept as the handle). */
static int link_fallback(int fd, const char *lockpath, int timeout_s,
			 struct exl_err *err)
{
	char *token = NULL, *path = strdup(lockpath);
	int i;

	if (!path) {
		close(fd);
		return exl_errnof(err, ENOMEM, "couldn't lock %s", lockpath);
	}
	if (exl_linklock_take(lockpath, timeout_s, &token, err) < 0) {
		free(path);
		close(fd);
		return -1;
	}
	pthread_mutex_lock(&link_mu);
	for (i = 0; i < LINK_HELD_MAX && link_held[i].path; i++)
		;
	if (i < LINK_HELD_MAX) {
		link_held[i].fd = fd;
		link_held[i].path = path;
		link_held[i].token = token;
	}
	pthread_mutex_unlock(&link_mu);
	if (i == LINK_HELD_MAX) {
		exl_linklock_release(lockpath, token);
		free(token);
		free(path);
		close(fd);
		return exl_errf(err, "couldn't lock %s: too many locks held",
				lockpath);
	}
	lock_kind_seen = EXL_LOCK_LINK;
	return fd;
}

/* Where no thread can wait in the kernel's queue (lock_queue.h), the
 * lock is polled: each retry comes after a quarter of
 * the time waited so far, at least EXL_LOCK_POLL_MIN_US and at most
 * EXL_LOCK_POLL_MAX_US apart.  A writer holds a lock for milliseconds,
 * so a waiter looks again within about that time and never oversleeps
 * by more than a quarter of its wait: a burst of array tasks queues on
 * the lock, not on sleeps.  A long wait (a network filesystem's lock
 * daemon) settles at a few tries a second. */
#define EXL_LOCK_POLL_MIN_US 250
#define EXL_LOCK_POLL_MAX_US (50 * 1000)

/* poll_sleep: sleep before the next try, having waited since t0. */
static void poll_sleep(const struct timespec *t0)
{
	struct timespec now, d;
	long long waited_us = 0, us;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == 0)
		waited_us = (now.tv_sec - t0->tv_sec) * 1000000LL +
			    (now.tv_nsec - t0->tv_nsec) / 1000;
	us = waited_us / 4;
	if (us < EXL_LOCK_POLL_MIN_US)
		us = EXL_LOCK_POLL_MIN_US;
	if (us > EXL_LOCK_POLL_MAX_US)
		us = EXL_LOCK_POLL_MAX_US;
	d.tv_sec = (time_t)(us / 1000000);
	d.tv_nsec = (long)(us % 1000000) * 1000;
	nanosleep(&d, NULL);
}

int exl_lock(const char *lockpath, int timeout_s, struct exl_err *err)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	time_t deadline = time(NULL) + timeout_s;
	mode_t mode = exl_share_mode(lockpath, 0644, 0);
	struct timespec t0 = { 0, 0 };
	int fd, rc, waited = 0;

	fd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == ELOOP)
			return exl_errf(err, "%s: is a symlink, refusing to lock through it", lockpath);
		if (errno == EACCES)
			return exl_errnof(err, errno, "couldn't open lock file %s "
					  "(in a team root it must be group-writable: "
					  "run 'runlog lint --fix')", lockpath);
		return exl_errnof(err, errno, "couldn't open lock file %s", lockpath);
	}
	/* the umask must not keep the other members out of a team lock */
	if (exl_share_fix_fd(fd, mode) < 0) {
		exl_errnof(err, errno, "couldn't make lock file %s group-writable",
			   lockpath);
		close(fd);
		return -1;
	}
	/* One try; a busy lock is waited for in the kernel's queue with a
	 * deadline (lock_queue.h), or polled where that cannot be. */
	for (;;) {
		if (fcntl(fd, F_SETLK, &fl) == 0) {
			lock_kind_seen = EXL_LOCK_FCNTL;
			note_wait(&t0, waited);
			return fd;
		}
		if (fcntl_missing(errno))
			return link_fallback(fd, lockpath, timeout_s, err);
		if (errno != EACCES && errno != EAGAIN && errno != EINTR) {
			exl_errnof(err, errno, "couldn't lock %s", lockpath);
			close(fd);
			return -1;
		}
		if (!waited) {
			waited = clock_gettime(CLOCK_MONOTONIC, &t0) == 0;
			rc = exl_lock_queue_wait(fd, timeout_s * 1000L);
			if (rc == 0) {
				lock_kind_seen = EXL_LOCK_FCNTL;
				note_wait(&t0, waited);
				return fd;
			}
			if (rc < 0 && errno == ETIMEDOUT)
				deadline = 0;	/* said below */
			else if (rc < 0) {
				exl_errnof(err, errno, "couldn't lock %s",
					   lockpath);
				close(fd);
				return -1;
			}
		}
		if (time(NULL) >= deadline) {
			exl_errf(err, "timed out after %d s waiting for lock %s",
				 timeout_s, lockpath);
			close(fd);
			return -1;
		}
		poll_sleep(&t0);
	}
}

double exl_lock_longest_wait_ms(void)
{
	return lock_wait_max_ms;
}

int exl_lock_kind(void)
{
	return lock_kind_seen;
}

const char *exl_lock_kind_name(int kind)
{
	switch (kind) {
	case EXL_LOCK_FCNTL:
		return "fcntl";
	case EXL_LOCK_LINK:
		return "link file (the filesystem has no fcntl locks)";
	default:
		return "none taken";
	}
}

void exl_unlock(int fd)
{
	int i;

	if (fd < 0)
		return;
	pthread_mutex_lock(&link_mu);
	for (i = 0; i < LINK_HELD_MAX; i++) {
		if (link_held[i].path && link_held[i].fd == fd) {
			exl_linklock_release(link_held[i].path,
					     link_held[i].token);
			free(link_held[i].path);
			free(link_held[i].token);
			link_held[i].path = link_held[i].token = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&link_mu);
	close(fd);	/* closing drops the fcntl lock */
}

/* share_new_dir: a directory just made at p gets the group bits of a team
 * root back when the umask took them (opened without following links). */
static int share_new_dir(const char *p, mode_t mode)
{
	mode_t want = exl_share_mode(p, mode, 1);
	int fd, rc;

	if (!(want & S_IWGRP))
		return 0;
	fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = exl_share_fix_fd(fd, want);
	close(fd);
	return rc;
}

int exl_mkdir_p(const char *path, mode_t mode, struct exl_err *err)
{
	char *p = strdup(path), *s;
	struct stat st;
	int rc = 0;

	if (!p)
		return exl_errnof(err, ENOMEM, "couldn't create %s", path);
	/* the common case, a directory that is there: one lstat (the walk
	 * below costs three calls per component) */
	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		free(p);
		return 0;
	}
	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, exl_share_mode(p, mode, 1)) == 0) {
			if (share_new_dir(p, mode) < 0) {
				rc = exl_errnof(err, errno, "couldn't set the mode of %s", p);
				break;
			}
		} else if (errno != EEXIST) {
			rc = exl_errnof(err, errno, "couldn't create directory %s", p);
			break;
		}
		if (lstat(p, &st) < 0) {
			rc = exl_errnof(err, errno, "couldn't stat %s", p);
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			/* Symlinks are tolerated above the last component
			 * (sites link /scratch and the like); the last one
			 * must be a real directory. */
			if (!(S_ISLNK(st.st_mode) && c != '\0' && stat(p, &st) == 0 &&
			      S_ISDIR(st.st_mode))) {
				rc = exl_errf(err, "%s: exists and is not a directory%s", p,
					      S_ISLNK(st.st_mode) ? " (a symlink)" : "");
				break;
			}
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

int exl_copy_file(const char *src, const char *dst, size_t max,
		  struct exl_err *err)
{
	char *buf;
	size_t len;
	int rc;

	if (exl_read_file(src, max, &buf, &len, err) < 0)
		return -1;
	rc = exl_write_atomic(dst, buf, len, 0644, err);
	free(buf);
	return rc;
}
