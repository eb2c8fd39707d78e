/* linklock.c - link(2)-based lock for filesystems without fcntl locks
 * (see linklock.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/linklock.h"
#include "util/sharemode.h"

/* A breaker that stays longer than this died inside its few syscalls. */
#define BREAK_STALE 10

/* boot_id: this boot's id, "" when the kernel doesn't say. */
static void boot_id(char *out, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	out[0] = '\0';
	if (!f)
		return;
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

static void host_name(char *out, size_t len)
{
	if (gethostname(out, len) < 0)
		snprintf(out, len, "unknown");
	out[len - 1] = '\0';
}

/* field: the value of "key=" in text into out ("" when absent). */
static void field(const char *text, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = text;

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, "\n");

			if (n >= len)
				n = len - 1;
			memcpy(out, p + kl + 1, n);
			out[n] = '\0';
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

int exl_linklock_stale(const char *text, time_t mtime, time_t now,
		       const char *host, const char *boot)
{
	char h[256], b[64], pid[32];
	char *end;
	long n;

	field(text, "host", h, sizeof(h));
	field(text, "boot", b, sizeof(b));
	field(text, "pid", pid, sizeof(pid));
	n = strtol(pid, &end, 10);
	if (!h[0] || strcmp(h, host) != 0 || !pid[0] || *end || n <= 0)
		return now - mtime > EXL_LINKLOCK_STALE;
	if (b[0] && boot[0] && strcmp(b, boot) != 0)
		return 1;	/* the holder's machine rebooted since */
	return kill((pid_t)n, 0) < 0 && errno == ESRCH;
}

/* Largest holder file read. */
#define HOLDER_MAX 4096

/* read_small: the holder text of path (malloc'd) and its mtime; NULL when
 * it can't be read (gone meanwhile: errno ENOENT).  Never follows a
 * symlink. */
static char *read_small(const char *path, time_t *mtime)
{
	struct stat st;
	char *buf = malloc(HOLDER_MAX + 1);
	size_t len = 0;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while (len < HOLDER_MAX &&
	       (n = read(fd, buf + len, HOLDER_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			free(buf);
			return NULL;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (mtime)
		*mtime = st.st_mtime;
	return buf;
}

/* write_text: all of text to fd; -1 with errno. */
static int write_text(int fd, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;

	while (len > 0) {
		n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* break_stale: remove held when it still says seen, under the breaker
 * file so that only one waiter breaks it. */
static void break_stale(const char *held, const char *seen)
{
	char *brk = NULL, *now_text;
	struct stat st;
	int fd;

	if (asprintf(&brk, "%s.break", held) < 0)
		return;
	fd = open(brk, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  exl_share_mode(brk, 0644, 0));
	if (fd < 0) {
		if (errno == EEXIST && lstat(brk, &st) == 0 &&
		    time(NULL) - st.st_mtime > BREAK_STALE)
			(void)unlink(brk);	/* its breaker died */
		free(brk);
		return;
	}
	close(fd);
	now_text = read_small(held, NULL);
	if (now_text && strcmp(now_text, seen) == 0)
		(void)unlink(held);
	free(now_text);
	(void)unlink(brk);
	free(brk);
}

/* holder_path: <path>.held, malloc'd. */
static char *holder_path(const char *path)
{
	size_t n = strlen(path) + 6;
	char *h = malloc(n);

	if (h)
		snprintf(h, n, "%s.held", path);
	return h;
}

/* try_link: link a temp file holding text to held.  0 taken, 1 held by
 * someone, -1 error (errno). */
static int try_link(const char *held, const char *text, struct exl_err *err)
{
	size_t tl = strlen(held) + 48;
	char *tmp = malloc(tl);
	struct stat st;
	int fd, rc = 0, saved;

	if (!tmp)
		return exl_errnof(err, ENOMEM, "couldn't lock %s", held);
	snprintf(tmp, tl, "%s.tmp.%ld.%d", held, (long)getpid(),
		 (int)((unsigned)rand() % 100000));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  exl_share_mode(held, 0644, 0));
	if (fd < 0) {
		rc = exl_errnof(err, errno, "couldn't create a temp file for %s",
				held);
		free(tmp);
		return rc;
	}
	if (exl_share_fix_fd(fd, exl_share_mode(held, 0644, 0)) < 0 ||
	    write_text(fd, text) < 0 || close(fd) < 0) {
		saved = errno;
		(void)unlink(tmp);
		free(tmp);
		return exl_errnof(err, saved, "couldn't write %s", held);
	}
	if (link(tmp, held) < 0) {
		saved = errno;
		/* NFS may lose the reply of a link that worked: the link
		 * count tells */
		if (saved != EEXIST && stat(tmp, &st) == 0 && st.st_nlink == 2)
			rc = 0;
		else if (saved == EEXIST)
			rc = 1;
		else
			rc = exl_errnof(err, saved, "couldn't lock %s", held);
	}
	(void)unlink(tmp);
	free(tmp);
	return rc;
}

int exl_linklock_take(const char *path, int timeout_s, char **token,
		      struct exl_err *err)
{
	struct timespec delay = { 0, 10 * 1000 * 1000 };
	time_t deadline = time(NULL) + timeout_s, mtime = 0;
	char host[256], boot[64], *held, *text = NULL, *seen;
	int rc;

	*token = NULL;
	if (!(held = holder_path(path)))
		return exl_errnof(err, ENOMEM, "couldn't lock %s", path);
	host_name(host, sizeof(host));
	boot_id(boot, sizeof(boot));
	if (asprintf(&text, "host=%s\npid=%ld\nboot=%s\ntime=%lld\nnonce=%d\n",
		     host, (long)getpid(), boot, (long long)time(NULL),
		     rand()) < 0) {
		free(held);
		return exl_errnof(err, ENOMEM, "couldn't lock %s", path);
	}
	for (;;) {
		rc = try_link(held, text, err);
		if (rc == 0) {
			*token = text;
			free(held);
			return 0;
		}
		if (rc < 0)
			break;
		seen = read_small(held, &mtime);
		if (seen && exl_linklock_stale(seen, mtime, time(NULL), host,
					       boot)) {
			break_stale(held, seen);
			free(seen);
			continue;
		}
		free(seen);
		if (time(NULL) >= deadline) {
			exl_errf(err, "timed out after %d s waiting for lock %s "
				 "(link lock; holder in %s)", timeout_s, path,
				 held);
			break;
		}
		nanosleep(&delay, NULL);
		if (delay.tv_nsec < 100 * 1000 * 1000)
			delay.tv_nsec += 5 * 1000 * 1000;
	}
	free(text);
	free(held);
	return -1;
}

void exl_linklock_release(const char *path, const char *token)
{
	char *held = holder_path(path);
	char *now_text = held ? read_small(held, NULL) : NULL;

	if (now_text && token && strcmp(now_text, token) == 0)
		(void)unlink(held);
	free(now_text);
	free(held);
}
