/* bounded_regex.c - PCRE2 with compile and match limits (see
 * bounded_regex.h).
 *
 * Measured (PCRE2 10.42, Debian 12, the project's 2-core VM, -O2; the
 * test lib/util/test/test_bounded_regex.c prints these as diagnostics;
 * seven runs; whole test process max RSS 2.7 MiB):
 *
 *   pattern, subject                     JIT            interpreter
 *   e + 24 '+' (glibc: 12 GB)            refused <1 ms  refused <1 ms
 *   ((a{1,100}){1,100}){1,100}           refused <1 ms  refused <1 ms
 *   @00}+{,20}+{,2200} (fuzz timeout)    refused <1 ms  refused <1 ms
 *   (a+)+$, 32 'a' and '!'               gave up 2-4 ms gave up 11-14 ms
 *   a[a-z]*Z, 64 KiB of "a{4000} Z"      14-28 ms       30-53 ms
 *   ee+e+x{15}e, 2 KiB of 'e' (fuzz)     gave up 0.18-0.34 s
 *                                                       gave up 0.43-0.81 s
 *   ee+e+x{15}e, 64 KiB of 'e'           gave up 14-24 ms
 *                                                       gave up 32-68 ms
 *   default error patterns, 256 KiB      no match, none gives up
 *   default progress patterns, 64 KiB
 *   of " eval test valid"                no match, none gives up
 *   ee+e+x{15}e, 4-64 KiB of runs of k
 *   'e' and an 'a' (windows just under
 *   their share of the steps), k 8-2048  at most 60 ms  at most 0.17 s
 *
 * Patterns with a byte the line lacks ("(.*){1,80}x" on 64 KiB of 'a')
 * are skipped unsearched.  The worst is a line of one window that takes
 * the whole line's steps, each a scan of what is left of the window
 * ("e+" after "e+" is matched possessively and not counted): about
 * EXL_REGEX_MATCH_LIMIT times the window's size in byte comparisons.
 * With the steps counted per window instead, that fuzz input cost 0.4 s
 * (JIT) and 1.05 s (interpreter) in one 4 KiB window, and with 1 KiB
 * windows, each just under the limit, 12.7 s (interpreter) on 64 KiB.
 * So one match of a line costs at most about 0.35 s with the JIT and
 * 0.8 s without; most end in milliseconds.  The JIT keeps the
 * match limit (it counts its own way, and gives up where the
 * interpreter does or sooner) and runs on PCRE2's default 32 KiB JIT
 * stack; the depth and heap limits bound the interpreter's backtracking
 * frames.  Without the windows, "a[a-z]*Z" took 5 s (interpreter) and
 * "(a+)+c" 6.5 s (JIT): PCRE2 restarts its match count at each start.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/bounded_regex.h"

struct exl_regex {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	unsigned long gave_up;
	size_t gave_up_len;	/* the subject's length the first time */
	int warned;
	int jit;		/* JIT-compiled (else the interpreter) */
	int jit_later;		/* JIT-compile after EXL_REGEX_JIT_AFTER bytes */
	size_t scanned;		/* subject bytes matched so far */
	char pattern[EXL_REGEX_LEN_MAX + 1];
};

/* The user's pattern P is matched as SCAN P ")": one anchored match
 * whose lazy prefix tries each start in turn, so the match limit counts
 * the steps of the whole line (PCRE2 restarts its count at every start
 * of an unanchored search, so a pattern costing just under the limit at
 * every start of a 64 KiB line ran for seconds).  \A ignores NOTBOL; \K
 * makes the match start where P starts.  The groups are P's. */
#define SCAN "\\A(?s:.*?)\\K(?:"
/* the pattern once "{,m}" became "{0,m}" */
#define PCRE_LEN_MAX (2 * EXL_REGEX_LEN_MAX)
/* and once wrapped in SCAN */
#define WRAPPED_MAX (PCRE_LEN_MAX + sizeof(SCAN))

/* skip_class: p at "[": past the class as PCRE2 reads it ("[]a]", "[^]a]",
 * "[[:digit:]]", "\]" escapes), or at the NUL when it is not closed. */
static const char *skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '\\' && p[1]) {
			p += 2;
		} else if (*p == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");

			p = e ? e + 2 : p + 1;
		} else {
			p++;
		}
	}
	return *p ? p + 1 : p;
}

/* ere_to_pcre2: out is pattern with every "{,m}" quantifier (ERE: 0 to
 * m) written "{0,m}", which PCRE2 10.42 would read as literal text.  Out
 * must have room for 2 * strlen(pattern) + 1 bytes. */
