/* Unit tests: bounded loss series and the loss one-liner. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watch/loss_series.h"
#include "watch/loss_summary.h"
#include "tap.h"

static struct exl_loss_series tr, va;

static void reset(void)
{
	exl_series_init(&tr);
	exl_series_init(&va);
}

/* summary: the one-liner of the global series (static buffer). */
static const char *summary(int with_train, int with_val)
{
	static char buf[512];

	if (exl_loss_summary(with_train ? &tr : NULL, with_val ? &va : NULL,
			     buf, sizeof(buf)) < 0)
		return "(error)";
	return buf;
}

static void test_human_count(void)
{
	static const struct {
		unsigned long long n;
		const char *want;
	} t[] = {
		{ 0, "0" }, { 850, "850" }, { 999, "999" }, { 1000, "1k" },
		{ 1200, "1.2k" }, { 9960, "10k" }, { 12000, "12k" },
		{ 12345, "12k" }, { 999499, "999k" }, { 999500, "1M" },
		{ 1200000, "1.2M" }, { 3000000000ULL, "3B" },
		{ 4500000000000ULL, "4.5T" },
		{ ULLONG_MAX, "18E" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		exl_human_count(t[i].n, buf, sizeof(buf));
		is_str(buf, t[i].want, "human count %llu", t[i].n);
	}
}

static void test_series(void)
{
	const struct exl_loss_point *f, *l;
	struct exl_loss_series s;
	long long i;
	int evenly = 1;
	size_t j;

	exl_series_init(&s);
	ok(exl_series_first(&s) == NULL && exl_series_last(&s) == NULL,
	   "empty series has no first/last");
	is_int(exl_series_add(&s, 10, 0.5), 1, "first value added");
	is_int(exl_series_add(&s, 10, 0.5), 0, "same line twice is one value");
	is_int(exl_series_add(&s, 10, NAN), 0, "NaN not added");
	is_int(exl_series_add(&s, 12, INFINITY), 0, "inf not added");
	ok(s.nonfinite == 2 && s.nonfinite_step == 10,
	   "non-finite values counted from their first step");
	is_int(s.n, 1, "one point kept");

	exl_series_init(&s);
	for (i = 0; i < 1000000; i++)
		exl_series_add(&s, i, 1.0 / (double)(i + 1));
	f = exl_series_first(&s);
	l = exl_series_last(&s);
	ok(s.n <= EXL_SERIES_MAX + 1 && s.n >= EXL_SERIES_MAX / 2,
	   "a million values kept in %zu points", s.n);
	ok(f->step == 0 && f->value == 1.0, "first value kept exactly");
	ok(l->step == 999999 && l->value == 1.0 / 1000000,
	   "latest value kept exactly");
	is_int(s.count, 1000000, "all values counted");
	for (j = 1; j + (s.tail ? 1 : 0) < s.n; j++)
		if (s.pts[j].step - s.pts[j - 1].step != (long long)s.stride)
			evenly = 0;
	ok(evenly, "samples evenly spaced by the stride (%llu)", s.stride);
	is_int(exl_series_check(&s), 0, "invariants hold");

	s.stride = 3;
	ok(exl_series_check(&s) < 0, "stride not a power of two refused");
	s.stride = 1;
	s.n = EXL_SERIES_MAX + 2;
	ok(exl_series_check(&s) < 0, "too many points refused");
	s.n = 4;
	s.pts[2].value = NAN;
	ok(exl_series_check(&s) < 0, "non-finite point refused");
}

static void test_empty_and_single(void)
{
	reset();
	is_str(summary(1, 1), "no loss values found in the output", "empty");
	is_str(summary(0, 0), "no loss values found in the output",
	       "no series at all");
	exl_series_add(&tr, 100, 0.5);
	is_str(summary(1, 1), "one train loss value (0.5 at step 100)",
	       "single point");
	reset();
	exl_series_add(&tr, -1, 2.25);
	is_str(summary(1, 1), "one train loss value (2.25)",
	       "single point without a step");
}

static void test_fall_and_plateau(void)
{
	long long s;

	reset();
	for (s = 0; s <= 12000; s += 100)
		exl_series_add(&tr, s, 0.085 + (1.1 - 0.085) *
			       exp(-(double)s / 1500.0));
	for (s = 0; s <= 12000; s += 1000)
		exl_series_add(&va, s, s < 8000 ? 0.15 - 0.0075 * (double)s /
			       1000 : 0.09);
	is_str(summary(1, 1),
	       "train loss fell 92% (1.1 → 0.08534) over 12k steps; "
	       "val fell 40% (0.15 → 0.09), flat after step 8k",
	       "monotone fall, val plateau");
	is_str(summary(1, 0),
	       "train loss fell 92% (1.1 → 0.08534) over 12k steps",
	       "train only");
	is_str(summary(0, 1),
	       "no train loss found; val fell 40% (0.15 → 0.09), flat after step 8k",
	       "val only");
}

static void test_flat_and_rise(void)
{
	reset();
	exl_series_add(&tr, 0, 0.5);
	exl_series_add(&tr, 500, 0.51);
	exl_series_add(&tr, 850, 0.495);
	is_str(summary(1, 1), "train loss flat (0.5 → 0.495) over 850 steps",
	       "flat within 2%%");
	reset();
	exl_series_add(&tr, 0, 1.0);
	exl_series_add(&tr, 1000, 1.12);
	is_str(summary(1, 1), "train loss rose 12% (1 → 1.12) over 1k steps",
	       "rising train loss");
	reset();
	exl_series_add(&tr, 0, 1.0);
	exl_series_add(&tr, 1000, 0.965);
	is_str(summary(1, 1), "train loss fell 3.5% (1 → 0.965) over 1k steps",
	       "small fall keeps a decimal");
	reset();
	exl_series_add(&tr, 0, 0);
	exl_series_add(&tr, 10, -0.25);
	is_str(summary(1, 1), "train loss fell (0 → -0.25) over 10 steps",
	       "no percentage from zero");
}

static void test_overfit(void)
{
	long long s;

	reset();
	for (s = 0; s <= 12000; s += 500)
		exl_series_add(&tr, s, 2.0 - (double)s / 8000.0);
	for (s = 0; s <= 12000; s += 1000)
		exl_series_add(&va, s, s <= 9000 ? 1.0 - (double)s / 20000.0 :
			       0.55 + (double)(s - 9000) / 40000.0);
	is_str(summary(1, 1),
	       "train loss fell 75% (2 → 0.5) over 12k steps; "
	       "val fell 38% (1 → 0.625), rising since step 9k "
	       "(min 0.55, possible overfitting)",
	       "val turning up while train falls");
	reset();
	exl_series_add(&tr, 0, 1.0);
	exl_series_add(&tr, 100, 0.5);
	exl_series_add(&va, 0, 0.4);
	exl_series_add(&va, 50, 0.5);
	exl_series_add(&va, 100, 0.6);
	is_str(summary(1, 1),
	       "train loss fell 50% (1 → 0.5) over 100 steps; "
	       "val rose 50% (0.4 → 0.6), possible overfitting",
	       "val rising from the start");
	reset();
	exl_series_add(&tr, 0, 1.0);
	exl_series_add(&tr, 100, 1.5);
	exl_series_add(&va, 0, 1.0);
	exl_series_add(&va, 50, 0.8);
	exl_series_add(&va, 100, 1.0);
	is_str(summary(1, 1),
	       "train loss rose 50% (1 → 1.5) over 100 steps; "
	       "val flat (1 → 1), rising since step 50 (min 0.8)",
	       "no overfitting claim when train rose too");
}

static void test_noisy(void)
{
	unsigned int seed = 12345;
	long long s;
	double noise;
	const char *got;

	reset();
	for (s = 0; s <= 20000; s += 10) {
		seed = seed * 1103515245u + 12345u;
		noise = ((double)((seed >> 16) % 2001) - 1000.0) / 10000.0;
		exl_series_add(&tr, s, (0.3 + 2.0 * exp(-(double)s / 3000.0)) *
			       (1.0 + noise));
	}
	for (s = 0; s <= 20000; s += 500) {
		seed = seed * 1103515245u + 12345u;
		noise = ((double)((seed >> 16) % 2001) - 1000.0) / 100000.0;
		exl_series_add(&va, s, (0.35 + exp(-(double)s / 3000.0)) *
			       (1.0 + noise));
	}
	got = summary(1, 1);
	ok(strncmp(got, "train loss fell 8", 17) == 0 &&
	   strstr(got, "over 20k steps; val fell 7"), "noisy curves: %s", got);
	ok(strstr(got, "flat after step 1") && !strstr(got, "rising"),
	   "noisy val: plateau found, no false rise");
	is_str(summary(1, 1), got, "deterministic");
}

static void test_no_steps(void)
{
	int i;

	reset();
	for (i = 0; i < 120; i++)
		exl_series_add(&tr, -1, 1.0 - i / 200.0);
	for (i = 0; i < 10; i++)
		exl_series_add(&va, -1, i < 5 ? 1.0 - i / 10.0 : 0.6);
	is_str(summary(1, 1),
	       "train loss fell 60% (1 → 0.405) over 120 logged values; "
	       "val fell 40% (1 → 0.6), flat over the last 56%",
	       "values without steps");
}

static void test_nonfinite(void)
{
	reset();
	exl_series_add(&tr, 0, 1.0);
	exl_series_add(&tr, 100, 0.5);
	exl_series_add(&tr, 5000, NAN);
	exl_series_add(&tr, 5100, INFINITY);
	exl_series_add(&tr, 5200, -INFINITY);
	exl_series_add(&va, 4000, NAN);
	is_str(summary(1, 1),
	       "train loss fell 50% (1 → 0.5) over 100 steps; "
	       "train loss was NaN/inf 3 times from step 5k on (ignored); "
	       "val loss was NaN/inf once at step 4k (ignored)",
	       "NaN/inf reported, never used");
	/* a series restored from a file: non-finite points are skipped */
	reset();
	tr.pts[0] = (struct exl_loss_point){ 0, 2.0 };
	tr.pts[1] = (struct exl_loss_point){ 10, NAN };
	tr.pts[2] = (struct exl_loss_point){ 20, INFINITY };
	tr.pts[3] = (struct exl_loss_point){ 30, 1.0 };
	tr.n = 4;
	tr.count = 4;
	is_str(summary(1, 0), "train loss fell 50% (2 → 1) over 30 steps",
	       "non-finite points ignored in the arithmetic");
	reset();
	exl_series_add(&tr, 7, NAN);
	is_str(summary(1, 1),
	       "no train loss found; train loss was NaN/inf once at step 7 (ignored)",
	       "only NaN");
}

static void test_huge_steps(void)
{
	reset();
	exl_series_add(&tr, 0, 3.0);
	exl_series_add(&tr, 1200000, 2.0);
	exl_series_add(&tr, 3000000000000LL, 1.5);
	is_str(summary(1, 1), "train loss fell 50% (3 → 1.5) over 3T steps",
	       "trillions of steps");
	reset();
	exl_series_add(&tr, LLONG_MAX - 5, 3.0);
	exl_series_add(&tr, LLONG_MAX, 1.5);
	is_str(summary(1, 1), "train loss fell 50% (3 → 1.5) over 5 steps",
	       "steps near LLONG_MAX do not overflow");
	reset();
	exl_series_add(&tr, 0, 1e-300);
	exl_series_add(&tr, 1, 1e300);
	is_str(summary(1, 1),
	       "train loss rose over 1000000% (1e-300 → 1e+300) over 1 step",
	       "absurd ratios stay short");
}

static void test_short_buffer(void)
{
	char buf[16];

	reset();
	exl_series_add(&tr, 0, 1.0);
	exl_series_add(&tr, 100, 0.5);
	is_int(exl_loss_summary(&tr, NULL, buf, sizeof(buf)), -1,
	       "short buffer reported");
	is_str(buf, "train loss fell", "text cut, still terminated");
}

int main(void)
{
	test_human_count();
	test_series();
	test_empty_and_single();
	test_fall_and_plateau();
	test_flat_and_rise();
	test_overfit();
	test_noisy();
	test_no_steps();
	test_nonfinite();
	test_huge_steps();
	test_short_buffer();
	return done_testing();
}
