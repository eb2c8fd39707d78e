/* page_file.h - a run's page as a file next to its run log, for the
 * plugin at the end of a job (as the job's user). */
#ifndef EXL_PAGE_FILE_H
#define EXL_PAGE_FILE_H

#include "util/exl_err.h"

/* The page's file name for a run log "<dir>/<stem>.md": "<stem>.html"
 * (newly allocated, NULL: out of memory or not a .md name). */
char *exl_page_file_name(const char *run_log);

/* Render the page of run_log (its state in state_dir) and write it to
 * <dir>/<stem>.html: temp file, fsync, rename, never through a symlink.
 * Returns 0, or -1 with err set. */
int exl_page_write(const char *run_log, const char *state_dir,
		   struct exl_err *err);

#endif
