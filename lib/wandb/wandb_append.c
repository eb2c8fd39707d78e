/* wandb_append.c - append an exit record to a .wandb file
 * (wandb_append.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fileio.h"
#include "wandb/wandb_append.h"
#include "wandb/wandb_log.h"
#include "wandb/wandb_records.h"
#include "wandb/wandb_write.h"

/* How long to wait for another exp-log process finalizing the same file. */
#define APPEND_LOCK_TIMEOUT_S 30

/* lock_fd: exclusive fcntl lock on the file itself, polled with a bound
 * (the same file may be finalized by exp-run and by the epilog). */
static int lock_fd(int fd, const char *path, struct exl_err *err)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct timespec delay = { 0, 50 * 1000 * 1000 };
	time_t deadline = time(NULL) + APPEND_LOCK_TIMEOUT_S;

	for (;;) {
		if (fcntl(fd, F_SETLK, &fl) == 0)
			return 0;
		if (errno != EACCES && errno != EAGAIN && errno != EINTR)
			return exl_errnof(err, errno, "couldn't lock %s", path);
		if (time(NULL) >= deadline)
			return exl_errf(err, "%s: still locked by another process after %d s",
					path, APPEND_LOCK_TIMEOUT_S);
		nanosleep(&delay, NULL);
	}
}

/* save_tail: copy the torn bytes [from, size) to "<path>.torn-<from>"
 * before they are cut off, so a repair never loses data. */
static int save_tail(int fd, const char *path, uint64_t from, uint64_t size,
		     struct exl_err *err)
{
	size_t len = (size_t)(size - from), got = 0;
	char *side = NULL;
	uint8_t *buf;
	int rc;

	if (size - from > (uint64_t)EXL_WANDB_RECORD_MAX * 2)
		return exl_errf(err, "%s: torn tail of %llu bytes is too large to save",
				path, (unsigned long long)(size - from));
	buf = malloc(len ? len : 1);
	if (!buf || asprintf(&side, "%s.torn-%llu", path,
			     (unsigned long long)from) < 0) {
		free(buf);
		return exl_errnof(err, ENOMEM, "couldn't save the tail of %s", path);
	}
	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(from + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = exl_errnof(err, n < 0 ? errno : EIO,
					"couldn't read the tail of %s", path);
			goto out;
		}
		got += (size_t)n;
	}
	rc = exl_create_exclusive(side, buf, len, 0600, err);
	if (rc == 1)
		rc = exl_errf(err, "%s: exists already; move it away to repair %s",
			      side, path);
out:
	free(side);
	free(buf);
	return rc;
}

/* exit_bytes: the framed exit and final records for a file of size
 * bytes, in one buffer so a single write appends both. */
static uint8_t *exit_bytes(uint64_t size, int code, int runtime,
			   int64_t last_num, size_t *outlen)
{
	int64_t num = last_num > 0 ? last_num + 1 : 0;
	struct exl_wandb_blob e = exl_wandb_enc_exit(code, runtime, num);
	struct exl_wandb_blob f = exl_wandb_enc_final(num ? num + 1 : 0);
	uint8_t *a = NULL, *b = NULL, *out = NULL;
	size_t fa = 0, fb = 0;

	if (e.p && f.p)
		a = exl_wandb_frame(size, e.p, e.len, &fa);
	if (a)
		b = exl_wandb_frame(size + fa, f.p, f.len, &fb);
	if (b && (out = malloc(fa + fb))) {
		memcpy(out, a, fa);
		memcpy(out + fa, b, fb);
		*outlen = fa + fb;
	}
	free(e.p);
	free(f.p);
	free(a);
	free(b);
	return out;
}

