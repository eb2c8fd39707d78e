/* spark.c - Unicode sparklines (see spark.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/spark.h"

int exl_spark_utf8_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return 0;
}

int exl_spark(const double *v, size_t n, unsigned int width, char *buf,
	      size_t len)
{
	double lo = INFINITY, hi = -INFINITY, *col;
	size_t i, c, cols, o = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < n; i++)
		if (isfinite(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	if (!width || !isfinite(lo))
		return 0;
	cols = n < width ? n : width;
	if (len < cols * 3 + 1)
		return -1;
	col = malloc(sizeof(*col) * cols * 2);
	if (!col)
		return -1;
	memset(col, 0, sizeof(*col) * cols * 2);
	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		c = i * cols / n;
		col[2 * c] += v[i];
		col[2 * c + 1] += 1;
	}
	for (c = 0; c < cols; c++) {
		int level = 0;

		if (!col[2 * c + 1])
			continue;	/* a column of only NaN: left out */
		if (hi > lo)
			level = (int)((col[2 * c] / col[2 * c + 1] - lo) /
				      (hi - lo) * 7.999);
		if (level < 0)
			level = 0;
		if (level > 7)
			level = 7;
		buf[o++] = (char)0xe2;
		buf[o++] = (char)0x96;
		buf[o++] = (char)(0x81 + level);
	}
	buf[o] = '\0';
	free(col);
	return (int)(o / 3);
}
