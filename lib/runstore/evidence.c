/* evidence.c - Status lines and the progress they record (see evidence.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runstore/evidence.h"
#include "util/timefmt.h"

#define EM_DASH "\xe2\x80\x94"

/* local_time: a local wall-clock time as seconds since the epoch.
 * mktime() would do, but glibc's re-checks the time zone file on every
 * call (a stat and a lock), which dominates reading thousands of run
 * logs; localtime_r() does not.  A time in a DST gap or overlap gets
 * the offset in force just after it. */
static time_t local_time(int y, int mo, int d, int h, int mi, int sec)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	struct tm lt;
	time_t utc = timegm(&tm), t;

	if (!localtime_r(&utc, &lt))
		return (time_t)-1;
	t = utc - lt.tm_gmtoff;
	if (localtime_r(&t, &lt) && utc - lt.tm_gmtoff != t)
		t = utc - lt.tm_gmtoff;
	return t;
}

/* date_parts: "YYYY-MM-DD" at s. */
static int date_parts(const char *s, int *y, int *mo, int *d)
{
	if (exl_digits(s, 4, y) < 0 || s[4] != '-' ||
	    exl_digits(s + 5, 2, mo) < 0 || s[7] != '-' ||
	    exl_digits(s + 8, 2, d) < 0 || *mo < 1 || *mo > 12 ||
	    *d < 1 || *d > 31 || *y < 1970)
		return -1;
	return 0;
}

int exl_parse_date(const char *s, time_t *out)
{
	int y, mo, d;

	if (date_parts(s, &y, &mo, &d) < 0)
		return -1;
	*out = local_time(y, mo, d, 12, 0, 0);
	return *out == (time_t)-1 ? -1 : 0;
}

/* entry: split "- YYYY-MM-DD HH:MM[:SS] — text" into its stamp fields
 * (f[5] is 0 without seconds) and return the text, or NULL when l is not
 * such an entry. */
static const char *entry(const char *l, int f[6])
{
	while (*l == ' ')
		l++;
	if ((l[0] != '-' && l[0] != '*') || l[1] != ' ')
		return NULL;
	l += 2;
	if (date_parts(l, &f[0], &f[1], &f[2]) < 0 || l[10] != ' ' ||
	    exl_digits(l + 11, 2, &f[3]) < 0 || l[13] != ':' ||
	    exl_digits(l + 14, 2, &f[4]) < 0 || f[3] > 23 || f[4] > 59)
		return NULL;
	l += 16;
	f[5] = 0;
	if (l[0] == ':' && exl_digits(l + 1, 2, &f[5]) == 0 && f[5] <= 60)
		l += 3;
	if (strncmp(l, " " EM_DASH " ", 5) == 0)
		return l + 5;
	if (strncmp(l, " -- ", 4) == 0)
		return l + 4;
	if (strncmp(l, " - ", 3) == 0)
		return l + 3;
	return NULL;
}

const char *exl_status_text(const char *l)
{
	int f[6];

	return entry(l, f);
}

const char *exl_status_line(const char *l, time_t *when)
{
	int f[6];
	const char *text = entry(l, f);

	if (text)
		*when = local_time(f[0], f[1], f[2], f[3], f[4], f[5]);
	return text;
}

/* number_after: skip separators (" :=") after a name, parse a number.
 * Returns the end of the number or NULL. */
static const char *number_after(const char *p, double *v)
{
	char *end;

	while (*p == ' ' || *p == ':' || *p == '=')
		p++;
	if (!isdigit((unsigned char)*p) && *p != '.' && *p != '-')
		return NULL;
	*v = strtod(p, &end);
	return end == p ? NULL : end;
}

static int ident_char(int c)
{
	return isalnum(c) || c == '_';
}

void exl_evidence_parse(const char *text, struct exl_evidence *ev)
{
	const char *p = text;
	int loss_rank = 0;	/* 3 train_loss, 2 loss, 1 other *_loss */

	ev->step = -1;
	ev->loss = 0;
	ev->loss_name[0] = '\0';
	ev->val_loss = 0;
	ev->have_val_loss = 0;
	ev->gpu_util = -1;
	while (*p) {
		const char *w = p, *after;
		size_t wl;
		double v;
		char name[32];

		if (!ident_char((unsigned char)*p) ||
		    (p > text && ident_char((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		while (ident_char((unsigned char)*p))
			p++;
		wl = (size_t)(p - w);
		if (wl >= sizeof(name))
			continue;
		for (size_t i = 0; i < wl; i++)
			name[i] = (char)tolower((unsigned char)w[i]);
		name[wl] = '\0';
		if (strcmp(name, "gpu") == 0 && strncasecmp(p, " util", 5) == 0) {
			p += 5;
			strcpy(name, "gpu_util");
		}
		after = number_after(p, &v);
		if (!after)
			continue;
		if ((strcmp(name, "step") == 0 || strcmp(name, "steps") == 0 ||
		     strcmp(name, "global_step") == 0) && ev->step < 0 && v >= 0 &&
		    v < 9.2e18) {
			/* 9.2e18: the first double past LLONG_MAX; NaN fails v >= 0 */
			ev->step = (long long)v;
		} else if (strcmp(name, "gpu_util") == 0 && ev->gpu_util < 0 &&
			   v >= 0 && v <= 100) {
			ev->gpu_util = (int)v;
		} else {
			int rank;

			if (strcmp(name, "val_loss") == 0 && !ev->have_val_loss) {
				ev->val_loss = v;
				ev->have_val_loss = 1;
			}
			rank = strcmp(name, "train_loss") == 0 ? 3 :
			       strcmp(name, "loss") == 0 ? 2 :
			       (wl > 5 && strcmp(name + wl - 5, "_loss") == 0) ? 1 : 0;
			if (rank > loss_rank) {
				loss_rank = rank;
				ev->loss = v;
				snprintf(ev->loss_name, sizeof(ev->loss_name), "%s", name);
			}
		}
		p = after;
	}
}

int exl_status_is_note(const char *text)
{
	return strncasecmp(text, "note:", 5) == 0;
}

int exl_status_is_event(const char *text)
{
	static const char *const ev[] = { "started", "requeued", "resumed",
		"new run log", "completed", "failed", "cancelled", "canceled",
		"time limit", "out of memory", "node failure", "preempted",
		"deadline", "node boot failure", "ended", "batch script killed",
		"the batch shell was killed",
		"submitted", "pending", "signal", "grace", "closed", "note:",
		/* what the plugin states when there is no step to give */
		"traceback", "error", "warning", "stalled", "no output",
		"running, no progress", "config problem", "pattern problem",
		"sweep problem", "env capture",
		"W&B", "exp-log", "exp-run", "group lock:",
		/* job/chain.h: how a requeue chain ended or stopped */
		"chain ended", "chain stopped",
		/* telemetry_idle.h: waste while the job runs */
		"GPUs idle", "GPU idle", "CPUs idle", NULL };
	const char *p = text;
	int i;

	for (i = 0; ev[i]; i++)
		if (strncasecmp(text, ev[i], strlen(ev[i])) == 0)
			return 1;
	/* "12 more error lines in stdout/stderr not quoted" */
	while (isdigit((unsigned char)*p))
		p++;
	return p > text && strncmp(p, " more error line", 16) == 0;
}
