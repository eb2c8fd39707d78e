/* numfmt.h - numbers as text without printf, for outputs of ten thousand
 * rows (`runlog status --all`), each the same text printf would give. */
#ifndef EXL_NUMFMT_H
#define EXL_NUMFMT_H

#include <stddef.h>

/* v in decimal into buf (at least 21 bytes); returns buf. */
char *exl_fmt_ll(long long v, char *buf);

/* x as printf's "%.4g" into buf (at least 32 bytes); returns buf.  Most
 * values take a path without printf; what that path cannot round with
 * certainty (a value within a hair of a tie, out of its range, not
 * finite) is passed to snprintf. */
char *exl_fmt_g4(double x, char *buf);

#endif
