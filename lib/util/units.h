/* units.h - sizes for people: "1.5 GiB", "312 B". */
#ifndef EXL_UNITS_H
#define EXL_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Format n bytes with a binary unit (B, KiB ... PiB), one decimal above
 * bytes, into buf. */
void exl_human_bytes(uint64_t n, char *buf, size_t len);

#endif
