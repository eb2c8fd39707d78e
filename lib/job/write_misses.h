/* write_misses.h - run-log writes that failed while a job ran (a full or
 * read-only run-log filesystem).  The monitor cannot stop the job for
 * them and must not lose them silently: once a write works again the run
 * log gets one Status line saying how many updates were lost, when and
 * why, and at the end of the step slurmstepd's log gets the whole count.
 */
#ifndef EXL_WRITE_MISSES_H
#define EXL_WRITE_MISSES_H

#include <stddef.h>
#include <time.h>

struct exl_write_misses {
	unsigned int total;	/* every failed write of the step */
	unsigned int pending;	/* failed since the last note in the log */
	time_t first, last;	/* of the pending ones */
	time_t first_ever;
	char why[320];		/* the newest failure's error */
};

/* A write failed at now with error why. */
void exl_misses_fail(struct exl_write_misses *m, time_t now, const char *why);

/* The Status text for the pending misses ("exp-log: ...": an event, not
 * evidence, for lint): 0 with buf filled, 1 when none are pending. */
int exl_misses_note(const struct exl_write_misses *m, char *buf, size_t len);

/* The note was written: the pending misses are told. */
void exl_misses_told(struct exl_write_misses *m);

/* One line for slurmstepd's log about the whole step: 0 with buf filled,
 * 1 when every write worked. */
int exl_misses_report(const struct exl_write_misses *m, const char *run_log,
		      char *buf, size_t len);

#endif
