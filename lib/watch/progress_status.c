/* progress_status.c - the Status line text (grammar in progress.h). */
#include <stdio.h>

#include "watch/progress.h"
#include "util/strbuf.h"

/* duration: "45 s", "3 min", "2 h 5 min", "3 d 4 h". */
static void duration(long long s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%lld s", s);
	else if (s < 120 * 60)
		snprintf(buf, len, "%lld min", s / 60);
	else if (s < 48 * 3600 && (s % 3600) / 60)
		snprintf(buf, len, "%lld h %lld min", s / 3600, (s % 3600) / 60);
	else if (s < 48 * 3600)
		snprintf(buf, len, "%lld h", s / 3600);
	else if ((s % 86400) / 3600)
		snprintf(buf, len, "%lld d %lld h", s / 86400, (s % 86400) / 3600);
	else
		snprintf(buf, len, "%lld d", s / 86400);
}

/* clock: "14:02" for a time today, else "Mar 10 14:02" (local time). */
static void clock_text(time_t t, time_t now, char *buf, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm a, b;

	if (!localtime_r(&t, &a) || !localtime_r(&now, &b)) {
		snprintf(buf, len, "?");
		return;
	}
	if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday)
		snprintf(buf, len, "%02d:%02d", a.tm_hour, a.tm_min);
	else
		snprintf(buf, len, "%s %d %02d:%02d", mon[a.tm_mon % 12],
			 a.tm_mday, a.tm_hour, a.tm_min);
}

/* counts: "3 lines matched in 120 lines of stdout and stderr", or
 * "no output yet". */
static void counts(const struct exl_progress *p, struct exl_sb *b)
{
	unsigned long long lines = 0, matched = 0;
	const char *names[EXL_SRC_COUNT];
	size_t n = 0, i;

	for (i = 0; i < EXL_SRC_COUNT; i++) {
		lines += p->src[i].lines;
		matched += p->src[i].matched;
		if (p->src[i].path)
			names[n++] = exl_progress_src_name((enum exl_src_kind)i);
	}
	if (lines == 0) {
		exl_sb_printf(b, "no output yet");
		return;
	}
	exl_sb_printf(b, "%llu line%s matched in %llu line%s of ", matched,
		      matched == 1 ? "" : "s", lines, lines == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		exl_sb_printf(b, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
			      names[i]);
}

/* latest: ", train_loss V" and ", val_loss V" for what is known. */
static void latest(const struct exl_progress *p, struct exl_sb *b,
		   const char *sep)
{
	const struct exl_loss_series *t = exl_progress_train(p);
	const struct exl_loss_series *v = exl_progress_val(p);
	const struct exl_loss_point *lt = exl_series_last(t);
	const struct exl_loss_point *lv = exl_series_last(v);
	unsigned long long bad = t->nonfinite + v->nonfinite;

	if (lt) {
		exl_sb_printf(b, "%strain_loss %.4g", sep, lt->value);
		sep = ", ";
	}
	if (lv) {
		exl_sb_printf(b, "%sval_loss %.4g", sep, lv->value);
		sep = ", ";
	}
	if (bad)
		exl_sb_printf(b, "%sNaN/inf loss seen %llu time%s", sep, bad,
			      bad == 1 ? "" : "s");
}

static void running(const struct exl_progress *p, time_t now,
		    struct exl_sb *b)
{
	char clk[32], ago[32], dur[32];

	exl_sb_printf(b, "running, ");
	if (p->have_step) {
		exl_sb_printf(b, "step %lld", p->last_step);
		if (p->status_time && p->status_have_step &&
		    p->last_step > p->status_step) {
			duration((long long)(now - p->status_time), dur,
				 sizeof(dur));
			exl_sb_printf(b, " (+%lld in %s)",
				      p->last_step - p->status_step, dur);
		}
		latest(p, b, ", ");
	} else {
		latest(p, b, "");
	}
	clock_text(p->last_progress, now, clk, sizeof(clk));
	duration((long long)(now - p->last_progress), ago, sizeof(ago));
	exl_sb_printf(b, ", last progress %s (%s ago)", clk, ago);
}

static void stalled(const struct exl_progress *p, time_t now,
		    long interval_s, struct exl_sb *b)
{
	const struct exl_loss_point *lt = exl_series_last(exl_progress_train(p));
	const struct exl_loss_point *lv = exl_series_last(exl_progress_val(p));
	time_t since = p->last_progress ? p->last_progress :
		       p->last_output ? p->last_output : p->started;
	long long idle = (long long)(now - since), k = idle / interval_s;
	char clk[32], dur[32];

	duration(idle, dur, sizeof(dur));
	clock_text(since, now, clk, sizeof(clk));
	exl_sb_printf(b, "stalled: no %s for %lld interval%s (%s); ",
		      p->last_progress ? "progress" : "output", k,
		      k == 1 ? "" : "s", dur);
	if (p->have_step)
		exl_sb_printf(b, "last step %lld at %s", p->last_step, clk);
	else if (lt)
		exl_sb_printf(b, "last train_loss %.4g at %s", lt->value, clk);
	else if (lv)
		exl_sb_printf(b, "last val_loss %.4g at %s", lv->value, clk);
	else {
		exl_sb_printf(b, "no progress parsed (");
		counts(p, b);
		exl_sb_printf(b, ")");
	}
}

int exl_progress_status_text(const struct exl_progress *p, time_t now,
			     long interval_s, int stall_intervals,
			     int gpu_util, char *buf, size_t len)
{
	long long limit = interval_s > 0 && stall_intervals > 0 ?
			  (long long)interval_s * stall_intervals : 0;
	time_t since = p->last_progress ? p->last_progress :
		       p->last_output ? p->last_output : p->started;
	struct exl_sb b = { 0 };

	if (limit && since && (long long)(now - since) >= limit) {
		stalled(p, now, interval_s, &b);
	} else if (p->last_progress) {
		running(p, now, &b);
	} else {
		exl_sb_printf(&b, "running, no progress parsed yet (");
		counts(p, &b);
		exl_sb_printf(&b, ")");
	}
	if (gpu_util >= 0)
		exl_sb_printf(&b, ", GPU util %d%%", gpu_util);
	return exl_sb_copy_out(&b, buf, len);
}

void exl_progress_mark_status(struct exl_progress *p, time_t now)
{
	p->status_time = now;
	p->status_have_step = p->have_step;
	p->status_step = p->last_step;
}
