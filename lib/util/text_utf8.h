/* text_utf8.h - copying untrusted text as valid, bounded UTF-8. */
#ifndef EXL_TEXT_UTF8_H
#define EXL_TEXT_UTF8_H

#include <stddef.h>

/* Copy src into dst (size len) as valid UTF-8 of at most max bytes:
 * bytes that are not part of a valid sequence become '?', control
 * characters become ' ', and the text is cut at a character boundary.
 * Returns 1 when src was cut, 0 when it all fit. */
int exl_utf8_cut(const char *src, char *dst, size_t len, size_t max);

/* The number of terminal columns the first len bytes of s take: East
 * Asian wide and fullwidth characters (CJK, Hangul, most emoji) count 2,
 * combining marks and zero-width characters 0, everything else 1 (a
 * byte that is not valid UTF-8 counts 1, as it is shown as one '?').
 * Needs no locale, so a table lines up the same under LANG=C. */
size_t exl_utf8_width(const char *s, size_t len);

#endif
