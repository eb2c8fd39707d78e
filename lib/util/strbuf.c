/* strbuf.c - growable printf strings (see strbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

void exl_sb_printf(struct exl_sb *b, const char *fmt, ...)
{
	va_list ap;
	size_t cap;
	char *np;
	int n;

	if (b->failed)
		return;
	if (!b->p) {
		b->p = malloc(256);
		if (!b->p) {
			b->failed = 1;
			return;
		}
		b->cap = 256;
		b->p[0] = '\0';
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		cap = (b->cap + (size_t)n) * 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
}

char *exl_sb_take(struct exl_sb *b, size_t *lenp)
{
	char *p = b->p;

	if (b->failed || !p) {
		free(p);
		p = b->failed ? NULL : strdup("");
		if (lenp)
			*lenp = 0;
	} else if (lenp) {
		*lenp = b->len;
	}
	memset(b, 0, sizeof(*b));
	return p;
}

void exl_sb_free(struct exl_sb *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int exl_sb_copy_out(struct exl_sb *b, char *buf, size_t len)
{
	char *text = exl_sb_take(b, NULL);
	int rc = 0;

	if (len)
		buf[0] = '\0';
	if (!text)
		return -1;
	if (len && snprintf(buf, len, "%s", text) >= (int)len)
		rc = -1;
	free(text);
	return rc;
}
