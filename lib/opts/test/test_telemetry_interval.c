/* Unit tests: --exp-telemetry value parsing. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "opts/telemetry_interval.h"

static const struct {
	const char *in;
	int rc;
	unsigned int secs;
	const char *msg;	/* part of the error text */
} cases[] = {
	{ "30", 0, 30, NULL },
	{ "10", 0, 10, NULL },
	{ "1", 0, 1, NULL },
	{ "10s", 0, 10, NULL },
	{ "2m", 0, 120, NULL },
	{ "1h", 0, 3600, NULL },
	{ "86400", 0, 86400, NULL },
	{ "off", 0, 0, NULL },
	{ NULL, 0, 30, NULL },
	{ "", 0, 30, NULL },
	{ "(null)", 0, 30, NULL },
	{ "x", -1, 0, "invalid value 'x': use SECONDS, e.g. 30, or off" },
	{ "0", -1, 0, "at least 1 second" },
	{ "-5", -1, 0, "invalid value '-5'" },
	{ "1.5", -1, 0, "invalid value '1.5'" },
	{ "10 ", -1, 0, "invalid value '10 '" },
	{ " 10", -1, 0, "invalid value ' 10'" },
	{ "10ms", -1, 0, "invalid value '10ms'" },
	{ "s", -1, 0, "invalid value 's'" },
	{ "OFF", -1, 0, "invalid value 'OFF'" },
	{ "86401", -1, 0, "at most 86400 seconds" },
	{ "25h", -1, 0, "at most 86400 seconds" },
	{ "99999999999999999999999", -1, 0, "at most 86400 seconds" },
	{ "0x10", -1, 0, "invalid value '0x10'" },
};

int main(void)
{
	struct exl_err err = { "" };
	unsigned int secs;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		secs = 12345;
		exl_err_clear(&err);
		rc = exl_parse_interval(cases[i].in, &secs, &err);
		if (cases[i].rc == 0)
			ok(rc == 0 && secs == cases[i].secs,
			   "'%s' -> %u (got %u)", cases[i].in ? cases[i].in :
			   "(NULL)", cases[i].secs, secs);
		else
			ok(rc == -1 && strstr(err.text, cases[i].msg) &&
			   !strncmp(err.text, "--exp-telemetry: ", 17) &&
			   secs == 12345, "'%s' refused: %s", cases[i].in,
			   err.text);
	}
	return done_testing();
}
