/* Unit tests: config regexes are refused when glibc cannot bound their
 * cost (issue 19, finding 1); the ones in use still compile. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "watch/progress.h"
#include "util/regex_bound.h"
#include "runstore/sanitize.h"
#include "tap.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* refused: why names one of the two reasons a pattern is refused for */
static int refused(const char *why)
{
	return strstr(why, "too costly") || strstr(why, "stacked repetition");
}

/* e followed by n "+" */
static const char *pluses(int n)
{
	static char buf[64];

	buf[0] = 'e';
	memset(buf + 1, '+', (size_t)n);
	buf[n + 1] = '\0';
	return buf;
}

/* costly: compiling pattern takes more than limit seconds */
static int costly(const char *pattern, double limit)
{
	double t0 = now_s(), t;
	regex_t re;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_ICASE) != 0)
		return 1;
	regfree(&re);
	t = now_s() - t0;
	diag("%s: compiled in %.3f s", pattern, t);
	return t > limit;
}

int main(void)
{
	static const char *const fine[] = {
		EXL_PAT_STEP_DEFAULT, EXL_PAT_LOSS_DEFAULT, EXL_PAT_VAL_DEFAULT,
		"step[ =:]+([[:digit:]]+)", "[Ll]oss: *([0-9.eE+-]+)",
		"x{3}", "a{1,20}b", "(ab|cd)+", "\\(literal\\)", "[]a]+",
		"[[:alpha:]_]+=", "{", "a{,3}", "x*y?z+", NULL
	};
	static const char *const worst[] = {
		"(.*){1,80}", "(e{1,14}){1,14}", "((e+)+)+(x+)+",
		"((((e+)+)+)+)+((((e+)+)+)+)+", "((((e?)+)?)+)?",
		NULL
	};
	char why[256];
	regex_t re;
	struct exl_sanitizer s = { 0 };
	struct exl_err err;
	size_t i;

	/* no address-space limit here: ASan (CI) reserves terabytes.  The
	 * old code's regcomp of e + 24 '+' wanted 12 GB, so a regression
	 * fails this test by running out of memory or time */
	for (i = 0; fine[i]; i++)
		ok(exl_regex_bounded(fine[i], why, sizeof(why)) == 0,
		   "accepted: %s", fine[i]);
	for (i = 0; exl_error_patterns_default[i]; i++)
		ok(exl_regex_bounded(exl_error_patterns_default[i], why,
				     sizeof(why)) == 0,
		   "default error pattern %zu accepted", i);

	ok(exl_regex_bounded(pluses(24), why, sizeof(why)) < 0 &&
	   refused(why), "e + 24 '+' refused: %s", why);
	ok(exl_regex_bounded(pluses(8), why, sizeof(why)) < 0, "e + 8 '+' refused");
	ok(exl_regex_bounded("e++", why, sizeof(why)) < 0 &&
	   strstr(why, "stacked"), "stacked '+' refused: %s", why);
	/* found by tests/fuzz (regex target): 16 '?' then '+++' took
	 * seconds in glibc although small */
	ok(exl_regex_bounded("e+????????????????+++", why, sizeof(why)) < 0,
	   "stacked '?' and '+' refused");
	ok(exl_regex_bounded("a{2}{3}", why, sizeof(why)) < 0,
	   "stacked counts refused");
	ok(exl_regex_bounded("(e{1,100}){1,100}", why, sizeof(why)) < 0,
	   "nested counted repeats refused");
	ok(exl_regex_bounded("e{1,2000}", why, sizeof(why)) < 0,
	   "a large count refused");
	ok(exl_regex_bounded("(.*){1,255}", why, sizeof(why)) < 0,
	   "a counted group refused");
	ok(exl_regex_bounded("((((((((e+)+)+)+)+)+)+)+)+", why,
			     sizeof(why)) < 0, "nested groups with + refused");
	ok(exl_regex_bounded("(a)\\1", why, sizeof(why)) < 0 &&
	   strstr(why, "back-reference"), "a back-reference refused: %s", why);
	{
		char big[EXL_REGEX_LEN_MAX + 2];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ok(exl_regex_bounded(big, why, sizeof(why)) < 0, "too long refused");
	}

	/* every compile path checks first */
	ok(exl_pattern_regcomp(&re, pluses(24), 0, why, sizeof(why)) < 0 &&
	   refused(why), "error pattern path refuses: %s", why);
	ok(exl_pattern_regcomp(&re, "step (e++++++++++++++++++++++++)", 1, why,
			       sizeof(why)) < 0 && refused(why),
	   "progress pattern path refuses");
	ok(exl_config_regcomp(&re, pluses(24), why, sizeof(why)) < 0 &&
	   refused(why), "sanitize (config) path refuses");
	ok(exl_san_add_regex(&s, pluses(24), "x", 0, "sanitize[0]", &err) < 0 &&
	   strstr(err.text, "sanitize[0]") && refused(err.text),
	   "sanitizer refuses: %s", err.text);
	exl_san_free(&s);

	/* what is accepted compiles cheaply: the worst within the bound
	 * take milliseconds (measured on the 2-core VM; 2 s leaves room for
	 * a loaded box; unbounded, e + 16 '+' took 76 s) */
	for (i = 0; worst[i]; i++) {
		ok(exl_regex_bounded(worst[i], why, sizeof(why)) == 0,
		   "within the bound: %s", worst[i]);
		ok(!costly(worst[i], 2.0), "and cheap to compile: %s", worst[i]);
	}
	return done_testing();
}
