/* loss_series.h - a bounded, downsampled series of (step, loss) points.
 *
 * A training run may log millions of loss values; the one-line summary
 * needs the shape of the curve, not every point.  The series keeps at most
 * EXL_SERIES_MAX evenly spaced samples (every stride-th value, the stride
 * doubling each time the buffer fills) plus, always, the newest value as
 * the last point.  So pts[0] is the first value ever added and pts[n - 1]
 * the latest, exactly.
 */
#ifndef EXL_LOSS_SERIES_H
#define EXL_LOSS_SERIES_H

#include <stddef.h>

/* Samples kept before halving (a power of two). */
#define EXL_SERIES_MAX 512

struct exl_loss_point {
	long long step;		/* -1: no step was known for this value */
	double value;		/* always finite */
};

struct exl_loss_series {
	struct exl_loss_point pts[EXL_SERIES_MAX + 1];
	size_t n;			/* points in pts */
	unsigned long long count;	/* finite values ever added */
	unsigned long long stride;	/* value i is a sample when
					 * i % stride == 0 */
	int tail;			/* pts[n - 1] is the latest value but
					 * not a sample */
	unsigned long long nonfinite;	/* NaN/inf values seen (not kept) */
	long long nonfinite_step;	/* step of the first of them, -1 */
};

void exl_series_init(struct exl_loss_series *s);

/* Add one value logged at step (-1: unknown).  A NaN or infinite value is
 * only counted.  A value equal to the latest point at the same known step
 * is the same log line seen twice (stdout and a log file) and is not
 * added.  Returns 1
 * when the value was added, 0 otherwise. */
int exl_series_add(struct exl_loss_series *s, long long step, double value);

/* First and latest point, NULL when the series is empty. */
const struct exl_loss_point *exl_series_first(const struct exl_loss_series *s);
const struct exl_loss_point *exl_series_last(const struct exl_loss_series *s);

/* Check the invariants of a series restored from untrusted data: counts
 * and stride consistent, every value finite.  Returns 0 when usable. */
int exl_series_check(const struct exl_loss_series *s);

#endif
