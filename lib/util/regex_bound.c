/* regex_bound.c - estimate glibc's expanded size of an ERE (see
 * regex_bound.h).
 *
 * Measured with glibc 2.36 (Debian 12) on this project's 2-core VM:
 * unbounded, "e" with 14 "+" took 5.8 s and 10 MB, 16 "+" 76 s, and
 * "e{1,2000}" 1.5 s and 52 MB; within EXL_REGEX_NODES_MAX the worst
 * patterns tried (tests/unit/test_regex_bound.c) compile in a few ms and
 * under 4 MB.  Stacked operators ("e+??...?+++", found by tests/fuzz) blow
 * up glibc's closures while small, so they are refused outright.
 * regexec is not bounded by this: glibc retries every start position, so
 * a line of n bytes costs O(n^2) ("e+x" on 64 KiB of 'e': 15 s).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/regex_bound.h"

#define DEPTH_MAX 32

/* Sizes are capped just past the bound so products cannot overflow. */
static size_t cap(size_t n)
{
	return n > EXL_REGEX_NODES_MAX ? EXL_REGEX_NODES_MAX + 1 : n;
}

/* interval: "{n}", "{n,}" or "{n,m}" at p; *end past it and the number
 * of copies glibc makes of the repeated item in *copies.  0 when p is no
 * interval (glibc then reads "{" as a literal or refuses the pattern). */
static int interval(const char *p, const char **end, size_t *copies)
{
	unsigned long n, m;
	char *e;

	if (*p != '{' || !isdigit((unsigned char)p[1]))
		return 0;
	n = strtoul(p + 1, &e, 10);
	m = n;
	if (*e == ',') {
		if (isdigit((unsigned char)e[1]))
			m = strtoul(e + 1, &e, 10);
		else
			e++;
	}
	if (*e != '}')
		return 0;
	*end = e + 1;
	/* "{n,}" is n copies and a star: n + 1 */
	*copies = cap((size_t)(m > n ? m : n) + 1);
	return 1;
}

/* bracket: p at "[": past the bracket expression, or NULL if unclosed. */
static const char *bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p && *p != ']'; p++) {
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			const char *c = strchr(p + 2, p[1]);

			while (c && c[1] != ']')
				c = strchr(c + 1, p[1]);
			if (!c)
				return NULL;
			p = c + 1;
		}
	}
	return *p ? p + 1 : NULL;
}

int exl_regex_bounded(const char *pattern, char *why, size_t len)
{
	size_t total[DEPTH_MAX + 1], last[DEPTH_MAX + 1];
	const char *p = pattern, *end;
	int depth = 0, quant = 0;

	if (strlen(pattern) > EXL_REGEX_LEN_MAX) {
		snprintf(why, len, "longer than %d bytes", EXL_REGEX_LEN_MAX);
		return -1;
	}
	total[0] = last[0] = 0;
	while (*p) {
		size_t copies, item = 1;

		/* "e+?", "e**", "e{2}{3}": stacked repetitions (undefined in
		 * POSIX) make glibc's closures explode, whatever the size */
		if (quant && (*p == '*' || *p == '?' || *p == '+' ||
			      (*p == '{' && interval(p, &end, &copies)))) {
			snprintf(why, len, "stacked repetition operators "
				 "(like '+?' or '**') are not allowed: "
				 "use one, or a group");
			return -1;
		}
		quant = *p == '*' || *p == '?' || *p == '+' ||
			(*p == '{' && interval(p, &end, &copies));
		switch (*p) {
		case '(':
			if (depth == DEPTH_MAX) {
				snprintf(why, len, "groups nested deeper than %d",
					 DEPTH_MAX);
				return -1;
			}
			depth++;
			total[depth] = last[depth] = 0;
			p++;
			continue;
		case ')':
			if (depth == 0)
				break;
			item = cap(total[depth] + 1);
			depth--;
			p++;
			goto add;
		case '*':
		case '?':
			/* no copy, but the item grows by the operator */
			total[depth] = cap(total[depth] + 1);
			last[depth] = cap(last[depth] + 1);
			p++;
			goto check;
		case '+':
			/* glibc: x+ is x x* */
			total[depth] = cap(total[depth] + last[depth] + 1);
			last[depth] = cap(last[depth] * 2);
			p++;
			goto check;
		case '{':
			if (!interval(p, &end, &copies))
				break;
			total[depth] = cap(total[depth] +
					   cap(last[depth] * (copies - 1)));
			last[depth] = cap(last[depth] * copies);
			p = end;
			goto check;
		case '[':
			end = bracket(p);
			if (!end)	/* regcomp says what is wrong */
				return 0;
			p = end;
			goto add;
		case '\\':
			if (isdigit((unsigned char)p[1])) {
				snprintf(why, len, "back-references (\\%c) are "
					 "not allowed: their matching time has "
					 "no bound", p[1]);
				return -1;
			}
			if (p[1])
				p++;
			break;
		}
		p++;
add:
		total[depth] = cap(total[depth] + item);
		last[depth] = item;
check:
		if (total[depth] > EXL_REGEX_NODES_MAX) {
			snprintf(why, len, "too costly once its repetitions "
				 "are expanded (over %d items): use fewer "
				 "nested or counted repeats (+, {n,m})",
				 EXL_REGEX_NODES_MAX);
			return -1;
		}
	}
	return 0;
}
