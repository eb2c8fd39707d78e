/* spark.h - one-line Unicode block sparklines for the terminal. */
#ifndef EXL_SPARK_H
#define EXL_SPARK_H

#include <stddef.h>

/* Draw n values as at most width characters from U+2581 (lowest) to
 * U+2588 (highest) into buf (UTF-8, NUL-terminated): each character is
 * the mean of the values of its column (all values when n <= width, one
 * character each).  Non-finite values are skipped.  Returns the number
 * of characters drawn, 0 when there was nothing to draw, -1 when buf is
 * too small (3 bytes a character and the NUL). */
int exl_spark(const double *v, size_t n, unsigned int width, char *buf,
	      size_t len);

/* Does the locale (LC_ALL, else LC_CTYPE, else LANG) say UTF-8?  The
 * sparklines are drawn only then. */
int exl_spark_utf8_locale(void);

#endif
