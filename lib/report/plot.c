/* plot.c - inline SVG line plots (see plot.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/plot.h"

/* margins around the plot area inside the svg */
#define ML 64
#define MR 16
#define MT 30
#define MB 40
#define SVG_W (ML + EXL_PLOT_W + MR)
#define SVG_H (MT + EXL_PLOT_H + MB)
/* lines of at most this many points also get a dot per point */
#define DOTS_MAX 60

static const char *const palette[] = {
	"#0072B2", "#E69F00", "#009E73", "#D55E00",
	"#CC79A7", "#56B4E9", "#000000", "#F0E442",
};

const char *exl_plot_color(int i)
{
	size_t n = sizeof(palette) / sizeof(palette[0]);

	if (i < 0)
		i = -i;
	return palette[(size_t)i % n];
}

size_t exl_plot_decimate(const struct exl_xy *in, size_t n, double x0,
			 double x1, unsigned int cols, struct exl_xy *out)
{
	size_t i, o = 0, lo = 0, hi = 0;
	long col = -1, c;
	double w = x1 > x0 ? (x1 - x0) / cols : 0;
	int have = 0;

	if (!cols)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n) {
			if (!isfinite(in[i].x) || !isfinite(in[i].y))
				continue;
			c = w > 0 ? (long)((in[i].x - x0) / w) : 0;
			if (c < 0)
				c = 0;
			if (c >= (long)cols)
				c = (long)cols - 1;
			if (have && c == col) {
				if (in[i].y < in[lo].y)
					lo = i;
				if (in[i].y > in[hi].y)
					hi = i;
				continue;
			}
		}
		/* the column ends: flush its extremes in logged order */
		if (have) {
			size_t a = lo < hi ? lo : hi, z = lo < hi ? hi : lo;

			out[o++] = in[a];
			if (z != a && o < 2 * (size_t)cols)
				out[o++] = in[z];
			if (o >= 2 * (size_t)cols)
				break;
		}
		if (i < n) {
			have = 1;
			col = c;
			lo = hi = i;
		}
	}
	return o;
}

/* A step of 1, 2 or 5 x 10^k near range / want. */
static double nice_step(double range, int want)
{
	double raw = range / want, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;

	if (f < 1.5)
		return mag;
	if (f < 3.5)
		return 2 * mag;
	if (f < 7.5)
		return 5 * mag;
	return 10 * mag;
}

size_t exl_plot_ticks(double lo, double hi, int log, double *out,
		      size_t max)
{
	size_t n = 0;
	double v, step;

	if (!(hi > lo) || !isfinite(lo) || !isfinite(hi) || !max)
		return 0;
	if (log) {
		int k, k0, k1;
		static const double sub[] = { 1, 2, 5 };
		size_t j;
		int dense;

		if (lo <= 0)
			return 0;
		k0 = (int)floor(log10(lo));
		k1 = (int)ceil(log10(hi));
		dense = k1 - k0 <= 2;
		for (k = k0; k <= k1 && n < max; k++)
			for (j = 0; j < (dense ? 3u : 1u) && n < max; j++) {
				v = sub[j] * pow(10, k);
				if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
					out[n++] = v;
			}
		return n;
	}
	step = nice_step(hi - lo, 5);
	for (v = ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9 &&
	     n < max; v += step)
		out[n++] = fabs(v) < step * 1e-9 ? 0 : v;
	return n;
}

size_t exl_plot_time_ticks(double span, double *out, size_t max)
{
	static const double steps[] = {
		1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
		7200, 10800, 21600, 43200, 86400, 172800, 432000, 864000,
	};
	size_t i, n = 0;
	double step = steps[sizeof(steps) / sizeof(steps[0]) - 1], v;

	if (!(span > 0) || !isfinite(span) || !max)
		return 0;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / steps[i] <= 8) {
			step = steps[i];
			break;
		}
	if (span / step > 64)
		step = nice_step(span, 6);	/* beyond the table: days */
	for (v = 0; v <= span * (1 + 1e-9) && n < max; v += step)
		out[n++] = v;
	return n;
}

void exl_plot_label(double v, int xtime, char *buf, size_t len)
{
	if (xtime) {
		long long s = llround(v);
		const char *neg = s < 0 ? "-" : "";

		if (s < 0)
			s = -s;
		if (s < 60)
			snprintf(buf, len, "%s%llds", neg, s);
		else if (s < 3600)
			snprintf(buf, len, "%s%lldm", neg, s / 60);
		else if (s < 86400)
			snprintf(buf, len, s % 3600 / 60 ? "%s%lldh%lldm" :
				 "%s%lldh", neg, s / 3600, s % 3600 / 60);
		else
			snprintf(buf, len, s % 86400 / 3600 ? "%s%lldd%lldh" :
				 "%s%lldd", neg, s / 86400, s % 86400 / 3600);
		return;
	}
	if (fabs(v) >= 1e6 || (v != 0 && fabs(v) < 1e-3))
		snprintf(buf, len, "%.3g", v);
	else
		snprintf(buf, len, "%.6g", v);
}