/* verdict: decide from the summary whether and how to append. */
static int verdict(const struct exl_wandb_summary *s, const char *path,
		   unsigned flags, struct exl_err *err)
{
	const char *why = s->log.nproblems ? s->log.problems[0] : "";

	if (s->has_exit) {
		exl_errf(err, "%s: already has an exit record (code %d)", path,
			 s->exit_code);
		return EXL_WANDB_ALREADY_FINAL;
	}
	switch (s->log.end) {
	case EXL_WANDB_END_CLEAN:
		break;
	case EXL_WANDB_END_TORN:
		if (flags & EXL_WANDB_REPAIR_TAIL)
			break;
		exl_errf(err, "%s: %s: left untouched (repair not allowed)",
			 path, why);
		return EXL_WANDB_REFUSED_TORN;
	default:
		exl_errf(err, "%s: %s: %s: left untouched", path,
			 exl_wandb_end_name(s->log.end), why);
		return EXL_WANDB_REFUSED_DAMAGED;
	}
	if (!s->has_run) {
		exl_errf(err, "%s: no run record: nothing to finalize", path);
		return EXL_WANDB_REFUSED_NO_RUN;
	}
	return EXL_WANDB_APPENDED;
}

/* append_locked: the work once fd is locked and verified as s says. */
static int append_locked(int fd, const char *path,
			 const struct exl_wandb_summary *s, int code,
			 int runtime, struct exl_err *err)
{
	uint64_t size = s->log.size;
	size_t len = 0;
	uint8_t *buf;

	if (s->log.end == EXL_WANDB_END_TORN) {
		if (save_tail(fd, path, s->log.valid_until, size, err) < 0)
			return -1;
		if (ftruncate(fd, (off_t)s->log.valid_until) < 0)
			return exl_errnof(err, errno, "couldn't cut the torn tail of %s",
					  path);
		size = s->log.valid_until;
	}
	if (runtime < 0) {
		long long d = s->start_time ? (long long)time(NULL) - s->start_time : 0;

		runtime = d > 0 && d < 0x7fffffff ? (int)d : 0;
	}
	buf = exit_bytes(size, code, runtime, s->last_num, &len);
	if (!buf)
		return exl_errnof(err, ENOMEM, "couldn't finalize %s", path);
	if (exl_write_all(fd, buf, len) < 0) {
		int e = errno;

		/* a half-written record would be a torn tail of our making */
		if (ftruncate(fd, (off_t)size) < 0)
			exl_errnof(err, e, "couldn't append to %s, and couldn't cut the partial record back off (offset %llu)",
				   path, (unsigned long long)size);
		else
			exl_errnof(err, e, "couldn't append to %s", path);
		free(buf);
		return -1;
	}
	free(buf);
	if (fsync(fd) < 0)
		return exl_errnof(err, errno, "couldn't sync %s", path);
	return 0;
}

int exl_wandb_append_exit(const char *path, int exit_code, int runtime_s,
			  unsigned flags, struct exl_err *err)
{
	struct exl_wandb_summary s;
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			return exl_errf(err, "%s: is a symlink, refusing to follow it", path);
		return exl_errnof(err, errno, "couldn't open %s", path);
	}
	if (lock_fd(fd, path, err) < 0) {
		close(fd);
		return -1;
	}
	/* the lock is held on this fd: read through it, never reopen */
	if (exl_wandb_summarize_fd(fd, path, &s, err) < 0) {
		close(fd);
		return -1;
	}
	rc = verdict(&s, path, flags, err);
	if (rc == EXL_WANDB_APPENDED) {
		if (fstat(fd, &st) < 0)
			rc = exl_errnof(err, errno, "couldn't stat %s", path);
		else if ((uint64_t)st.st_size != s.log.size)
			rc = exl_errf(err, "%s: grew while being checked: is a W&B process still writing it?",
				      path);
		else
			rc = append_locked(fd, path, &s, exit_code, runtime_s, err);
	}
	exl_wandb_summary_free(&s);
	if (close(fd) < 0 && rc == EXL_WANDB_APPENDED)
		rc = exl_errnof(err, errno, "couldn't close %s", path);
	return rc;
}
