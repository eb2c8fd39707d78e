/* Unit tests: run-log time formats (human dates, ordinals, durations). */
#include <stdlib.h>
#include <time.h>

#include "tap.h"
#include "util/timefmt.h"

/* at: a local time for the given date. */
static time_t at(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };

	return mktime(&tm);
}

int main(void)
{
	static const struct { int day; const char *suffix; } ord[] = {
		{ 1, "st" }, { 2, "nd" }, { 3, "rd" }, { 4, "th" },
		{ 11, "th" }, { 12, "th" }, { 13, "th" }, { 21, "st" },
		{ 22, "nd" }, { 23, "rd" }, { 24, "th" }, { 30, "th" },
		{ 31, "st" }, { 111, "th" }, { 112, "th" }, { 101, "st" },
	};
	char buf[128];
	time_t t, back;
	size_t i;

	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < sizeof(ord) / sizeof(ord[0]); i++)
		is_str(exl_ordinal_suffix(ord[i].day), ord[i].suffix,
		       "ordinal of %d", ord[i].day);

	t = at(2026, 2, 25, 14, 2, 11);
	exl_time_human(t, 1, buf, sizeof(buf));
	is_str(buf, "Wednesday, Feb 25th, 2026", "human date with year");
	exl_time_human(t, 0, buf, sizeof(buf));
	is_str(buf, "Wednesday, Feb 25th", "timeline date");
	exl_time_human(at(2026, 3, 1, 0, 0, 0), 1, buf, sizeof(buf));
	is_str(buf, "Sunday, Mar 1st, 2026", "1st");
	exl_time_human(at(2026, 3, 2, 0, 0, 0), 1, buf, sizeof(buf));
	is_str(buf, "Monday, Mar 2nd, 2026", "2nd");
	exl_time_human(at(2026, 3, 3, 0, 0, 0), 1, buf, sizeof(buf));
	is_str(buf, "Tuesday, Mar 3rd, 2026", "3rd");
	exl_time_human(at(2026, 3, 11, 0, 0, 0), 1, buf, sizeof(buf));
	is_str(buf, "Wednesday, Mar 11th, 2026", "11th");
	exl_time_human(at(2026, 3, 12, 0, 0, 0), 1, buf, sizeof(buf));
	is_str(buf, "Thursday, Mar 12th, 2026", "12th");
	exl_time_human(at(2026, 3, 13, 0, 0, 0), 1, buf, sizeof(buf));
	is_str(buf, "Friday, Mar 13th, 2026", "13th");
	exl_time_human(at(2026, 3, 22, 0, 0, 0), 1, buf, sizeof(buf));
	is_str(buf, "Sunday, Mar 22nd, 2026", "22nd");
	exl_time_human(at(2026, 3, 23, 0, 0, 0), 1, buf, sizeof(buf));
	is_str(buf, "Monday, Mar 23rd, 2026", "23rd");

	exl_time_iso(t, buf, sizeof(buf));
	is_str(buf, "2026-02-25T14:02:11+00:00", "ISO in UTC");
	ok(exl_parse_iso(buf, &back) == 0 && back == t, "ISO round trip");
	ok(exl_parse_iso("2026-02-25T15:02:11+01:00", &back) == 0 && back == t,
	   "ISO with offset");
	ok(exl_parse_iso("2026-13-25T15:02:11Z", &back) < 0, "bad month refused");
	ok(exl_parse_iso("yesterday", &back) < 0, "garbage refused");
	exl_time_stamp(t, buf, sizeof(buf));
	is_str(buf, "2026-02-25 14:02:11", "status stamp with seconds");
	exl_time_date(t, buf, sizeof(buf));
	is_str(buf, "2026-02-25", "file date");

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	exl_time_iso(t, buf, sizeof(buf));
	is_str(buf, "2026-02-25T15:02:11+01:00", "ISO carries the local offset");

	exl_duration_hms(0, buf, sizeof(buf));
	is_str(buf, "00:00:00", "zero runtime");
	exl_duration_hms(3725, buf, sizeof(buf));
	is_str(buf, "01:02:05", "runtime");
	exl_duration_hms(49 * 3600 + 600, buf, sizeof(buf));
	is_str(buf, "49:10:00", "runtime past a day keeps counting hours");
	exl_duration_hms(-5, buf, sizeof(buf));
	is_str(buf, "00:00:00", "negative runtime clamps");

	exl_minutes_limit(1, buf, sizeof(buf));
	is_str(buf, "00:01:00", "1 minute limit");
	exl_minutes_limit(90, buf, sizeof(buf));
	is_str(buf, "01:30:00", "90 minute limit");
	exl_minutes_limit(2 * 1440 + 61, buf, sizeof(buf));
	is_str(buf, "2-01:01:00", "multi-day limit");
	exl_minutes_limit(0xffffffffu, buf, sizeof(buf));
	is_str(buf, "UNLIMITED", "infinite limit");

	{
		struct tm tm;
		int v = 7;

		ok(exl_digits("2026-", 4, &v) == 0 && v == 2026, "four digits");
		ok(exl_digits("2a", 2, &v) < 0 && v == 2026,
		   "a non-digit refused, value untouched");
		ok(exl_digits("-1", 2, &v) < 0, "no sign");
		ok(exl_tm_set(&tm, 2026, 2, 25, 14, 2, 60) == 0 &&
		   tm.tm_year == 126 && tm.tm_mon == 1 && tm.tm_mday == 25 &&
		   tm.tm_hour == 14 && tm.tm_min == 2 && tm.tm_sec == 60 &&
		   tm.tm_isdst == -1, "tm set (leap second allowed)");
		ok(exl_tm_set(&tm, 2026, 0, 1, 0, 0, 0) < 0 &&
		   exl_tm_set(&tm, 2026, 13, 1, 0, 0, 0) < 0 &&
		   exl_tm_set(&tm, 2026, 1, 0, 0, 0, 0) < 0 &&
		   exl_tm_set(&tm, 2026, 1, 32, 0, 0, 0) < 0 &&
		   exl_tm_set(&tm, 2026, 1, 1, 24, 0, 0) < 0 &&
		   exl_tm_set(&tm, 2026, 1, 1, 0, 60, 0) < 0 &&
		   exl_tm_set(&tm, 2026, 1, 1, 0, 0, 61) < 0, "fields out of range");
	}
	return done_testing();
}