/* The ranges of every finite point (x, and y that the scale can show). */
struct range {
	double x0, x1, y0, y1;
	size_t n;
	int log;
};

static void find_range(const struct exl_plot *p, struct range *r)
{
	size_t i, j;
	int allpos = 1;

	r->x0 = r->y0 = INFINITY;
	r->x1 = r->y1 = -INFINITY;
	r->n = 0;
	for (i = 0; i < p->nlines; i++)
		for (j = 0; j < p->lines[i].n; j++) {
			const struct exl_xy *q = &p->lines[i].pts[j];

			if (!isfinite(q->x) || !isfinite(q->y))
				continue;
			r->n++;
			r->x0 = fmin(r->x0, q->x);
			r->x1 = fmax(r->x1, q->x);
			r->y0 = fmin(r->y0, q->y);
			r->y1 = fmax(r->y1, q->y);
			if (q->y <= 0)
				allpos = 0;
		}
	if (!r->n)
		return;
	r->log = p->ylog == 1 ? allpos : p->ylog == 0 ? 0 :
		 allpos && r->y1 / r->y0 >= 100;
	if (p->have_limit && isfinite(p->limit) &&
	    (!r->log || p->limit > 0)) {
		r->y0 = fmin(r->y0, p->limit);
		r->y1 = fmax(r->y1, p->limit);
	}
	if (!r->log && r->y0 > 0 && r->y0 < r->y1 * 0.5)
		r->y0 = 0;	/* a linear axis of small values starts at 0 */
	if (r->x1 <= r->x0) {
		r->x0 -= 1;
		r->x1 += 1;
	}
	if (r->y1 <= r->y0) {
		if (r->log) {
			r->y0 /= 2;
			r->y1 *= 2;
		} else {
			r->y0 -= fabs(r->y0) > 0 ? fabs(r->y0) * 0.1 : 1;
			r->y1 += fabs(r->y1) > 0 ? fabs(r->y1) * 0.1 : 1;
		}
	}
}

static double px(const struct range *r, double x)
{
	return ML + (x - r->x0) / (r->x1 - r->x0) * EXL_PLOT_W;
}

static double py(const struct range *r, double y)
{
	double f = r->log ? (log10(y) - log10(r->y0)) /
			    (log10(r->y1) - log10(r->y0)) :
			    (y - r->y0) / (r->y1 - r->y0);

	return MT + EXL_PLOT_H - f * EXL_PLOT_H;
}

static void axes(struct exl_sb *b, const struct exl_plot *p,
		 const struct range *r)
{
	double t[32];
	size_t n, i;
	char lab[32];

	exl_sb_printf(b, "<rect class=\"area\" x=\"%d\" y=\"%d\" width=\"%d\" "
		      "height=\"%d\"/>\n", ML, MT, EXL_PLOT_W, EXL_PLOT_H);
	n = exl_plot_ticks(r->y0, r->y1, r->log, t, 32);
	for (i = 0; i < n; i++) {
		double y = py(r, t[i]);

		exl_plot_label(t[i], 0, lab, sizeof(lab));
		exl_sb_printf(b, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" "
			      "y1=\"%.1f\" y2=\"%.1f\"/><text class=\"yt\" "
			      "x=\"%d\" y=\"%.1f\">%s</text>\n", ML,
			      ML + EXL_PLOT_W, y, y, ML - 6, y + 4, lab);
	}
	n = p->xtime ? exl_plot_time_ticks(r->x1 - r->x0, t, 32) :
		       exl_plot_ticks(r->x0, r->x1, 0, t, 32);
	for (i = 0; i < n; i++) {
		double x = px(r, p->xtime ? r->x0 + t[i] : t[i]);

		exl_plot_label(t[i], p->xtime, lab, sizeof(lab));
		exl_sb_printf(b, "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" "
			      "y1=\"%d\" y2=\"%d\"/><text class=\"xt\" "
			      "x=\"%.1f\" y=\"%d\">%s</text>\n", x, x,
			      MT + EXL_PLOT_H, MT + EXL_PLOT_H + 5, x,
			      MT + EXL_PLOT_H + 18, lab);
	}
	exl_sb_printf(b, "<text class=\"xl\" x=\"%d\" y=\"%d\">", ML +
		      EXL_PLOT_W / 2, SVG_H - 4);
	exl_html_text(b, p->xlabel ? p->xlabel : "");
	exl_sb_printf(b, "</text>\n<text class=\"yl\" transform=\"translate"
		      "(14,%d) rotate(-90)\">", MT + EXL_PLOT_H / 2);
	exl_html_text(b, p->ylabel ? p->ylabel : "");
	exl_sb_printf(b, "%s</text>\n<text class=\"title\" x=\"%d\" "
		      "y=\"18\">", r->log ? " (log scale)" : "", ML);
	exl_html_text(b, p->title);
	exl_sb_printf(b, "</text>\n");
}

