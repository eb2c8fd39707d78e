/* loss_series.c - bounded loss series (see loss_series.h). */
#include <math.h>

#include "watch/loss_series.h"

/* Largest stride a restored series may claim (2^62). */
#define STRIDE_MAX (1ULL << 62)

void exl_series_init(struct exl_loss_series *s)
{
	s->n = 0;
	s->count = 0;
	s->stride = 1;
	s->tail = 0;
	s->nonfinite = 0;
	s->nonfinite_step = -1;
}

/* halve: keep every other sample (the even ones, so pts[0] stays) and
 * double the stride.  Sample j holds value j * stride before and after. */
static void halve(struct exl_loss_series *s)
{
	size_t j;

	for (j = 0; 2 * j < s->n; j++)
		s->pts[j] = s->pts[2 * j];
	s->n = j;
	s->stride *= 2;
}

int exl_series_add(struct exl_loss_series *s, long long step, double value)
{
	unsigned long long i;
	int sample;

	if (!isfinite(value)) {
		if (s->nonfinite++ == 0)
			s->nonfinite_step = step;
		return 0;
	}
	if (step >= 0 && s->n > 0 && s->pts[s->n - 1].step == step &&
	    s->pts[s->n - 1].value == value)
		return 0;
	if (s->tail) {
		s->n--;
		s->tail = 0;
	}
	i = s->count++;
	sample = i % s->stride == 0;
	if (sample && s->n >= EXL_SERIES_MAX) {
		halve(s);
		sample = i % s->stride == 0;
	}
	s->pts[s->n].step = step;
	s->pts[s->n].value = value;
	s->n++;
	s->tail = !sample;
	return 1;
}

const struct exl_loss_point *exl_series_first(const struct exl_loss_series *s)
{
	return s->n ? &s->pts[0] : NULL;
}

const struct exl_loss_point *exl_series_last(const struct exl_loss_series *s)
{
	return s->n ? &s->pts[s->n - 1] : NULL;
}

int exl_series_check(const struct exl_loss_series *s)
{
	size_t i;

	if (s->stride < 1 || s->stride > STRIDE_MAX ||
	    (s->stride & (s->stride - 1)) != 0)
		return -1;
	if (s->n > EXL_SERIES_MAX + (s->tail ? 1 : 0) || s->n > s->count)
		return -1;
	if ((s->n == 0) != (s->count == 0) || (s->tail && s->n < 2))
		return -1;
	if (s->nonfinite_step < -1)
		return -1;
	for (i = 0; i < s->n; i++)
		if (!isfinite(s->pts[i].value) || s->pts[i].step < -1)
			return -1;
	return 0;
}
