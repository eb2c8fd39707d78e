/* telemetry_interval.c - --exp-telemetry values (see telemetry_interval.h). */
#include <string.h>

#include "opts/telemetry_interval.h"

#define USAGE "use SECONDS, e.g. 30, or off"

int exl_parse_interval(const char *val, unsigned int *secs,
		       struct exl_err *err)
{
	unsigned long long v = 0, mult = 1;
	const char *p = val;

	if (!val || !*val || !strcmp(val, "(null)")) {
		*secs = EXL_TELEMETRY_DEFAULT_S;
		return 0;
	}
	if (!strcmp(val, "off")) {
		*secs = 0;
		return 0;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > EXL_TELEMETRY_MAX_S)
			return exl_errf(err, "--exp-telemetry: invalid value "
					"'%.64s': at most %d seconds; " USAGE,
					val, EXL_TELEMETRY_MAX_S);
	}
	if (p == val)
		return exl_errf(err, "--exp-telemetry: invalid value '%.64s': "
				USAGE, val);
	if (*p == 's')
		p++;
	else if (*p == 'm' && (mult = 60))
		p++;
	else if (*p == 'h' && (mult = 3600))
		p++;
	if (*p)
		return exl_errf(err, "--exp-telemetry: invalid value '%.64s': "
				USAGE, val);
	if (v == 0)
		return exl_errf(err, "--exp-telemetry: invalid value '%.64s': "
				"the interval must be at least 1 second; " USAGE,
				val);
	if (v * mult > EXL_TELEMETRY_MAX_S)
		return exl_errf(err, "--exp-telemetry: invalid value '%.64s': "
				"at most %d seconds; " USAGE, val,
				EXL_TELEMETRY_MAX_S);
	*secs = (unsigned int)(v * mult);
	return 0;
}
