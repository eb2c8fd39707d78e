/* telemetry_jsonl.c - bounded .jsonl reading (see telemetry_jsonl.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "telemetry/telemetry_jsonl.h"

#define CHUNK (1u << 20)

struct reader {
	json_tokener *tok;
	exl_jsonl_fn fn;
	void *arg;
	struct exl_jsonl_stats *st;
};

/* One complete line (without its newline). */
static void one_line(struct reader *r, const char *p, size_t len)
{
	json_object *o;

	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' '))
		len--;
	if (len == 0)
		return;
	r->st->lines++;
	if (len > EXL_JSONL_MAX_LINE) {
		r->st->malformed++;
		return;
	}
	json_tokener_reset(r->tok);
	o = json_tokener_parse_ex(r->tok, p, (int)len);
	if (!o || json_tokener_get_error(r->tok) != json_tokener_success ||
	    json_tokener_get_parse_end(r->tok) != len ||
	    !json_object_is_type(o, json_type_object) || r->fn(o, r->arg) < 0)
		r->st->malformed++;
	json_object_put(o);
}

int exl_jsonl_read(const char *path, exl_jsonl_fn fn, void *arg,
		   struct exl_jsonl_stats *st, struct exl_err *err)
{
	struct reader r = { .fn = fn, .arg = arg, .st = st };
	unsigned long long total = 0;
	size_t have = 0, start, i;
	int fd, skipping = 0, rc = 0;
	struct stat sb;
	char *buf;
	ssize_t n;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return exl_errnof(err, errno, "couldn't open %s", path);
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return exl_errf(err, "%s: not a regular file", path);
	}
	buf = malloc(EXL_JSONL_MAX_LINE + CHUNK);
	r.tok = json_tokener_new_ex(EXL_JSON_MAX_DEPTH);
	if (!buf || !r.tok) {
		rc = exl_errf(err, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		n = read(fd, buf + have, EXL_JSONL_MAX_LINE + CHUNK - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = exl_errnof(err, errno, "couldn't read %s", path);
			break;
		}
		if (n == 0 || (total += (size_t)n) > EXL_JSONL_MAX_FILE) {
			st->truncated = n > 0;
			if (have > 0 && !skipping)
				one_line(&r, buf, have);	/* no newline */
			break;
		}
		have += (size_t)n;
		for (start = 0, i = 0; i < have; i++) {
			if (buf[i] != '\n')
				continue;
			if (!skipping)
				one_line(&r, buf + start, i - start);
			skipping = 0;
			start = i + 1;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have >= EXL_JSONL_MAX_LINE) {
			/* A line too long to be ours: drop it to its end. */
			if (!skipping) {
				st->lines++;
				st->malformed++;
			}
			skipping = 1;
			have = 0;
		}
	}
out:
	if (r.tok)
		json_tokener_free(r.tok);
	free(buf);
	close(fd);
	return rc;
}
