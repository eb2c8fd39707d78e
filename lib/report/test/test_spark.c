/* test_spark.c - sparklines: levels, columns, bounds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "report/spark.h"

int main(void)
{
	double up[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, flat[3] = { 5, 5, 5 };
	double nan3[3] = { NAN, 1, 2 }, *big;
	char buf[256], small[4];
	size_t i;

	is_int(exl_spark(up, 8, 40, buf, sizeof(buf)), 8, "one character "
	       "a value when they fit");
	is_str(buf, "\xe2\x96\x81\xe2\x96\x82\xe2\x96\x83\xe2\x96\x84"
	       "\xe2\x96\x85\xe2\x96\x86\xe2\x96\x87\xe2\x96\x88",
	       "a rising series uses all eight levels, lowest to highest");
	is_int(exl_spark(flat, 3, 40, buf, sizeof(buf)), 3, "flat series");
	is_str(buf, "\xe2\x96\x81\xe2\x96\x81\xe2\x96\x81",
	       "a flat series is the lowest level");
	is_int(exl_spark(nan3, 3, 40, buf, sizeof(buf)), 2,
	       "a NaN value is left out");
	big = malloc(sizeof(*big) * 100000);
	if (!big)
		return 1;
	for (i = 0; i < 100000; i++)
		big[i] = i == 77777 ? 1000 : 1;
	is_int(exl_spark(big, 100000, 20, buf, sizeof(buf)), 20,
	       "a long series fits the width");
	ok(strlen(buf) == 60, "20 characters of 3 bytes");
	free(big);
	is_int(exl_spark(up, 8, 40, small, sizeof(small)), -1,
	       "too small a buffer is refused");
	is_int(exl_spark(up, 0, 40, buf, sizeof(buf)), 0, "nothing to draw");
	setenv("LANG", "en_US.UTF-8", 1);
	unsetenv("LC_CTYPE");
	setenv("LC_ALL", "", 1);
	ok(exl_spark_utf8_locale(), "LANG=en_US.UTF-8: UTF-8");
	setenv("LC_CTYPE", "C", 1);
	ok(!exl_spark_utf8_locale(), "LC_CTYPE=C wins over LANG");
	setenv("LC_ALL", "C.utf8", 1);
	ok(exl_spark_utf8_locale(), "LC_ALL=C.utf8 wins over both");
	unsetenv("LC_ALL");
	unsetenv("LC_CTYPE");
	unsetenv("LANG");
	ok(!exl_spark_utf8_locale(), "no locale: not UTF-8");
	return done_testing();
}