/* The marks (vertical lines) and the limit line. */
static void marks(struct exl_sb *b, const struct exl_plot *p,
		  const struct range *r)
{
	size_t i;

	for (i = 0; i < p->nmarks; i++) {
		const struct exl_plot_mark *m = &p->marks[i];
		double x;

		if (!isfinite(m->x) || m->x < r->x0 || m->x > r->x1)
			continue;
		x = px(r, m->x);
		exl_sb_printf(b, "<line class=\"%s\" x1=\"%.1f\" x2=\"%.1f\" "
			      "y1=\"%d\" y2=\"%d\"><title>", m->warn ? "warn" :
			      "mark", x, x, MT, MT + EXL_PLOT_H);
		exl_html_text(b, m->label);
		exl_sb_printf(b, "</title></line>\n");
	}
	if (p->have_limit && isfinite(p->limit) &&
	    (!r->log || p->limit > 0)) {
		double y = py(r, p->limit);

		exl_sb_printf(b, "<line class=\"limit\" x1=\"%d\" x2=\"%d\" "
			      "y1=\"%.1f\" y2=\"%.1f\"/><text class=\"lim\" "
			      "x=\"%d\" y=\"%.1f\">", ML, ML + EXL_PLOT_W, y, y,
			      ML + EXL_PLOT_W - 4, y - 4);
		exl_html_text(b, p->limit_label ? p->limit_label : "limit");
		exl_sb_printf(b, "</text>\n");
	}
}

/* One line: decimated, clipped to the area, as a path. */
static size_t line(struct exl_sb *b, const struct exl_plot_line *l,
		   const struct range *r, struct exl_xy *tmp, size_t li,
		   size_t nl)
{
	size_t lx = (size_t)SVG_W - 130 * (nl - li) - 20;

	size_t n = exl_plot_decimate(l->pts, l->n, r->x0, r->x1, EXL_PLOT_W,
				     tmp), i, drawn = 0;

	exl_sb_printf(b, "<path class=\"s\" stroke=\"%s\"%s d=\"",
		      exl_plot_color(l->color),
		      l->dashed ? " stroke-dasharray=\"5 3\"" : "");
	for (i = 0; i < n; i++) {
		if (r->log && tmp[i].y <= 0)
			continue;
		exl_sb_printf(b, "%s%.1f %.1f", drawn ? "L" : "M",
			      px(r, tmp[i].x), py(r, tmp[i].y));
		drawn++;
	}
	exl_sb_printf(b, "\" data-n=\"%zu\"/>\n", drawn);
	/* few points (a short run, a sweep): each one shows as a dot */
	for (i = 0; drawn <= DOTS_MAX && i < n; i++)
		if (!r->log || tmp[i].y > 0)
			exl_sb_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" "
				      "r=\"2.5\" fill=\"%s\"/>",
				      px(r, tmp[i].x), py(r, tmp[i].y),
				      exl_plot_color(l->color));
	if (drawn && drawn <= DOTS_MAX)
		exl_sb_printf(b, "\n");
	/* legend entry */
	exl_sb_printf(b, "<rect x=\"%zu\" y=\"8\" width=\"12\" height=\"4\" "
		      "fill=\"%s\"/><text class=\"lg\" x=\"%zu\" y=\"14\">",
		      lx, exl_plot_color(l->color), lx + 16);
	exl_html_text(b, l->name);
	exl_sb_printf(b, "</text>\n");
	return drawn;
}

int exl_plot_svg(struct exl_sb *b, const struct exl_plot *p)
{
	struct exl_xy *tmp;
	struct range r;
	size_t i, total = 0;

	find_range(p, &r);
	exl_sb_printf(b, "<figure class=\"plot\">");
	if (!r.n) {
		exl_sb_printf(b, "<figcaption>");
		exl_html_text(b, p->title);
		exl_sb_printf(b, ": no data</figcaption></figure>\n");
		return b->failed ? -1 : 0;
	}
	tmp = malloc(sizeof(*tmp) * 2 * EXL_PLOT_W);
	if (!tmp)
		return -1;
	exl_sb_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
		      SVG_W, SVG_H);
	exl_html_text(b, p->title);
	exl_sb_printf(b, "\">\n<title>");
	exl_html_text(b, p->title);
	exl_sb_printf(b, "</title>\n");
	axes(b, p, &r);
	marks(b, p, &r);
	for (i = 0; i < p->nlines; i++)
		total += line(b, &p->lines[i], &r, tmp, i, p->nlines);
	exl_sb_printf(b, "<desc>points drawn: %zu</desc></svg></figure>\n",
		      total);
	free(tmp);
	return b->failed ? -1 : 0;
}
