/* gantt.c - a group's runs as a timeline (see gantt.h). */
#include <stdio.h>
#include <string.h>

#include "report/gantt.h"
#include "report/html.h"
#include "report/plot.h"

#define ROW_H 22
#define LABEL_W 220
#define BAR_W 560
#define TOP 24

/* Okabe-Ito: green ok, vermillion failed, orange stopped, blue running,
 * grey unknown. */
static const char *const outcome_color[EXL_OUT_COUNT] = {
	"#009E73", "#D55E00", "#E69F00", "#0072B2", "#999999",
};

static const char *const outcome_name[EXL_OUT_COUNT] = {
	"completed", "failed", "stopped", "running", "unknown",
};

const char *exl_outcome_name(enum exl_outcome o)
{
	return o < EXL_OUT_COUNT ? outcome_name[o] : "unknown";
}

enum exl_outcome exl_outcome_of(const char *st, const char *exit_text,
				int open)
{
	static const char *const failed[] = {
		"FAILED", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", NULL,
	};
	static const char *const stopped[] = {
		"TIMEOUT", "CANCELLED", "PREEMPTED", "DEADLINE", NULL,
	};
	size_t i;

	if (st) {
		if (strstr(st, "COMPLETED"))
			return EXL_OUT_OK;
		for (i = 0; failed[i]; i++)
			if (strstr(st, failed[i]))
				return EXL_OUT_FAILED;
		for (i = 0; stopped[i]; i++)
			if (strstr(st, stopped[i]))
				return EXL_OUT_STOPPED;
	}
	if (exit_text) {
		if (strstr(exit_text, "signal"))
			return EXL_OUT_STOPPED;
		if (exit_text[strspn(exit_text, "` ")] == '0')
			return EXL_OUT_OK;
		if (exit_text[strspn(exit_text, "` ")] >= '1' &&
		    exit_text[strspn(exit_text, "` ")] <= '9')
			return EXL_OUT_FAILED;
	}
	return open ? EXL_OUT_RUNNING : EXL_OUT_UNKNOWN;
}

int exl_gantt_svg(struct exl_sb *b, const struct exl_gantt_row *rows,
		  size_t n, time_t now)
{
	time_t t0 = 0, t1 = 0;
	size_t i, j;
	double tk[32];
	size_t nt;
	char lab[32];
	int h = TOP + (int)n * ROW_H + 10, first = 1;

	for (i = 0; i < n; i++)
		for (j = 0; j < rows[i].nsegs; j++) {
			time_t a = rows[i].segs[j].t0;
			time_t z = rows[i].segs[j].t1 ? rows[i].segs[j].t1 : now;

			if (!a)
				continue;
			if (z < a)
				z = a;
			if (first || a < t0)
				t0 = a;
			if (first || z > t1)
				t1 = z;
			first = 0;
		}
	exl_sb_printf(b, "<figure class=\"gantt\">");
	if (first) {
		exl_sb_printf(b, "<figcaption>runs: no start times"
			      "</figcaption></figure>\n");
		return b->failed ? -1 : 0;
	}
	if (t1 <= t0)
		t1 = t0 + 1;
	exl_sb_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" "
		      "aria-label=\"runs of the group over time\">\n"
		      "<title>runs of the group over time</title>\n",
		      LABEL_W + BAR_W + 20, h + 20);
	nt = exl_plot_ticks(0, (double)(t1 - t0), 0, tk, 32);
	for (i = 0; i < nt; i++) {
		double x = LABEL_W + tk[i] / (double)(t1 - t0) * BAR_W;

		exl_plot_label(tk[i], 1, lab, sizeof(lab));
		exl_sb_printf(b, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" "
			      "y1=\"%d\" y2=\"%d\"/><text class=\"xt\" "
			      "x=\"%.1f\" y=\"%d\">%s</text>\n", x, x, TOP - 4, h,
			      x, h + 14, lab);
	}
	for (i = 0; i < n; i++) {
		int y = TOP + (int)i * ROW_H;

		if (rows[i].href) {
			exl_sb_printf(b, "<a href=\"");
			exl_html_text(b, rows[i].href);
			exl_sb_printf(b, "\">");
		}
		exl_sb_printf(b, "<text class=\"gl\" x=\"%d\" y=\"%d\">",
			      LABEL_W - 6, y + 15);
		exl_html_text(b, rows[i].label);
		exl_sb_printf(b, "</text>");
		if (rows[i].href)
			exl_sb_printf(b, "</a>");
		for (j = 0; j < rows[i].nsegs; j++) {
			const struct exl_gantt_seg *s = &rows[i].segs[j];
			time_t z = s->t1 ? s->t1 : now;
			double x0, x1;

			if (!s->t0)
				continue;
			if (z < s->t0)
				z = s->t0;
			x0 = LABEL_W + (double)(s->t0 - t0) / (t1 - t0) * BAR_W;
			x1 = LABEL_W + (double)(z - t0) / (t1 - t0) * BAR_W;
			exl_sb_printf(b, "<rect class=\"bar\" x=\"%.1f\" "
				      "y=\"%d\" width=\"%.1f\" height=\"%d\" "
				      "fill=\"%s\"><title>", x0, y + 3,
				      x1 - x0 < 2 ? 2 : x1 - x0, ROW_H - 6,
				      outcome_color[rows[i].outcome <
						    EXL_OUT_COUNT ?
						    rows[i].outcome :
						    EXL_OUT_UNKNOWN]);
			exl_html_text(b, rows[i].label);
			exl_sb_printf(b, ": job %zu, %s</title></rect>\n",
				      j + 1, exl_outcome_name(rows[i].outcome));
		}
	}
	for (i = 0; i < EXL_OUT_COUNT; i++)
		exl_sb_printf(b, "<rect x=\"%zu\" y=\"4\" width=\"10\" "
			      "height=\"10\" fill=\"%s\"/><text class=\"lg\" "
			      "x=\"%zu\" y=\"13\">%s</text>\n", 10 + i * 110,
			      outcome_color[i], 24 + i * 110, outcome_name[i]);
	exl_sb_printf(b, "</svg></figure>\n");
	return b->failed ? -1 : 0;
}
