/* exl_err.h - a caller-owned buffer for one readable error message.
 *
 * Library functions never print: they return -1 (or NULL) and, when the
 * caller passed a struct exl_err, leave one line of text in it that names
 * the thing that failed and why.  Programs decide how to show it.
 */
#ifndef EXL_ERR_H
#define EXL_ERR_H

#include <stddef.h>

struct exl_err {
	char text[512];
};

/* Format a message into err (which may be NULL).  Always returns -1 so a
 * failing path can end with "return exl_errf(err, ...);". */
int exl_errf(struct exl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like exl_errf, with ": strerror(errnum)" appended. */
int exl_errnof(struct exl_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clear err so a later check can tell whether anything was reported. */
void exl_err_clear(struct exl_err *err);

#endif
