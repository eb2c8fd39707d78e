/* timefmt.h - the time formats a run log uses. */
#ifndef EXL_TIMEFMT_H
#define EXL_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* "st", "nd", "rd" or "th" for a day of the month (1st, 11th, 22nd). */
const char *exl_ordinal_suffix(int day);

/* ISO 8601 with the local offset: 2026-02-25T14:02:11+01:00 */
int exl_time_iso(time_t t, char *buf, size_t len);

/* "Wednesday, Feb 25th, 2026" (with_year) or "Wednesday, Feb 25th". */
int exl_time_human(time_t t, int with_year, char *buf, size_t len);

/* Status-line stamp with seconds, "2026-02-25 14:02:07", so that ages
 * computed from the line (runlog status's AGE) are exact. */
int exl_time_stamp(time_t t, char *buf, size_t len);

/* YYYY-MM-DD for run-log file names. */
int exl_time_date(time_t t, char *buf, size_t len);

/* Elapsed seconds as HH:MM:SS; hours keep counting past 24 (49:10:00). */
int exl_duration_hms(long long secs, char *buf, size_t len);

/* Slurm minutes (time limit) as D-HH:MM:SS or HH:MM:SS; "UNLIMITED" for
 * the infinite value (0xffffffff) and "NONE" for 0xfffffffe. */
int exl_minutes_limit(unsigned int minutes, char *buf, size_t len);

/* Parse exl_time_iso's output back (any offset).  Returns -1 if malformed. */
int exl_parse_iso(const char *s, time_t *out);

/* n decimal digits at s, their value in *v.  -1 when one is not a digit
 * (*v untouched). */
int exl_digits(const char *s, int n, int *v);

/* Set tm to a calendar date and time (tm_isdst -1, for mktime to find;
 * timegm ignores it).  -1 when a field is out of range: month 1-12, day
 * 1-31, hour at most 23, minute at most 59, second at most 60. */
int exl_tm_set(struct tm *tm, int y, int mo, int d, int h, int mi, int s);

#endif
