/* Unit tests: failed run-log writes are counted and told once, in Status
 * when writes work again and in one line for slurmstepd's log. */
#include <stdio.h>
#include <string.h>

#include "job/write_misses.h"
#include "tap.h"

int main(void)
{
	struct exl_write_misses m;
	char buf[700];
	time_t t0 = 1780000000;	/* 2026-05-28 20:26:40 UTC */

	memset(&m, 0, sizeof(m));
	is_int(exl_misses_note(&m, buf, sizeof(buf)), 1, "nothing to tell");
	is_int(exl_misses_report(&m, "/r/x.md", buf, sizeof(buf)), 1,
	       "nothing to report");

	exl_misses_fail(&m, t0, "couldn't write /r/x.md: No space left on device");
	is_int(exl_misses_note(&m, buf, sizeof(buf)), 0, "one miss: a note");
	is_str(buf, "exp-log: 1 run-log update could not be written at 2026-05-28 "
	       "20:26:40 (lost; the job went on): couldn't write /r/x.md: "
	       "No space left on device", "one miss, one time, the error");
	exl_misses_fail(&m, t0 + 5, "couldn't write /r/x.md: Read-only file system");
	exl_misses_note(&m, buf, sizeof(buf));
	is_str(buf, "exp-log: 2 run-log updates could not be written from 2026-05-28 "
	       "20:26:40 to 2026-05-28 20:26:45 (lost; the job went on): "
	       "couldn't write /r/x.md: Read-only file system",
	       "two misses: the span and the newest error");
	exl_misses_report(&m, "/r/x.md", buf, sizeof(buf));
	ok(strstr(buf, "2 updates of run log /r/x.md could not be written") &&
	   strstr(buf, "the run log does not say so"),
	   "report before the note: the log does not say so (%s)", buf);

	exl_misses_told(&m);
	is_int(exl_misses_note(&m, buf, sizeof(buf)), 1, "told once");
	exl_misses_fail(&m, t0 + 60, NULL);
	exl_misses_note(&m, buf, sizeof(buf));
	is_str(buf, "exp-log: 1 run-log update could not be written at 2026-05-28 "
	       "20:27:40 (lost; the job went on): unknown error",
	       "a later miss starts a new span");
	exl_misses_told(&m);
	exl_misses_report(&m, NULL, buf, sizeof(buf));
	is_str(buf, "3 updates of run log (unknown) could not be written from "
	       "2026-05-28 20:26:40 to 2026-05-28 20:27:40: unknown error; a "
	       "Status line in the run log says so",
	       "the report counts the whole step");
	exl_misses_report(&m, "/r/x.md", buf, 16);
	is_int((int)strlen(buf), 15, "a short buffer is cut, not overrun");
	return done_testing();
}
