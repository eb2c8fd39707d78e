/* Unit tests: pairing exp-run's signals with its witness's (sigmatch.c):
 * a signal both saw within EXL_SIGMATCH_S was step-wide (not forwarded),
 * one only exp-run saw is forwarded once its wait is over. */
#include <signal.h>
#include <string.h>

#include "util/sigmatch.h"
#include "tap.h"

int main(void)
{
	struct exl_sigmatch m;
	double at = 0;

	memset(&m, 0, sizeof(m));
	is_int(exl_sigmatch_arrived(&m, SIGTERM, 100.0), 0,
	       "exp-run first: pending");
	ok(exl_sigmatch_next(&m) > 100.29 && exl_sigmatch_next(&m) < 100.31,
	   "due after the wait");
	is_int(exl_sigmatch_due(&m, 100.1, 0, &at), 0, "not due yet");
	ok(exl_sigmatch_witnessed(&m, SIGTERM, 100.002, &at) == 1 && at == 100.0,
	   "the witness got it too: step-wide, arrival kept");
	is_int(exl_sigmatch_due(&m, 101.0, 0, &at), 0, "nothing left to forward");
	ok(exl_sigmatch_next(&m) == 0, "nothing pending");

	/* the witness first */
	is_int(exl_sigmatch_witnessed(&m, SIGCONT, 200.0, &at), 0,
	       "witness first: a credit");
	is_int(exl_sigmatch_arrived(&m, SIGCONT, 200.001), 1,
	       "then exp-run: step-wide at once");
	is_int(exl_sigmatch_arrived(&m, SIGCONT, 200.002), 0,
	       "a second CONT with no witness credit is pending");
	is_int(exl_sigmatch_due(&m, 200.5, 0, &at), SIGCONT,
	       "and due for forwarding after the wait");
	is_int(exl_sigmatch_due(&m, 200.5, 0, &at), 0, "once");

	/* exp-run alone (B: warning, scancel -b, --full) */
	is_int(exl_sigmatch_arrived(&m, SIGUSR1, 300.0), 0, "USR1 pending");
	is_int(exl_sigmatch_arrived(&m, SIGUSR1, 300.1), 0, "a second USR1");
	/* the wait runs from the latest arrival: both go then */
	is_int(exl_sigmatch_due(&m, 300.35, 0, &at), 0, "still waiting");
	is_int(exl_sigmatch_due(&m, 300.45, 0, &at), SIGUSR1, "first USR1 due");
	ok(at == 300.0, "with the first arrival time");
	is_int(exl_sigmatch_due(&m, 300.45, 0, &at), SIGUSR1, "second USR1 due");
	is_int(exl_sigmatch_due(&m, 300.45, 0, &at), 0, "no third");

	/* a stale witness credit does not swallow a later signal */
	is_int(exl_sigmatch_witnessed(&m, SIGUSR2, 400.0, &at), 0, "credit");
	is_int(exl_sigmatch_arrived(&m, SIGUSR2, 405.0), 0,
	       "5 s later: not matched, pending");
	is_int(exl_sigmatch_due(&m, 0, 1, &at), SIGUSR2, "all: flushed at once");

	is_int(exl_sigmatch_arrived(&m, 0, 1.0), 0, "signal 0 ignored");
	is_int(exl_sigmatch_arrived(&m, EXL_SIGMATCH_NSIG, 1.0), 0,
	       "out of range ignored");
	ok(exl_sigmatch_next(&m) == 0, "and not pending");
	return done_testing();
}
