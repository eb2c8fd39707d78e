/* outbuf.c - an append-only output buffer (see outbuf.h). */
#include <stdlib.h>
#include <string.h>

#include "util/hugehint.h"
#include "outbuf.h"

static int room(struct rl_out *o, size_t n)
{
	size_t cap;
	char *np;

	if (o->failed)
		return 0;
	if (o->len + n <= o->cap)
		return 1;
	if (o->sink && o->len) {
		if (fwrite(o->p, 1, o->len, o->sink) != o->len) {
			o->failed = 1;
			return 0;
		}
		o->len = 0;
		if (n <= o->cap)
			return 1;
	}
	cap = o->cap ? o->cap : RL_OUT_CHUNK;
	while (cap < o->len + n)
		cap *= 2;
	np = exl_huge_grow(o->p, o->len, cap);
	if (!np) {
		o->failed = 1;
		return 0;
	}
	o->p = np;
	o->cap = cap;
	return 1;
}

void rl_out_mem(struct rl_out *o, const char *s, size_t n)
{
	if (n && room(o, n)) {
		memcpy(o->p + o->len, s, n);
		o->len += n;
	}
}

void rl_out_str(struct rl_out *o, const char *s)
{
	rl_out_mem(o, s, strlen(s));
}

void rl_out_char(struct rl_out *o, char c)
{
	rl_out_mem(o, &c, 1);
}

void rl_out_pad(struct rl_out *o, size_t n)
{
	if (n && room(o, n)) {
		memset(o->p + o->len, ' ', n);
		o->len += n;
	}
}

void rl_out_i64(struct rl_out *o, long long v)
{
	char buf[24], *e = buf + sizeof(buf), *p = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
			       (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	rl_out_mem(o, p, (size_t)(e - p));
}

/* utf8_len: the length of the valid UTF-8 sequence at s, 0 if invalid
 * (run logs are hostile input; JSON must be valid UTF-8). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void rl_out_json_str(struct rl_out *o, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str, *run;

	if (!s) {
		rl_out_mem(o, "null", 4);
		return;
	}
	rl_out_char(o, '"');
	for (run = s; *s; ) {
		size_t n = utf8_len(s);
		char esc[6] = { '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15] };

		if (n > 1 || (n == 1 && *s >= 0x20 && *s != '"' && *s != '\\')) {
			s += n;
			continue;
		}
		rl_out_mem(o, (const char *)run, (size_t)(s - run));
		if (n == 0) {
			rl_out_mem(o, "\\ufffd", 6);	/* not UTF-8 */
		} else if (*s == '"' || *s == '\\') {
			esc[1] = (char)*s;
			rl_out_mem(o, esc, 2);
		} else {
			rl_out_mem(o, esc, 6);
		}
		run = ++s;
	}
	rl_out_mem(o, (const char *)run, (size_t)(s - run));
	rl_out_char(o, '"');
}

int rl_out_flush(struct rl_out *o, FILE *f)
{
	int rc = o->failed ? -1 : 0;

	if (f && !o->failed && o->len && fwrite(o->p, 1, o->len, f) != o->len)
		rc = -1;
	if (f && fflush(f) == EOF)
		rc = -1;
	free(o->p);
	memset(o, 0, sizeof(*o));
	return rc;
}
