/* config_checks.c - checks for the text values of exp-log.yaml.
 *
 * Each exl_cfg_conv_* returns the value to store (newly allocated) or
 * NULL, with an optional detail appended to "expected <what>, got '<v>'"
 * (the "what" comes from the key table).  A detail of "out of memory"
 * marks an allocation failure.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"
#include "util/names.h"
#include "opts/options.h"
#include "watch/progress.h"

#define PATTERN_MAX 1024	/* bytes in one pattern, glob or command */

static char *dup_or_detail(const char *s, char *detail, size_t len)
{
	char *c = strdup(s);

	if (!c)
		snprintf(detail, len, "out of memory");
	return c;
}

/* one_line: s is 1..max bytes (0..max with allow_empty) without control
 * characters.  Returns 0, or -1 with detail. */
static int one_line(const char *s, size_t max, int allow_empty,
		    char *detail, size_t len)
{
	const unsigned char *p;

	if (!*s && !allow_empty)
		return -1;
	if (strlen(s) > max) {
		snprintf(detail, len, "longer than %zu characters", max);
		return -1;
	}
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(detail, len, "contains a newline or control character");
			return -1;
		}
	return 0;
}

int exl_cfg_has_dotdot(const char *s)
{
	const char *p = s;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		p += strspn(p, "/");
	}
	return 0;
}

char *exl_cfg_conv_dir(const char *s, char *detail, size_t len)
{
	if (one_line(s, PATH_MAX - 1, 0, detail, len) < 0)
		return NULL;
	if (s[0] == '~') {
		snprintf(detail, len, "'~' is not expanded: write the full path");
		return NULL;
	}
	return dup_or_detail(s, detail, len);
}

/* The value is stored as the option takes it ("pipeline:SUBTYPE"), so
 * the plugin can hand it to exl_opts_set like a command-line value. */
char *exl_cfg_conv_mode(const char *s, char *detail, size_t len)
{
	char *run_type = exl_parse_mode(s, NULL);

	if (!run_type)
		return NULL;
	free(run_type);
	return dup_or_detail(s, detail, len);
}

char *exl_cfg_conv_wandb_mode(const char *s, char *detail, size_t len)
{
	if (strcmp(s, "offline") != 0 && strcmp(s, "disabled") != 0)
		return NULL;
	return dup_or_detail(s, detail, len);
}

/* conv_pattern: progress (kind 1) and error (kind 0) patterns are
 * compiled as the monitor compiles them; sanitize patterns (kind -1) as
 * the publisher does. */
static char *conv_pattern(const char *s, int kind, char *detail, size_t len)
{
	struct exl_regex *re;

	if (one_line(s, PATTERN_MAX, 0, detail, len) < 0)
		return NULL;
	if (kind < 0)
		re = exl_config_regex(s, detail, len);
	else
		re = exl_pattern_compile(s, kind, detail, len);
	if (!re)
		return NULL;
	exl_regex_free(re);
	return dup_or_detail(s, detail, len);
}

char *exl_cfg_conv_progress(const char *s, char *detail, size_t len)
{
	return conv_pattern(s, 1, detail, len);
}

char *exl_cfg_conv_error(const char *s, char *detail, size_t len)
{
	return conv_pattern(s, 0, detail, len);
}

char *exl_cfg_conv_regex(const char *s, char *detail, size_t len)
{
	return conv_pattern(s, -1, detail, len);
}

char *exl_cfg_conv_glob(const char *s, char *detail, size_t len)
{
	if (one_line(s, PATTERN_MAX, 0, detail, len) < 0)
		return NULL;
	if (s[0] == '/')
		return NULL;
	if (exl_cfg_has_dotdot(s)) {
		snprintf(detail, len, "'..' is not allowed");
		return NULL;
	}
	return dup_or_detail(s, detail, len);
}

/* Roots are stored normalised: no "//", no "." component, no trailing
 * '/', so the lexical check in config_roots.c compares like with like. */
char *exl_cfg_conv_root(const char *s, char *detail, size_t len)
{
	char *out;

	if (one_line(s, PATH_MAX - 1, 0, detail, len) < 0)
		return NULL;
	if (s[0] != '/')
		return NULL;
	if (exl_cfg_has_dotdot(s)) {
		snprintf(detail, len, "'..' is not allowed");
		return NULL;
	}
	out = exl_cfg_normalize(s);
	if (!out)
		snprintf(detail, len, "out of memory");
	return out;
}

char *exl_cfg_normalize(const char *abs)
{
	char *out = malloc(strlen(abs) + 2), *o = out;
	const char *p = abs;

	if (!out)
		return NULL;
	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		*o++ = '/';
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	return out;
}

char *exl_cfg_conv_library(const char *s, char *detail, size_t len)
{
	if (one_line(s, PATH_MAX - 1, 0, detail, len) < 0)
		return NULL;
	if (strchr(s, '/') && s[0] != '/') {
		snprintf(detail, len, "a path must be absolute");
		return NULL;
	}
	return dup_or_detail(s, detail, len);
}

char *exl_cfg_conv_currency(const char *s, char *detail, size_t len)
{
	if (one_line(s, 16, 0, detail, len) < 0)
		return NULL;
	return dup_or_detail(s, detail, len);
}

/* Group names, W&B entities and projects, env capture names (which
 * become file names): the rules of --exp-group. */
char *exl_cfg_conv_name(const char *s, char *detail, size_t len)
{
	if (exl_valid_group(s) < 0)
		return NULL;
	return dup_or_detail(s, detail, len);
}

char *exl_cfg_conv_command(const char *s, char *detail, size_t len)
{
	if (one_line(s, PATTERN_MAX, 0, detail, len) < 0)
		return NULL;
	return dup_or_detail(s, detail, len);
}

char *exl_cfg_conv_replacement(const char *s, char *detail, size_t len)
{
	if (one_line(s, PATTERN_MAX, 1, detail, len) < 0)
		return NULL;
	return dup_or_detail(s, detail, len);
}

int exl_cfg_check_backrefs(const char *pattern, const char *replacement,
			   char *detail, size_t len)
{
	struct exl_regex *re;
	const char *p;
	size_t groups;
	int rc = 0;

	re = exl_config_regex(pattern, detail, len);
	if (!re)
		return -1;
	groups = exl_regex_groups(re);
	for (p = replacement; *p; p++) {
		if (*p != '\\' || !p[1])
			continue;
		p++;
		if (*p >= '1' && *p <= '9' &&
		    (size_t)(*p - '0') > groups) {
			snprintf(detail, len, "\\%c refers to capture group %c, but the pattern has %zu: fix replace or the pattern",
				 *p, *p, groups);
			rc = -1;
			break;
		}
	}
	exl_regex_free(re);
	return rc;
}
