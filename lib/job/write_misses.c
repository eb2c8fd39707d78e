/* write_misses.c - counting and telling failed run-log writes (see
 * write_misses.h). */
#include <stdio.h>
#include <string.h>

#include "job/write_misses.h"
#include "util/timefmt.h"

void exl_misses_fail(struct exl_write_misses *m, time_t now, const char *why)
{
	if (!m->pending)
		m->first = now;
	if (!m->total)
		m->first_ever = now;
	m->last = now;
	m->pending++;
	m->total++;
	snprintf(m->why, sizeof(m->why), "%s",
		 why && *why ? why : "unknown error");
}

/* span: "at T" or "from T1 to T2" (local time). */
static void span(time_t a, time_t b, char *buf, size_t len)
{
	char s1[32], s2[32];

	if (exl_time_stamp(a, s1, sizeof(s1)) < 0)
		snprintf(s1, sizeof(s1), "%lld", (long long)a);
	if (a == b) {
		snprintf(buf, len, "at %s", s1);
		return;
	}
	if (exl_time_stamp(b, s2, sizeof(s2)) < 0)
		snprintf(s2, sizeof(s2), "%lld", (long long)b);
	snprintf(buf, len, "from %s to %s", s1, s2);
}

int exl_misses_note(const struct exl_write_misses *m, char *buf, size_t len)
{
	char when[80];

	if (!m->pending)
		return 1;
	span(m->first, m->last, when, sizeof(when));
	snprintf(buf, len, "exp-log: %u run-log update%s could not be "
		 "written %s (lost; the job went on): %s", m->pending,
		 m->pending == 1 ? "" : "s", when, m->why);
	return 0;
}

void exl_misses_told(struct exl_write_misses *m)
{
	m->pending = 0;
}

int exl_misses_report(const struct exl_write_misses *m, const char *run_log,
		      char *buf, size_t len)
{
	char when[80];

	if (!m->total)
		return 1;
	span(m->first_ever, m->last, when, sizeof(when));
	snprintf(buf, len, "%u update%s of run log %s could not be written "
		 "%s: %s%s", m->total, m->total == 1 ? "" : "s",
		 run_log ? run_log : "(unknown)", when, m->why,
		 m->pending ? "; the run log does not say so (it was never "
		 "writable again)" : "; a Status line in the run log says so");
	return 0;
}
