/* Unit tests: numbers as text without printf (util/numfmt.h) give
 * exactly what printf gives, on chosen values and 200,000 random ones
 * (EXL_NUMFMT_N sets how many). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <limits.h>
#include <math.h>

#include "util/numfmt.h"
#include "tap.h"

/* same_g4: exl_fmt_g4(x) == snprintf("%.4g", x); prints the first
 * difference. */
static int same_g4(double x)
{
	char want[64], got[64];

	snprintf(want, sizeof(want), "%.4g", x);
	exl_fmt_g4(x, got);
	if (strcmp(want, got) == 0)
		return 1;
	diag("%.17g: printf %s, exl_fmt_g4 %s", x, want, got);
	return 0;
}

/* xorshift64: a reproducible stream of random bits. */
static unsigned long long rnd(void)
{
	static unsigned long long s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

int main(void)
{
	static const double chosen[] = { 0, -0.0, 1, -1, 0.5, 1234.5, 1235.5,
		9999.5, 9999.49, 99995, 0.00012345, 0.000123456, 0.0001,
		0.00009999, 0.000099995, 1e-5, 1e15, 9.9995e14, 1e-15,
		1.5e-15, 0.1667, 0.16665, 0.1666666, 2.5, 12.5, 0.125,
		123456789, 1e22, 1e-300, DBL_MAX, DBL_MIN, 5e-324, NAN,
		INFINITY, -INFINITY, 3.14159, -2.71828, 100, 1000, 10000,
		999.95, 99.995, 9.9995, 0.99995 };
	static const long long ints[] = { 0, 7, -7, 12000, LLONG_MAX,
		LLONG_MIN, 1000000007 };
	char buf[32], want[32];
	long n = getenv("EXL_NUMFMT_N") ? atol(getenv("EXL_NUMFMT_N")) :
		 200000;
	long i, bad = 0;
	size_t k;

	for (k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
		snprintf(want, sizeof(want), "%lld", ints[k]);
		is_str(exl_fmt_ll(ints[k], buf), want, "integer %s", want);
	}
	for (k = 0; k < sizeof(chosen) / sizeof(chosen[0]); k++)
		ok(same_g4(chosen[k]), "%%.4g of %.17g", chosen[k]);
	/* log-uniform over 1e-20 .. 1e20, either sign */
	for (i = 0; i < n && bad < 5; i++) {
		double m = (double)(rnd() >> 11) / 9007199254740992.0;
		int e = (int)(rnd() % 41) - 20;
		double x = (1 + 9 * m) * pow(10, e);

		if (rnd() & 1)
			x = -x;
		bad += !same_g4(x);
	}
	ok(bad == 0, "%ld random values as printf prints them", i);
	/* values of four digits and a half, exactly or nearly (ties) */
	for (i = 0, bad = 0; i < 100000 && bad < 5; i++) {
		double x = (double)(1000 + rnd() % 9000) + 0.5;
		int e = (int)(rnd() % 9) - 4;

		x = e >= 0 ? x * pow(10, e) : x / pow(10, -e);
		bad += !same_g4(x) + !same_g4(nextafter(x, 0)) +
		       !same_g4(nextafter(x, 1e30));
	}
	ok(bad == 0, "ties and their neighbours as printf prints them");
	return done_testing();
}
