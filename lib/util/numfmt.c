/* numfmt.c - numbers as text without printf (see numfmt.h). */
#include <stdio.h>
#include <string.h>

#include "util/numfmt.h"

char *exl_fmt_ll(long long v, char *buf)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
			       (unsigned long long)v;
	size_t n;

	*--p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n);
	return buf;
}

/* Powers of ten a double holds exactly (up to 1e22). */
static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
	1e19, 1e20, 1e21, 1e22 };

/* The fast path covers 1e-15 <= |x| < 1e15: the scaling below is then
 * one multiplication or division by an exact power of ten. */
#define LO_EXP (-15)
#define HI_EXP 14

/* pow10i: 10^e for LO_EXP <= e <= HI_EXP (near enough below 1: the
 * exponent it picks is checked after scaling). */
static double pow10i(int e)
{
	return e >= 0 ? p10[e] : 1.0 / p10[-e];
}

/* scaled: a * 10^(3 - e), one rounding away from the exact value. */
static double scaled(double a, int e)
{
	return 3 - e >= 0 ? a * p10[3 - e] : a / p10[e - 3];
}

/* strip: drop trailing zeros of the fraction at the end of s (and the
 * point when nothing is left after it). */
static char *strip(char *s, char *end)
{
	while (end > s && end[-1] == '0')
		end--;
	if (end > s && end[-1] == '.')
		end--;
	*end = '\0';
	return end;
}

char *exl_fmt_g4(double x, char *buf)
{
	char d[4], *q = buf;
	double a = x < 0 ? -x : x, r;
	long long n;
	int e, i;

	if (!(a >= 1e-15 && a < 1e15))	/* zero, tiny, huge, NaN */
		goto slow;
	/* e: the decimal exponent of a, so that r is in [1000, 10000) */
	for (e = HI_EXP; e > LO_EXP && a < pow10i(e); e--)
		;
	r = scaled(a, e);
	if (r < 1000.0) {
		e--;
		r = scaled(a, e);
	} else if (r >= 10000.0) {
		e++;
		r = scaled(a, e);
	}
	if (r < 1000.0 || r >= 10000.0)
		goto slow;
	n = (long long)r;
	/* the scaling's error is below 1e-12 here: outside this window
	 * the rounding goes the way exact arithmetic would take it */
	if (r - (double)n > 0.5 - 1e-6 && r - (double)n < 0.5 + 1e-6)
		goto slow;
	if (r - (double)n > 0.5)
		n++;
	if (n == 10000) {
		n = 1000;
		e++;
	}
	for (i = 3; i >= 0; i--) {
		d[i] = (char)('0' + n % 10);
		n /= 10;
	}
	if (x < 0)
		*q++ = '-';
	if (e < -4 || e >= 4) {
		*q++ = d[0];
		*q++ = '.';
		memcpy(q, d + 1, 3);
		q = strip(buf, q + 3);
		*q++ = 'e';
		*q++ = e < 0 ? '-' : '+';
		if (e < 0)
			e = -e;
		*q++ = (char)('0' + e / 10);
		*q++ = (char)('0' + e % 10);
		*q = '\0';
		return buf;
	}
	if (e >= 0) {
		memcpy(q, d, (size_t)e + 1);
		q += e + 1;
		*q++ = '.';
		memcpy(q, d + e + 1, (size_t)(3 - e));
		strip(buf, q + 3 - e);
		return buf;
	}
	*q++ = '0';
	*q++ = '.';
	for (i = 0; i < -e - 1; i++)
		*q++ = '0';
	memcpy(q, d, 4);
	strip(buf, q + 4);
	return buf;
slow:
	snprintf(buf, 32, "%.4g", x);
	return buf;
}
