/* hostlist.c - expand Slurm host lists (see hostlist.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hostlist.h"

struct out {
	char **v;
	size_t n, max;
};

static int push(struct out *o, const char *name, size_t len)
{
	char *c;

	if (o->n >= o->max)
		return -1;
	c = strndup(name, len);
	if (!c)
		return -1;
	o->v[o->n++] = c;
	return 0;
}

/* parse_range: one "a" or "a-b" item of a bracket, [p, e).  Returns 0, or
 * -1 when it is malformed, backwards or wider than max. */
static int parse_range(const char *p, const char *e, size_t max,
		       unsigned long *a, unsigned long *b, int *width)
{
	char *end;

	if (!isdigit((unsigned char)*p))
		return -1;
	*width = (int)strspn(p, "0123456789");
	*a = strtoul(p, &end, 10);
	*b = *a;
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return -1;
		*b = strtoul(end + 1, &end, 10);
	}
	if (end != e || *b < *a || *b - *a > max)
		return -1;
	return 0;
}

/* count_item: how many names one item (s, len) expands to, capped at
 * max + 1, without expanding it; -1 when malformed (an empty "[]" is).
 * Counting first keeps "n[1-2]n[1-2]...[]" from recursing 2^k times. */
static long count_item(const char *s, size_t len, size_t max)
{
	const char *end = s + len, *lb, *rb, *p;
	size_t total = 1;

	while ((lb = memchr(s, '[', (size_t)(end - s)))) {
		size_t k = 0;

		rb = memchr(lb, ']', (size_t)(end - lb));
		if (!rb)
			return -1;
		for (p = lb + 1; p < rb; ) {
			const char *e = p;
			unsigned long a, b;
			int width;

			while (e < rb && *e != ',')
				e++;
			if (parse_range(p, e, max, &a, &b, &width) < 0)
				return -1;
			k += b - a + 1;
			if (k > max)
				k = max + 1;
			p = e < rb ? e + 1 : e;
		}
		if (!k)
			return -1;
		total = total > (max + 1) / k ? max + 1 : total * k;
		if (total > max)
			total = max + 1;
		s = rb + 1;
	}
	return (long)total;
}

/* expand: prefix (already built) + the rest of one host pattern. */
static int expand(struct out *o, char *prefix, size_t plen, size_t pcap,
		  const char *rest, size_t rlen)
{
	const char *lb = memchr(rest, '[', rlen), *rb, *p;

	if (!lb) {
		if (plen + rlen >= pcap)
			return -1;
		memcpy(prefix + plen, rest, rlen);
		return push(o, prefix, plen + rlen);
	}
	rb = memchr(lb, ']', rlen - (size_t)(lb - rest));
	if (!rb || plen + (size_t)(lb - rest) >= pcap)
		return -1;
	memcpy(prefix + plen, rest, (size_t)(lb - rest));
	plen += (size_t)(lb - rest);
	for (p = lb + 1; p < rb; ) {
		const char *e = p;
		unsigned long a, b, i;
		int width;

		while (e < rb && *e != ',')
			e++;
		if (parse_range(p, e, o->max, &a, &b, &width) < 0)
			return -1;
		for (i = a; i <= b; i++) {
			int w = snprintf(prefix + plen, pcap - plen, "%0*lu", width, i);

			if (w < 0 || (size_t)w >= pcap - plen ||
			    expand(o, prefix, plen + (size_t)w, pcap, rb + 1,
				   rlen - (size_t)(rb + 1 - rest)) < 0)
				return -1;
		}
		p = e < rb ? e + 1 : e;
	}
	return 0;
}

int exl_hostlist_expand(const char *expr, size_t max, char ***names,
			size_t *n)
{
	struct out o = { .max = max };
	char prefix[512];
	const char *p = expr;

	*names = NULL;
	*n = 0;
	o.v = calloc(max ? max : 1, sizeof(*o.v));
	if (!o.v)
		return -1;
	while (*p) {
		const char *e = p;
		int depth = 0;

		/* an item ends at a comma outside brackets */
		while (*e && (depth || *e != ',')) {
			depth += *e == '[';
			depth -= *e == ']' && depth;
			e++;
		}
		if (e > p) {
			long c = count_item(p, (size_t)(e - p), max);

			if (c < 0 || (size_t)c > max - o.n ||
			    expand(&o, prefix, 0, sizeof(prefix), p,
				   (size_t)(e - p)) < 0)
				goto fail;
		}
		p = *e ? e + 1 : e;
	}
	*names = o.v;
	*n = o.n;
	return 0;
fail:
	exl_hostlist_free(o.v, o.n);
	return -1;
}

void exl_hostlist_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
