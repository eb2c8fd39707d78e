/* text_utf8.h - copying untrusted text as valid, bounded UTF-8. */
#ifndef EXL_TEXT_UTF8_H
#define EXL_TEXT_UTF8_H

#include <stddef.h>

/* Copy src into dst (size len) as valid UTF-8 of at most max bytes:
 * bytes that are not part of a valid sequence become '?', control
 * characters become ' ', and the text is cut at a character boundary.
 * Returns 1 when src was cut, 0 when it all fit. */
int exl_utf8_cut(const char *src, char *dst, size_t len, size_t max);

#endif
