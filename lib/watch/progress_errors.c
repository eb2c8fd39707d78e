/* progress_errors.c - error quotes for Status lines (see progress.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "watch/progress.h"
#include "util/text_utf8.h"

/* same_message: a and b are equal once every run of digits is taken as
 * the same (eight ranks report "GPU 0" ... "GPU 7": one message). */
static int same_message(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (isdigit((unsigned char)*a))
				a++;
			while (isdigit((unsigned char)*b))
				b++;
			continue;
		}
		if (*a++ != *b++)
			return 0;
	}
	return *a == *b;
}

int exl_progress_add_error(struct exl_progress *p, enum exl_src_kind src,
			   enum exl_error_kind kind, const char *text,
			   time_t t)
{
	char clean[EXL_ERROR_TEXT];
	struct exl_progress_error *e;
	size_t i;

	while (*text == ' ' || *text == '\t')
		text++;
	exl_utf8_cut(text, clean, sizeof(clean), sizeof(clean) - 1);
	if (!clean[0])
		return 0;
	for (i = 0; i < p->n_errors; i++) {
		if (same_message(p->errors[i].text, clean)) {
			p->errors[i].count++;
			return 0;
		}
	}
	if (p->n_errors == EXL_PROGRESS_MAX_ERRORS) {
		p->errors_dropped++;
		return 0;
	}
	e = &p->errors[p->n_errors++];
	memcpy(e->text, clean, sizeof(clean));
	e->src = src;
	e->kind = kind;
	e->count = 1;
	e->first_seen = t;
	return 1;
}

/* quote: text as a Status quote: cut to EXL_QUOTE_MAX bytes with "…",
 * backticks made "'" so the quote cannot end early. */
static void quote(const char *text, char *buf, size_t len)
{
	char *c;
	size_t n;

	if (exl_utf8_cut(text, buf, len, EXL_QUOTE_MAX)) {
		n = strlen(buf);
		if (n + sizeof("…") <= len)
			memcpy(buf + n, "…", sizeof("…"));
	}
	for (c = buf; (c = strchr(c, '`')) != NULL; c++)
		*c = '\'';
}

int exl_progress_take_errors(struct exl_progress *p, char *buf, size_t len)
{
	char q[EXL_QUOTE_MAX + 8], times[48] = "";
	const struct exl_progress_error *e;
	unsigned long long more;

	if (p->errors_reported < p->n_errors) {
		e = &p->errors[p->errors_reported++];
		quote(e->text, q, sizeof(q));
		if (e->count > 1)
			snprintf(times, sizeof(times), " (seen %llu times)",
				 e->count);
		snprintf(buf, len, "%s in %s: `%s`%s",
			 e->kind == EXL_ERR_TRACEBACK ? "traceback" : "error",
			 exl_progress_src_name(e->src), q, times);
		return 1;
	}
	if (p->errors_dropped > p->dropped_reported) {
		more = p->errors_dropped - p->dropped_reported;
		p->dropped_reported = p->errors_dropped;
		snprintf(buf, len, "%llu more error line%s in stdout/stderr "
			 "not quoted (only the first %d messages are)", more,
			 more == 1 ? "" : "s", EXL_PROGRESS_MAX_ERRORS);
		return 1;
	}
	return 0;
}
