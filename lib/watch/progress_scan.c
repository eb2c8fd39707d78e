/* progress_scan.c - incremental reading of a job's output files
 * (see progress.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch/progress.h"

/* Bytes read per pread; more than EXL_LINE_MAX so a line always fits. */
#define CHUNK (256 * 1024)
/* A traceback longer than this many lines is given up on. */
#define TB_MAX_LINES 500
#define TB_START "Traceback (most recent call last):"

/* clean: remove ANSI escape sequences (CSI, OSC, two-byte) in place and
 * turn other control characters into spaces; trailing blanks go.  s[len]
 * must be writable.  Returns the new length. */
static size_t clean(char *s, size_t len)
{
	size_t i = 0, o = 0;
	unsigned char c;

	while (i < len) {
		c = (unsigned char)s[i++];
		if (c != 0x1b) {
			s[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
			continue;
		}
		if (i < len && s[i] == '[') {
			for (i++; i < len; i++)
				if ((unsigned char)s[i] >= 0x40 &&
				    (unsigned char)s[i] <= 0x7e)
					break;
			i++;
		} else if (i < len && s[i] == ']') {
			/* OSC: up to BEL or ESC backslash */
			for (i++; i < len && s[i] != 0x07; i++)
				if (s[i] == 0x1b && i + 1 < len &&
				    s[i + 1] == '\\') {
					i++;
					break;
				}
			i++;
		} else {
			i++;
		}
	}
	while (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
	return o;
}

/* ends_with: s[0..n) ends with suffix. */
static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* exception_line: a line that ends a Python traceback: "Name: message",
 * or a bare Name ending in Error, Exception, Interrupt or Exit, where the
 * last dotted part of Name is CamelCase (RuntimeError,
 * torch.OutOfMemoryError, KeyboardInterrupt; not "INFO:", "wandb:" or a
 * bare "Killed"). */
static int exception_line(const char *s)
{
	const char *start = s, *part = s;
	int lower = 0;
	size_t n;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	for (; isalnum((unsigned char)*s) || *s == '_' || *s == '.'; s++) {
		if (*s == '.') {
			part = s + 1;
			lower = 0;
		} else if (islower((unsigned char)*s)) {
			lower = 1;
		}
	}
	if (!isupper((unsigned char)*part) || !lower)
		return 0;
	n = (size_t)(s - start);
	if (*s == ':')
		return 1;
	return *s == '\0' && (ends_with(start, n, "Error") ||
			      ends_with(start, n, "Exception") ||
			      ends_with(start, n, "Interrupt") ||
			      ends_with(start, n, "Exit"));
}

/* check_errors: follow tracebacks and match the error patterns. */
static void check_errors(struct exl_progress *p, enum exl_src_kind kind,
			 const char *line, time_t t)
{
	struct exl_progress_src *src = &p->src[kind];
	const char *tb = strstr(line, TB_START), *rest;
	size_t pl;

	if (tb) {
		pl = (size_t)(tb - line);
		if (pl >= sizeof(src->tb_prefix))
			pl = 0;
		memcpy(src->tb_prefix, line, pl);
		src->tb_prefix[pl] = '\0';
		src->in_traceback = 1;
		src->tb_lines = 0;
		return;
	}
	if (src->in_traceback) {
		pl = strlen(src->tb_prefix);
		rest = strncmp(line, src->tb_prefix, pl) == 0 ? line + pl : line;
		if (exception_line(rest)) {
			src->in_traceback = 0;
			exl_progress_add_error(p, kind, EXL_ERR_TRACEBACK, rest, t);
			return;
		}
		if (++src->tb_lines > TB_MAX_LINES)
			src->in_traceback = 0;
	}
	if (exl_patterns_error(p->pat, line) >= 0)
		exl_progress_add_error(p, kind, EXL_ERR_MATCH, line, t);
}

static void process_line(struct exl_progress *p, enum exl_src_kind kind,
			 char *line, size_t len, time_t t)
{
	struct exl_progress_src *src = &p->src[kind];
	struct exl_line_facts f;
	const char *s;
	int found;

	len = clean(line, len);
	for (s = line; *s == ' '; s++)
		;
	if (!*s)
		return;
	src->lines++;
	found = *s == '{' && exl_jsonl_match(s, len - (size_t)(s - line), &f);
	if (!found && kind != EXL_SRC_METRICS)
		found = exl_patterns_match(p->pat, s, &f);
	if (found) {
		src->matched++;
		exl_progress_record(p, kind, &f, t);
	}
	if (kind != EXL_SRC_METRICS)
		check_errors(p, kind, line, t);
}

static void rewind_src(struct exl_progress_src *src)
{
	src->offset = 0;
	src->skipping = 0;
	src->head_len = 0;
	src->in_traceback = 0;
	src->tb_lines = 0;
	src->tb_prefix[0] = '\0';
}

/* same_head: the file still starts with the bytes seen before. */
static int same_head(const struct exl_progress_src *src, int fd)
{
	unsigned char now[sizeof(src->head)];
	ssize_t n;

	if (src->head_len == 0)
		return 1;
	do
		n = pread(fd, now, src->head_len, 0);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)src->head_len &&
	       memcmp(now, src->head, src->head_len) == 0;
}

/* locate: decide where to read path from: where the last scan stopped,
 * or the start when it is another file than the one read before. */
static int locate(struct exl_progress_src *src, const char *path, int fd,
		  const struct stat *st, struct exl_err *err)
{
	char *copy;

	if (!src->path || strcmp(src->path, path) != 0) {
		copy = strdup(path);
		if (!copy)
			return exl_errnof(err, ENOMEM, "couldn't scan %s", path);
		free(src->path);
		src->path = copy;
		rewind_src(src);
	} else if (src->dev != (unsigned long long)st->st_dev ||
		   src->ino != (unsigned long long)st->st_ino ||
		   st->st_size < src->offset || !same_head(src, fd)) {
		rewind_src(src);
	}
	src->dev = (unsigned long long)st->st_dev;
	src->ino = (unsigned long long)st->st_ino;
	return 0;
}

static void update_head(struct exl_progress_src *src, int fd)
{
	ssize_t n;

	if (src->head_len == sizeof(src->head))
		return;
	do
		n = pread(fd, src->head, sizeof(src->head), 0);
	while (n < 0 && errno == EINTR);
	src->head_len = n > 0 ? (size_t)n : 0;
}

/* split: hand every complete line in buf[0..fill) to process_line.
 * Returns the number of bytes consumed (up to the last line end). */
static size_t split(struct exl_progress *p, enum exl_src_kind kind,
		    char *buf, size_t fill, time_t t)
{
	struct exl_progress_src *src = &p->src[kind];
	size_t start = 0, i;

	for (i = 0; i < fill; i++) {
		if (buf[i] != '\n' && buf[i] != '\r')
			continue;
		if (src->skipping)
			src->skipping = 0;
		else if (i - start > EXL_LINE_MAX)
			src->long_lines++;
		else
			process_line(p, kind, buf + start, i - start, t);
		start = i + 1;
	}
	return start;
}

/* read_new: read from src->offset to the end of the file (at most
 * p->scan_max bytes).  Returns 0, 2 at the byte cap, -1 on error. */
static int read_new(struct exl_progress *p, enum exl_src_kind kind, int fd,
		    const char *path, time_t t, struct exl_err *err)
{
	struct exl_progress_src *src = &p->src[kind];
	long long pos = src->offset;
	long long budget = p->scan_max > 0 ? p->scan_max : EXL_SCAN_MAX;
	size_t fill = 0, used, want;
	char *buf = malloc(CHUNK);
	ssize_t n;
	int rc = 0;

	if (!buf)
		return exl_errnof(err, ENOMEM, "couldn't scan %s", path);
	for (;;) {
		want = CHUNK - fill;
		if ((long long)want > budget)
			want = (size_t)budget;
		if (want == 0) {
			rc = 2;
			break;
		}
		n = pread(fd, buf + fill, want, (off_t)(pos + (long long)fill));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = exl_errnof(err, errno, "couldn't read %s", path);
			break;
		}
		if (n == 0) {
			/* the final scan: what the program wrote last,
			 * newline or not (buf has room for the NUL) */
			if (p->at_end && fill > 0 && !src->skipping) {
				process_line(p, kind, buf, fill, t);
				if (t > p->last_output)
					p->last_output = t;
				pos += (long long)fill;
			}
			break;
		}
		budget -= n;
		fill += (size_t)n;
		used = split(p, kind, buf, fill, t);
		if (used > 0 && t > p->last_output)
			p->last_output = t;
		memmove(buf, buf + used, fill - used);
		pos += (long long)used;
		fill -= used;
		if (fill > EXL_LINE_MAX) {
			if (!src->skipping)
				src->long_lines++;
			src->skipping = 1;
			pos += (long long)fill;
			fill = 0;
		}
	}
	src->offset = pos;
	free(buf);
	return rc;
}

int exl_progress_scan(struct exl_progress *p, const char *path,
		      enum exl_src_kind kind, time_t now, struct exl_err *err)
{
	struct stat st;
	time_t t;
	int fd, rc;

	if ((unsigned int)kind >= EXL_SRC_COUNT)
		return exl_errf(err, "%s: unknown kind of file (%d)", path,
				(int)kind);
	if (!p->started)
		p->started = now;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		if (errno == ELOOP)
			return exl_errf(err, "%s: is a symlink, refusing to follow it",
					path);
		return exl_errnof(err, errno, "couldn't open %s", path);
	}
	if (fstat(fd, &st) < 0) {
		rc = exl_errnof(err, errno, "couldn't stat %s", path);
	} else if (!S_ISREG(st.st_mode)) {
		rc = exl_errf(err, "%s: not a regular file", path);
	} else if (locate(&p->src[kind], path, fd, &st, err) < 0) {
		rc = -1;
	} else {
		/* lines were written at the latest when the file changed */
		t = st.st_mtime < now ? st.st_mtime : now;
		rc = read_new(p, kind, fd, path, t, err);
		update_head(&p->src[kind], fd);
	}
	close(fd);
	return rc;
}
