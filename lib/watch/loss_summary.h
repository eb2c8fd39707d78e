/* loss_summary.h - the run log's loss_one_liner, computed from the series.
 *
 * The sentence is a takeaway a person reads at a glance, built from these
 * clauses joined by "; " (values printed with 4 significant digits):
 *
 *  train   "train loss fell 92% (1.1 → 0.085) over 12k steps"
 *          fell / rose when first → last changes by more than 2% of
 *          |first|, else "flat"; the span is last step - first step in
 *          human units (850, 1.2k, 12k, 1.2M, 3B), or "over N logged
 *          values" when the values carry no steps.  One value:
 *          "one train loss value (0.5 at step 100)".
 *  val     "val fell 40% (0.15 → 0.09)", same rule, then at most one of:
 *          ", rising since step 9k (min 0.08)" when the mean of the last
 *            fifth of the values is more than 5% above the minimum and the
 *            minimum is not the latest value (the clause is left out when
 *            the minimum is the first value: "rose" already says it);
 *            "; possible overfitting" is added when train loss fell;
 *          ", flat after step 8k": the earliest point from which every
 *            value stays within 2% of the final level (the mean of the
 *            last fifth), when that point is before the last 20% of the
 *            span.
 *  nan     "train loss was NaN/inf 3 times from step 5k on (ignored)"
 *  none    "no loss values found in the output"; with val only, the train
 *          clause reads "no train loss found".
 *
 * NaN and infinite values are never used in the arithmetic.
 */
#ifndef EXL_LOSS_SUMMARY_H
#define EXL_LOSS_SUMMARY_H

#include <stddef.h>

#include "watch/loss_series.h"

/* Write the one-liner for train and val (either may be NULL) into buf.
 * Returns 0, or -1 when buf was too small (the text is cut) or memory
 * ran out (buf holds ""). */
int exl_loss_summary(const struct exl_loss_series *train,
		     const struct exl_loss_series *val, char *buf, size_t len);

/* A count in human units: 850, 1.2k, 12k, 1.2M, 3B, 4T ... */
void exl_human_count(unsigned long long n, char *buf, size_t len);

#endif
