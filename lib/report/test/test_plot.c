/* test_plot.c - the SVG plots: min/max downsampling keeps every column's
 * extremes (no spike lost), ticks, log scale, escaping, bounded size. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "report/plot.h"

#define COLS 100

/* Does out hold a point equal to p? */
static int has(const struct exl_xy *out, size_t n, struct exl_xy p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (out[i].x == p.x && out[i].y == p.y)
			return 1;
	return 0;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s++;
	}
	return n;
}

static void decimate(void)
{
	size_t n = 1000000, i, m, missing = 0;
	struct exl_xy *in = malloc(sizeof(*in) * n), out[2 * COLS];
	struct exl_xy lo[COLS], hi[COLS];

	if (!in)
		exit(1);
	srand(42);
	for (i = 0; i < n; i++) {
		in[i].x = (double)i;
		in[i].y = 1 + (double)rand() / RAND_MAX;
	}
	in[123457].y = 1e6;		/* one spike up */
	in[654321].y = -1e6;		/* and one down */
	for (i = 0; i < COLS; i++) {
		lo[i].y = INFINITY;
		hi[i].y = -INFINITY;
	}
	for (i = 0; i < n; i++) {
		size_t c = (size_t)(in[i].x / ((double)(n - 1) / COLS));

		if (c >= COLS)
			c = COLS - 1;
		if (in[i].y < lo[c].y)
			lo[c] = in[i];
		if (in[i].y > hi[c].y)
			hi[c] = in[i];
	}
	m = exl_plot_decimate(in, n, 0, (double)(n - 1), COLS, out);
	ok(m <= 2 * COLS && m >= COLS, "a million points become %zu (at "
	   "most two a column)", m);
	for (i = 0; i < COLS; i++)
		if (!has(out, m, lo[i]) || !has(out, m, hi[i]))
			missing++;
	is_int((int)missing, 0, "every column keeps its minimum and maximum");
	ok(has(out, m, in[123457]) && has(out, m, in[654321]),
	   "both spikes survive");
	for (i = 1; i < m; i++)
		if (out[i].x < out[i - 1].x)
			break;
	is_int((int)i, (int)m, "points stay in logged order");
	in[5].y = NAN;
	in[6].x = INFINITY;
	m = exl_plot_decimate(in, 10, 0, 9, COLS, out);
	ok(!has(out, m, in[5]) && m == 8, "non-finite points are dropped");
	free(in);
}

static void ticks(void)
{
	double t[32];
	size_t n;
	char lab[32];

	n = exl_plot_ticks(0, 1000, 0, t, 32);
	ok(n >= 4 && n <= 11 && t[0] == 0 && t[n - 1] == 1000,
	   "linear ticks 0..1000: %zu, ending at %g", n, n ? t[n - 1] : 0);
	ok(t[1] == 200 || t[1] == 100 || t[1] == 250 || t[1] == 500,
	   "a nice step (%g)", t[1]);
	n = exl_plot_ticks(0.001, 10, 1, t, 32);
	ok(n == 5 && t[0] == 0.001 && t[4] == 10,
	   "log ticks are powers of ten over four decades (%zu)", n);
	n = exl_plot_ticks(0.1, 3, 1, t, 32);
	ok(n >= 4, "a short log range gets 2 and 5 between decades (%zu)", n);
	n = exl_plot_time_ticks(590, t, 32);
	ok(n == 5 && t[1] == 120 && t[4] == 480,
	   "ten minutes of time: a tick every two minutes (%zu, %g)", n, t[1]);
	n = exl_plot_time_ticks(86400, t, 32);
	ok(n >= 4 && n <= 9 && fmod(t[1], 3600) == 0,
	   "a day: ticks on whole hours (%g)", n > 1 ? t[1] : 0);
	exl_plot_label(0.0001, 0, lab, sizeof(lab));
	is_str(lab, "0.0001", "small tick label");
	exl_plot_label(1200, 0, lab, sizeof(lab));
	is_str(lab, "1200", "integer tick label");
	exl_plot_label(3.0e7, 0, lab, sizeof(lab));
	is_str(lab, "3e+07", "large tick label is short");
	exl_plot_label(5400, 1, lab, sizeof(lab));
	is_str(lab, "1h30m", "time label");
	exl_plot_label(45, 1, lab, sizeof(lab));
	is_str(lab, "45s", "seconds label");
}

static void svg(void)
{
	struct exl_xy pts[1000];
	struct exl_plot_line l = { "<b>loss</b>", pts, 1000, 0, 0 };
	struct exl_plot_mark mk = { 500, "</svg><script>x</script>", 1 };
	struct exl_plot p = { 0 };
	struct exl_sb b = { 0 };
	char *s;
	size_t i;

	for (i = 0; i < 1000; i++) {
		pts[i].x = (double)i;
		pts[i].y = 5.0 * pow(10, -3.0 * i / 1000);
	}
	p.title = "Loss \"<script>\"";
	p.xlabel = "step";
	p.ylabel = "loss";
	p.ylog = -1;
	p.lines = &l;
	p.nlines = 1;
	p.marks = &mk;
	p.nmarks = 1;
	ok(exl_plot_svg(&b, &p) == 0, "plot rendered");
	s = exl_sb_take(&b, NULL);
	if (!s)
		exit(1);
	is_int((int)count(s, "<svg"), 1, "one <svg>");
	is_int((int)count(s, "</svg>"), 1, "one </svg> (the hostile one "
	       "escaped)");
	ok(!strstr(s, "<script") && !strstr(s, "<b>"), "no markup from text");
	ok(strstr(s, "loss (log scale)</text>") != NULL,
	   "three decades of loss get a log axis");
	ok(strstr(s, "class=\"warn\"") != NULL, "the mark is drawn");
	ok(!strstr(s, "http"), "no address in the SVG");
	free(s);
	for (i = 0; i < 1000; i++)
		pts[i].y = 0.5 + 0.001 * (double)i;
	ok(exl_plot_svg(&b, &p) == 0, "linear plot rendered");
	s = exl_sb_take(&b, NULL);
	ok(s && !strstr(s, "(log scale)"), "less than two decades: linear");
	ok(s && !strstr(s, "<circle"), "a line of 1000 points has no dots");
	l.n = 1;
	ok(exl_plot_svg(&b, &p) == 0, "one point rendered");
	free(s);
	s = exl_sb_take(&b, NULL);
	ok(s && count(s, "<circle") == 1, "a single point shows as a dot");
	free(s);
	l.n = 0;
	ok(exl_plot_svg(&b, &p) == 0, "empty plot rendered");
	s = exl_sb_take(&b, NULL);
	ok(s && !strstr(s, "<svg") && strstr(s, "no data"),
	   "no points: \"no data\", no svg");
	free(s);
}

int main(void)
{
	decimate();
	ticks();
	svg();
	return done_testing();
}
