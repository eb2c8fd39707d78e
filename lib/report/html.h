/* html.h - HTML text for the report pages: every string that comes from
 * a run log, a file name or a metrics key goes through exl_html_text, so
 * nothing a user wrote can become markup. */
#ifndef EXL_HTML_H
#define EXL_HTML_H

#include <stddef.h>

#include "util/strbuf.h"

/* Append s escaped for an HTML text node or a quoted attribute value:
 * & < > " ' become entities; control characters other than newline and
 * tab, DEL and bytes that are not valid UTF-8 become U+FFFD. */
void exl_html_text(struct exl_sb *b, const char *s);

/* The same for the first n bytes of s. */
void exl_html_textn(struct exl_sb *b, const char *s, size_t n);

#endif
