/* timefmt.c - run-log time formats (see timefmt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timefmt.h"

const char *exl_ordinal_suffix(int day)
{
	if (day % 100 >= 11 && day % 100 <= 13)
		return "th";
	switch (day % 10) {
	case 1:
		return "st";
	case 2:
		return "nd";
	case 3:
		return "rd";
	default:
		return "th";
	}
}

static int fits(int n, size_t len)
{
	return (n >= 0 && (size_t)n < len) ? 0 : -1;
}

int exl_time_iso(time_t t, char *buf, size_t len)
{
	struct tm tm;
	char off[32];
	long gmtoff;

	if (!localtime_r(&t, &tm))
		return -1;
	gmtoff = tm.tm_gmtoff;
	snprintf(off, sizeof(off), "%c%02ld:%02ld", gmtoff < 0 ? '-' : '+',
		 labs(gmtoff) / 3600, (labs(gmtoff) % 3600) / 60);
	return fits(snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%s",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			     tm.tm_hour, tm.tm_min, tm.tm_sec, off), len);
}

int exl_time_human(time_t t, int with_year, char *buf, size_t len)
{
	static const char *const days[] = { "Sunday", "Monday", "Tuesday",
		"Wednesday", "Thursday", "Friday", "Saturday" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -1;
	if (with_year)
		return fits(snprintf(buf, len, "%s, %s %d%s, %d",
				     days[tm.tm_wday], mons[tm.tm_mon],
				     tm.tm_mday, exl_ordinal_suffix(tm.tm_mday),
				     tm.tm_year + 1900), len);
	return fits(snprintf(buf, len, "%s, %s %d%s", days[tm.tm_wday],
			     mons[tm.tm_mon], tm.tm_mday,
			     exl_ordinal_suffix(tm.tm_mday)), len);
}

int exl_time_stamp(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -1;
	return strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) ? 0 : -1;
}

int exl_time_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -1;
	return strftime(buf, len, "%Y-%m-%d", &tm) ? 0 : -1;
}

int exl_duration_hms(long long secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	return fits(snprintf(buf, len, "%02lld:%02lld:%02lld", secs / 3600,
			     (secs % 3600) / 60, secs % 60), len);
}

int exl_minutes_limit(unsigned int minutes, char *buf, size_t len)
{
	unsigned long long s;

	if (minutes == 0xffffffffu)
		return fits(snprintf(buf, len, "UNLIMITED"), len);
	if (minutes == 0xfffffffeu)
		return fits(snprintf(buf, len, "NONE"), len);
	s = (unsigned long long)minutes * 60;
	if (s >= 86400)
		return fits(snprintf(buf, len, "%llu-%02llu:%02llu:00",
				     s / 86400, (s % 86400) / 3600,
				     (s % 3600) / 60), len);
	return fits(snprintf(buf, len, "%02llu:%02llu:00", s / 3600,
			     (s % 3600) / 60), len);
}

int exl_parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, n = 0;
	char sign = 'Z';
	long off = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
		   &n) != 6)
		return -1;
	s += n;
	if (*s == '+' || *s == '-') {
		sign = *s;
		if (sscanf(s + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		off = oh * 3600L + om * 60L;
	} else if (*s != 'Z') {
		return -1;
	}
	if (exl_tm_set(&tm, y, mo, d, h, mi, sec) < 0)
		return -1;
	*out = timegm(&tm) - (sign == '-' ? -off : off);
	return 0;
}

int exl_digits(const char *s, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

int exl_tm_set(struct tm *tm, int y, int mo, int d, int h, int mi, int s)
{
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = s;
	tm->tm_isdst = -1;
	return 0;
}
