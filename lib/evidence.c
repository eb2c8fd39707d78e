/* evidence.c - Status lines and the progress they record (see evidence.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evidence.h"

#define EM_DASH "\xe2\x80\x94"

/* digits: n decimal digits at s, value into *v. */
static int digits(const char *s, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

int exl_parse_date(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d;

	if (digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &mo) < 0 ||
	    s[7] != '-' || digits(s + 8, 2, &d) < 0 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || y < 1970)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

const char *exl_status_line(const char *l, time_t *when)
{
	struct tm tm;
	int h, mi;
	time_t day;

	while (*l == ' ')
		l++;
	if ((l[0] != '-' && l[0] != '*') || l[1] != ' ')
		return NULL;
	l += 2;
	if (exl_parse_date(l, &day) < 0 || l[10] != ' ' ||
	    digits(l + 11, 2, &h) < 0 || l[13] != ':' ||
	    digits(l + 14, 2, &mi) < 0 || h > 23 || mi > 59)
		return NULL;
	localtime_r(&day, &tm);
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	l += 16;
	if (strncmp(l, " " EM_DASH " ", 5) == 0)
		l += 5;
	else if (strncmp(l, " -- ", 4) == 0)
		l += 4;
	else if (strncmp(l, " - ", 3) == 0)
		l += 3;
	else
		return NULL;
	*when = mktime(&tm);
	return l;
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
		     strcmp(name, "global_step") == 0) && ev->step < 0 && v >= 0) {
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
		"submitted", "pending", "signal", "grace", "closed", "note:",
		NULL };
	int i;

	for (i = 0; ev[i]; i++)
		if (strncasecmp(text, ev[i], strlen(ev[i])) == 0)
			return 1;
	return 0;
}
