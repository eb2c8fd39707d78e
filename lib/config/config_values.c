/* config_values.c - the value syntax of exp-log.yaml: durations, sizes,
 * booleans and sanitize patterns (see config.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "util/bounded_regex.h"

/* leading_count: parse the unsigned decimal at the start of s into *n
 * and point *end after it.  No sign, no blanks, no overflow. */
static int leading_count(const char *s, long long *n, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*n = strtoll(s, &e, 10);
	if (errno == ERANGE)
		return -1;
	*end = e;
	return 0;
}

/* scale: *n *= mult unless that overflows. */
static int scale(long long *n, long long mult)
{
	if (*n > LLONG_MAX / mult)
		return -1;
	*n *= mult;
	return 0;
}

int exl_config_parse_duration(const char *s, long long *secs)
{
	static const struct {
		const char *suffix;
		long long mult;
	} units[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
		{ "d", 86400 },
	};
	const char *end;
	long long n;
	size_t i;

	if (leading_count(s, &n, &end) < 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].suffix) == 0) {
			if (scale(&n, units[i].mult) < 0)
				return -1;
			*secs = n;
			return 0;
		}
	return -1;
}

int exl_config_parse_size(const char *s, long long *bytes)
{
	static const char prefixes[] = "KMGT";
	const char *end, *p;
	long long n;
	int shift;

	if (leading_count(s, &n, &end) < 0)
		return -1;
	if (*end == '\0' || strcmp(end, "B") == 0) {
		*bytes = n;
		return 0;
	}
	p = strchr(prefixes, toupper((unsigned char)*end));
	if (!p)
		return -1;
	shift = 10 * (int)(p - prefixes + 1);
	end++;
	if (*end != '\0' && strcmp(end, "B") != 0 && strcmp(end, "iB") != 0)
		return -1;
	if (scale(&n, 1LL << shift) < 0)
		return -1;
	*bytes = n;
	return 0;
}

int exl_config_parse_bool(const char *s, int *val)
{
	static const char *const words[] = {
		"false", "true", "no", "yes", "off", "on",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0) {
			*val = (int)(i % 2);
			return 0;
		}
	return -1;
}

struct exl_regex *exl_config_regex(const char *pattern, char *why,
				   size_t whylen)
{
	return exl_regex_compile(pattern, 0, why, whylen);
}
