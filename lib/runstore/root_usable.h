/* root_usable.h - can the submitting user keep run logs in a directory?
 * Checked at submission, as the user, so that an unusable run-log root
 * stops the job before it runs instead of leaving one line in its
 * output file. */
#ifndef EXL_ROOT_USABLE_H
#define EXL_ROOT_USABLE_H

#include "util/exl_err.h"

/* 0 when root (absolute) exists as a writable directory, or can be created
 * (its nearest existing ancestor is a writable directory); -1 with one
 * line in err naming the directory, what is wrong and the fix when it is
 * on /proc or /sys (or another pseudo file system), not a directory, not
 * writable, on a read-only file system, or can't be reached. */
int exl_root_usable(const char *root, struct exl_err *err);

#endif
