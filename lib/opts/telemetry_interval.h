/* telemetry_interval.h - the --exp-telemetry=SECS|off option value. */
#ifndef EXL_TELEMETRY_INTERVAL_H
#define EXL_TELEMETRY_INTERVAL_H

#include "util/exl_err.h"

#define EXL_TELEMETRY_DEFAULT_S 30	/* no value given */
#define EXL_TELEMETRY_MAX_S 86400

/* Parse "30", "30s", "2m", "1h" or "off" into seconds (0 for off).  NULL,
 * "" and "(null)" (how Slurm forwards a missing optional value) mean the
 * default.  Errors read "--exp-telemetry: invalid value 'x': use
 * SECONDS, e.g. 30, or off" plus what was wrong. */
int exl_parse_interval(const char *val, unsigned int *secs,
		       struct exl_err *err);

#endif
