/* unlogged.h - the fallback record of a job whose run log could not be
 * written or closed (run-log directory removed, read-only or full after
 * the job was submitted).  It lives in the user's home, not in the broken directory:
 *   $HOME/.cache/exp-log/unlogged/<job id>.json
 * and `runlog status` shows each one as a warning until it is removed. */
#ifndef EXL_UNLOGGED_H
#define EXL_UNLOGGED_H

#include <time.h>

#include "util/exl_err.h"

/* The records' directory under home (malloc'd), NULL without memory. */
char *exl_unlogged_dir(const char *home);

/* Write the record for job_id: when, the run-log root and the error.
 * Run as the job's user. */
int exl_unlogged_write(const char *home, const char *job_id,
		       const char *root, const char *error, time_t when,
		       struct exl_err *err);

/* One record, as read back. */
struct exl_unlogged {
	char job_id[32];
	char root[1024];
	char error[1024];
	time_t when;
	char path[1200];	/* the record's file */
};

/* Call fn for each record (at most max, unordered); returns how many
 * were read, -1 when the directory could not be read (absent is 0). */
int exl_unlogged_each(const char *home, int max,
		      void (*fn)(const struct exl_unlogged *u, void *arg),
		      void *arg);

#endif
