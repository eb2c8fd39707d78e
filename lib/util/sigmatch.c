/* sigmatch.c - signals seen by exp-run and by its witness, paired
 * (sigmatch.h). */
#include "util/sigmatch.h"

/* The matching: exp-run and the witness each see a step-wide signal once,
 * in either order, within a few milliseconds; EXL_SIGMATCH_S bounds it. */
int exl_sigmatch_arrived(struct exl_sigmatch *m, int sig, double now)
{
	struct exl_sigmatch_sig *s;

	if (sig <= 0 || sig >= EXL_SIGMATCH_NSIG)
		return 0;
	s = &m->sig[sig];
	if (s->credit > 0 && now - s->credit_at <= 2 * EXL_SIGMATCH_S) {
		s->credit--;
		return 1;
	}
	s->credit = 0;
	if (s->pending == 0)
		s->first = now;
	s->pending++;
	s->due = now + EXL_SIGMATCH_S;
	return 0;
}

int exl_sigmatch_witnessed(struct exl_sigmatch *m, int sig, double now,
			   double *arrived)
{
	struct exl_sigmatch_sig *s;

	if (sig <= 0 || sig >= EXL_SIGMATCH_NSIG)
		return 0;
	s = &m->sig[sig];
	if (s->pending > 0) {
		*arrived = s->first;
		s->pending--;
		return 1;
	}
	s->credit++;
	s->credit_at = now;
	return 0;
}

int exl_sigmatch_due(struct exl_sigmatch *m, double now, int all,
		     double *arrived)
{
	int i;

	for (i = 1; i < EXL_SIGMATCH_NSIG; i++) {
		struct exl_sigmatch_sig *s = &m->sig[i];

		if (s->pending > 0 && (all || s->due <= now)) {
			*arrived = s->first;
			s->pending--;
			return i;
		}
	}
	return 0;
}

double exl_sigmatch_next(const struct exl_sigmatch *m)
{
	double next = 0;
	int i;

	for (i = 1; i < EXL_SIGMATCH_NSIG; i++)
		if (m->sig[i].pending > 0 && (next == 0 || m->sig[i].due < next))
			next = m->sig[i].due;
	return next;
}