static void ere_to_pcre2(const char *pattern, char *out)
{
	const char *p = pattern, *q;

	while (*p) {
		if (p[0] == '\\' && p[1] == 'Q') {
			q = strstr(p + 2, "\\E");
			q = q ? q + 2 : p + strlen(p);
		} else if (*p == '\\') {
			q = p + (p[1] ? 2 : 1);
		} else if (*p == '[') {
			q = skip_class(p);
		} else if (p[0] == '{' && p[1] == ',' &&
			   p[2] >= '0' && p[2] <= '9') {
			for (q = p + 2; *q >= '0' && *q <= '9'; q++)
				;
			if (*q == '}') {
				*out++ = '{';
				*out++ = '0';
				p++;
				q++;
			}
		} else {
			q = p + 1;
		}
		memcpy(out, p, (size_t)(q - p));
		out += q - p;
		p = q;
	}
	*out = '\0';
}

/* compile_error: PCRE2's message for code into why. */
static void compile_error(int code, size_t offset, char *why, size_t whylen)
{
	PCRE2_UCHAR msg[160];

	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		snprintf((char *)msg, sizeof(msg), "PCRE2 error %d", code);
	snprintf(why, whylen, "%s (at byte %zu)", (const char *)msg, offset);
}

/* compile: pattern with opts under the limits (nest: its deepest nesting
 * of parentheses), or NULL with why set. */
static pcre2_code *compile(const char *pattern, uint32_t opts,
			   uint32_t nest, char *why, size_t whylen)
{
	pcre2_compile_context *cctx = pcre2_compile_context_create(NULL);
	PCRE2_SIZE offset = 0;
	pcre2_code *code;
	int rc = 0;

	if (!cctx ||
	    pcre2_set_max_pattern_length(cctx, WRAPPED_MAX) != 0 ||
	    pcre2_set_parens_nest_limit(cctx, nest) != 0) {
		pcre2_compile_context_free(cctx);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
			     &rc, &offset, cctx);
	pcre2_compile_context_free(cctx);
	if (!code)
		compile_error(rc, offset, why, whylen);
	return code;
}

/* jit_now: JIT-compile re's pattern; where the system refuses (no JIT
 * in this PCRE2, no executable memory), the interpreter goes on. */
static void jit_now(struct exl_regex *re)
{
	re->jit_later = 0;
	re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
}

struct exl_regex *exl_regex_compile(const char *pattern, int flags,
				    char *why, size_t whylen)
{
	char pcre[PCRE_LEN_MAX + 1], scan[PCRE_LEN_MAX + sizeof(SCAN) + 2];
	uint32_t opts = PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY |
			PCRE2_NEVER_BACKSLASH_C | PCRE2_NEVER_UTF |
			PCRE2_NEVER_UCP;
	struct exl_regex *re;
	pcre2_code *alone;

	if (strlen(pattern) > EXL_REGEX_LEN_MAX) {
		snprintf(why, whylen, "longer than %d bytes: shorten it",
			 EXL_REGEX_LEN_MAX);
		return NULL;
	}
	if (flags & EXL_REGEX_ICASE)
		opts |= PCRE2_CASELESS;
	ere_to_pcre2(pattern, pcre);
	/* alone first: its errors point into the user's text, and once it
	 * compiles its parentheses balance, so the scan below wraps it
	 * whole */
	alone = compile(pcre, opts, EXL_REGEX_NEST_MAX, why, whylen);
	if (!alone)
		return NULL;
	pcre2_code_free(alone);
	snprintf(scan, sizeof(scan), SCAN "%s)", pcre);
	re = calloc(1, sizeof(*re));
	if (!re) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	snprintf(re->pattern, sizeof(re->pattern), "%s", pattern);
	re->code = compile(scan, opts, EXL_REGEX_NEST_MAX + 1, why, whylen);
	if (!re->code) {
		free(re);
		return NULL;
	}
	/* JIT where the system allows it (2-10x faster here); it keeps the
	 * match limit and runs on PCRE2's default 32 KiB JIT stack (a
	 * deeper match gives up), else the interpreter does it.  Not at
	 * once: JIT-compiling the ten default patterns costs about 0.15 ms,
	 * more than the interpreter spends on the output of a short job, so
	 * a pattern is JIT-compiled once it has scanned EXL_REGEX_JIT_AFTER
	 * bytes (exl_regex_match).  EXL_REGEX_NOJIT in the environment
	 * turns it off (valgrind cannot follow JIT code:
	 * tests/include/unit.mk) */
	re->jit_later = !(flags & EXL_REGEX_NOJIT) &&
			!getenv("EXL_REGEX_NOJIT");
	if (re->jit_later && (flags & EXL_REGEX_JIT_NOW))
		jit_now(re);
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	re->mctx = pcre2_match_context_create(NULL);
	/* the match limit depends on the line: exl_regex_match sets it */
	if (!re->md || !re->mctx ||
	    pcre2_set_depth_limit(re->mctx, EXL_REGEX_DEPTH_LIMIT) != 0 ||
	    pcre2_set_heap_limit(re->mctx, EXL_REGEX_HEAP_LIMIT_KIB) != 0) {
		exl_regex_free(re);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	return re;
}

size_t exl_regex_groups(const struct exl_regex *re)
{
	uint32_t n = 0;

	if (pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n) != 0)
		return 0;
	return n;
}

