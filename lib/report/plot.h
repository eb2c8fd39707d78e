/* plot.h - line plots as inline SVG for the report pages.
 *
 * A plot has one or more lines of (x, y) points, optional vertical marks
 * (resumed links, Status evidence) and an optional horizontal limit line
 * (the job's allocation).  Points are reduced to the minimum and maximum
 * of each pixel column first (exl_plot_decimate), so a line of a million
 * points costs a few kilobytes and never loses a spike.  The y axis turns
 * logarithmic when every value is positive and they span two decades or
 * more.  Colours are the Okabe-Ito palette (safe for colour-blind
 * readers).  Every text is HTML-escaped.
 */
#ifndef EXL_REPORT_PLOT_H
#define EXL_REPORT_PLOT_H

#include <stddef.h>

#include "util/strbuf.h"

/* Plot area in SVG user units (the svg scales to the page width). */
#define EXL_PLOT_W 720
#define EXL_PLOT_H 220

struct exl_xy {
	double x, y;
};

struct exl_plot_line {
	const char *name;		/* legend text */
	const struct exl_xy *pts;	/* in the order they were logged */
	size_t n;
	int color;			/* palette index (wraps) */
	int dashed;
};

struct exl_plot_mark {
	double x;
	const char *label;		/* shown on hover (<title>) */
	int warn;			/* drawn in the warning colour */
};

struct exl_plot {
	const char *title, *xlabel, *ylabel;
	int xtime;			/* x is Unix seconds: elapsed labels */
	int ylog;			/* -1 auto, 0 linear, 1 log */
	int have_limit;
	double limit;			/* a horizontal limit line at y */
	const char *limit_label;
	const struct exl_plot_mark *marks;
	size_t nmarks;
	const struct exl_plot_line *lines;
	size_t nlines;
};

/* The palette colour i (wraps), "#rrggbb". */
const char *exl_plot_color(int i);

/* Reduce n points with x in [x0, x1] to at most 2 * cols: for each of
 * cols equal columns the point with the smallest and the one with the
 * largest y, in their original order (one point when they are the same).
 * Points with a non-finite coordinate are dropped; x outside the range
 * counts in the nearest edge column.  out needs room for 2 * cols points.
 * Returns the number written. */
size_t exl_plot_decimate(const struct exl_xy *in, size_t n, double x0,
			 double x1, unsigned int cols, struct exl_xy *out);

/* Tick values for [lo, hi]: "nice" steps of 1, 2 or 5 x 10^k (linear),
 * or powers of ten with 2 and 5 between them when the range is short
 * (log).  Writes at most max values; returns how many. */
size_t exl_plot_ticks(double lo, double hi, int log, double *out,
		      size_t max);

/* Ticks for a time axis of span seconds from 0: steps of 1, 2, 5, 10,
 * 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1, 2, 5, 10 days,
 * at most about 8 of them.  Returns how many. */
size_t exl_plot_time_ticks(double span, double *out, size_t max);

/* A tick label: %g-style, at most 6 significant digits, no "e+00"
 * clutter ("0.001", "1e-05", "2.5", "1200"); with xtime the value is
 * seconds shown as "45s", "12m", "1h30m", "2d3h". */
void exl_plot_label(double v, int xtime, char *buf, size_t len);

/* Append the plot as <figure class="plot"><svg>...</svg></figure>.
 * Each line's path carries data-n (points drawn) and the svg's <desc>
 * the total.  A plot without any finite point says "no data" instead.
 * Returns 0, or -1 when memory ran out. */
int exl_plot_svg(struct exl_sb *b, const struct exl_plot *p);

#endif
