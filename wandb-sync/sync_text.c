/* sync_text.c - clean child output, redact the key, find the URL
 * (sync_text.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync_text.h"

static const char redacted[] = "[redacted]";

/* strip_escapes: drop ANSI escape sequences and NULs, make '\r' a
 * newline; in place. */
static void strip_escapes(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r == '\033') {
			r++;
			if (*r == '[') {	/* CSI: parameters, final byte */
				r++;
				while (*r && !(*r >= 0x40 && *r <= 0x7e))
					r++;
			}
			if (*r)
				r++;
			continue;
		}
		*w++ = *r == '\r' ? '\n' : *r;
		r++;
	}
	*w = '\0';
}

/* redact: a copy of s with secret replaced; also a tail piece of the
 * secret (4 bytes or more) that the start of s cut off. */
static char *redact(const char *s, const char *secret)
{
	size_t sl = secret ? strlen(secret) : 0, n = 0, cap, k;
	const char *p = s, *hit;
	char *out;

	cap = strlen(s) + sizeof(redacted) + 1;
	if (sl)	/* each hit is at least sl bytes, replaced by fewer or more */
		cap += (strlen(s) / sl + 1) * sizeof(redacted);
	out = malloc(cap);
	if (!out)
		return NULL;
	for (k = sl > 4 ? sl - 1 : 0; k >= 4; k--)
		if (strncmp(s, secret + sl - k, k) == 0) {
			n += (size_t)sprintf(out + n, "%s", redacted);
			p += k;
			break;
		}
	while (sl && (hit = strstr(p, secret))) {
		memcpy(out + n, p, (size_t)(hit - p));
		n += (size_t)(hit - p);
		n += (size_t)sprintf(out + n, "%s", redacted);
		p = hit + sl;
	}
	strcpy(out + n, p);
	return out;
}

char *sync_clean(const struct sync_tail *t, const char *secret)
{
	char *raw = malloc(t->len + 1), *out;

	if (!raw)
		return NULL;
	memcpy(raw, t->buf, t->len);
	raw[t->len] = '\0';
	/* redact first too: stripping escapes could join a split key */
	out = redact(raw, secret);
	free(raw);
	if (!out)
		return NULL;
	strip_escapes(out);
	raw = redact(out, secret);
	free(out);
	return raw;
}

/* url_char: characters RFC 3986 allows in a URL, minus the quote and
 * parentheses that end a URL in prose. */
static int url_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-._~:/?#[]@!$&*+,;=%", c));
}

int sync_find_url(const char *text, const char *run_id, char *url,
		  size_t len)
{
	const char *p = text, *best = NULL;
	size_t best_len = 0;
	int best_rank = 0;
	char want[256];

	snprintf(want, sizeof(want), "/runs/%s", run_id ? run_id : "");
	while ((p = strstr(p, "http"))) {
		size_t n = 0;
		int rank;

		if (strncmp(p, "https://", 8) && strncmp(p, "http://", 7)) {
			p += 4;
			continue;
		}
		while (url_char(p[n]))
			n++;
		while (n && strchr(".,;:!", p[n - 1]))	/* end of a sentence */
			n--;
		rank = 0;
		if (memmem(p, n, "/runs/", 6))
			rank = 1;
		if (run_id && *run_id && memmem(p, n, want, strlen(want)))
			rank = 2;
		if (rank && rank >= best_rank && n < len) {
			best = p;
			best_len = n;
			best_rank = rank;
		}
		p += n ? n : 4;
	}
	if (!best)
		return -1;
	memcpy(url, best, best_len);
	url[best_len] = '\0';
	return 0;
}

int sync_default_url(const char *entity, const char *project,
		     const char *run_id, char *url, size_t len)
{
	const char *parts[] = { entity, project, run_id };
	size_t i, j;

	for (i = 0; i < 3; i++) {
		if (!parts[i] || !*parts[i])
			return -1;
		for (j = 0; parts[i][j]; j++)
			if (!url_char(parts[i][j]) || strchr("/?#%", parts[i][j]))
				return -1;
	}
	if (snprintf(url, len, "https://wandb.ai/%s/%s/runs/%s", entity, project,
		     run_id) >= (int)len)
		return -1;
	return 0;
}

const char *sync_last_lines(const char *text, int n)
{
	const char *p = text + strlen(text);

	while (p > text && (p[-1] == '\n' || p[-1] == ' '))
		p--;
	while (p > text) {
		if (p[-1] == '\n' && --n <= 0)
			break;
		p--;
	}
	return p;
}