/* match_window: one pcre2_match over at most EXL_REGEX_SUBJECT_MAX
 * bytes at s (noteol: the subject goes on after them, so "$" cannot
 * match there); exl_regex_match's result. */
static int match_window(struct exl_regex *re, const char *s, size_t len,
			int flags, int noteol, struct exl_regex_span *m,
			size_t nm)
{
	PCRE2_SIZE *ov;
	uint32_t pairs;
	size_t i;
	int rc;

	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0,
			 (flags & EXL_REGEX_NOTBOL ? PCRE2_NOTBOL : 0) |
			 (noteol ? PCRE2_NOTEOL : 0) |
			 (re->jit ? 0 : PCRE2_NO_JIT), re->md,
			 re->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)	/* match, depth or heap limit, out of memory */
		return -1;
	ov = pcre2_get_ovector_pointer(re->md);
	pairs = pcre2_get_ovector_count(re->md);
	if (rc == 0)		/* more groups than pairs: all pairs set */
		rc = (int)pairs;
	for (i = 0; i < nm; i++) {
		/* groups past the last that took part are unset here */
		if (i < (size_t)rc && i < pairs && ov[2 * i] != PCRE2_UNSET) {
			m[i].so = (long)ov[2 * i];
			m[i].eo = (long)ov[2 * i + 1];
		} else {
			m[i].so = m[i].eo = -1;
		}
	}
	return 1;
}

/* window_steps: the match limit of each window of a line of len bytes:
 * the line's EXL_REGEX_MATCH_LIMIT shared among its windows (the first,
 * then one per half window after it), at least EXL_REGEX_WINDOW_STEPS_MIN
 * each. */
static uint32_t window_steps(size_t len)
{
	size_t half = EXL_REGEX_SUBJECT_MAX / 2, n = 1, steps;

	if (len > EXL_REGEX_SUBJECT_MAX)
		n += (len - EXL_REGEX_SUBJECT_MAX + half - 1) / half;
	steps = EXL_REGEX_MATCH_LIMIT / n;
	return steps < EXL_REGEX_WINDOW_STEPS_MIN ?
	       EXL_REGEX_WINDOW_STEPS_MIN : (uint32_t)steps;
}

int exl_regex_match(struct exl_regex *re, const char *s, size_t len,
		    int flags, struct exl_regex_span *m, size_t nm)
{
	struct exl_regex_span whole;
	size_t off = 0, win, i;
	int rc, last;

	if (nm == 0) {		/* the windows need group 0 */
		m = &whole;
		nm = 1;
	}
	if (re->jit_later) {
		re->scanned += len;
		if (re->scanned >= EXL_REGEX_JIT_AFTER)
			jit_now(re);
	}
	if (pcre2_set_match_limit(re->mctx, window_steps(len)) != 0)
		return -1;
	for (;;) {
		last = len - off <= EXL_REGEX_SUBJECT_MAX;
		win = last ? len - off : EXL_REGEX_SUBJECT_MAX;
		rc = match_window(re, s + off, win, off ? flags | EXL_REGEX_NOTBOL :
				  flags, !last, m, nm);
		if (rc < 0 || last)
			break;
		/* a match touching the window's end may go on past it:
		 * look again from its start, with a whole window ahead */
		if (rc == 1 && (size_t)m[0].eo == win && m[0].so > 0) {
			off += (size_t)m[0].so;
			continue;
		}
		if (rc == 1)
			break;
		off += EXL_REGEX_SUBJECT_MAX / 2;
	}
	if (rc < 0) {
		if (re->gave_up++ == 0)
			re->gave_up_len = len;
		return -1;
	}
	for (i = 0; rc == 1 && off && i < nm; i++)
		if (m[i].so >= 0) {
			m[i].so += (long)off;
			m[i].eo += (long)off;
		}
	return rc;
}

int exl_regex_jit(const struct exl_regex *re)
{
	return re->jit;
}

unsigned long exl_regex_gave_up(const struct exl_regex *re)
{
	return re->gave_up;
}

int exl_regex_take_warning(struct exl_regex *re, char *buf, size_t len)
{
	if (!re->gave_up || re->warned)
		return 0;
	re->warned = 1;
	snprintf(buf, len, "pattern '%.80s' gave up on a line of %zu bytes "
		 "(PCRE2 match limit): that line counted as no match; "
		 "simplify repeats that can match the same text (nested as "
		 "in (a+)+, side by side as in a+a+, or a leading .*)",
		 re->pattern, re->gave_up_len);
	return 1;
}

void exl_regex_free(struct exl_regex *re)
{
	if (!re)
		return;
	pcre2_match_context_free(re->mctx);
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re);
}
