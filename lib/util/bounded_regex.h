/* bounded_regex.h - user regexes whose compile and match cost is bounded.
 *
 * Every pattern read from a config file, a rules file or the command line
 * (progress, loss and error patterns, sanitize rules, --node-pattern) is
 * compiled here, with PCRE2 (8-bit, no UTF; JIT where available) and
 * these limits:
 *
 *   compile: at most EXL_REGEX_LEN_MAX bytes and EXL_REGEX_NEST_MAX
 *            nested parentheses; PCRE2's own limit on the compiled size
 *            refuses what grows too big ("((a{1,100}){1,100}){1,100}");
 *            \C and (*UTF) are refused.
 *   match:   windows of EXL_REGEX_SUBJECT_MAX bytes, sharing
 *            EXL_REGEX_MATCH_LIMIT backtracking steps per line; each
 *            with EXL_REGEX_DEPTH_LIMIT nested backtracking frames and
 *            EXL_REGEX_HEAP_LIMIT_KIB of heap per match.  A match that
 *            reaches a limit gives up: the line counts as not matching,
 *            and exl_regex_take_warning says so once per pattern.
 *
 * The syntax is PCRE2's, which takes every POSIX ERE construct the man
 * pages document: bracket expressions ([0-9], [[:digit:]], [^,]),
 * alternation, groups, *, +, ?, {n}, {n,}, {n,m} and {,m} (rewritten to
 * {0,m}, as ERE means).  Measured costs are in bounded_regex.c.
 *
 * One compiled pattern holds its match buffer: match with it from one
 * thread at a time.
 */
#ifndef EXL_BOUNDED_REGEX_H
#define EXL_BOUNDED_REGEX_H

#include <stddef.h>

/* Longest pattern accepted, in bytes. */
#define EXL_REGEX_LEN_MAX 512
/* Deepest nesting of parentheses. */
#define EXL_REGEX_NEST_MAX 32
/* Bytes one PCRE2 match looks at: scanning a subject costs up to its
 * length squared whatever the limits (a start at every byte, each
 * scanning to the end: "a[a-z]*Z" on 64 KiB of 'a' took 5 s in the
 * interpreter), so a longer subject is searched in windows of this size,
 * each starting halfway into the one before: a match up to half a window
 * long is always found, and the cost grows with the length, not its
 * square.  Under 5000 bytes the interpreter also skips a window that
 * lacks a byte the pattern requires. */
#define EXL_REGEX_SUBJECT_MAX 2048
/* pcre2_set_match_limit: backtracking steps for one whole line, shared
 * out evenly among its windows, but never fewer than
 * EXL_REGEX_WINDOW_STEPS_MIN per window.  A step can cost a scan of its
 * window (a possessive repeat, a back reference), so the worst line costs
 * about this times the window's size (bounded_regex.c); a limit per
 * window instead let a line of many windows, each just under it, run
 * for seconds. */
#define EXL_REGEX_MATCH_LIMIT 1000000
/* Steps one window always gets: 32 per byte.  The default patterns take
 * 3 to 6 per byte on a line with no match, and the default val_loss
 * pattern 10 on words that start it again and again (" eval test valid"
 * repeated); a line of many windows each just under this costs far less
 * than the worst line of one window (bounded_regex.c). */
#define EXL_REGEX_WINDOW_STEPS_MIN (32 * EXL_REGEX_SUBJECT_MAX)
/* pcre2_set_depth_limit: nested backtracking points in one match. */
#define EXL_REGEX_DEPTH_LIMIT 10000
/* pcre2_set_heap_limit: KiB of backtracking frames in one match. */
#define EXL_REGEX_HEAP_LIMIT_KIB 4096

/* compile flags */
#define EXL_REGEX_ICASE 1	/* ignore case (ASCII) */
#define EXL_REGEX_NOJIT 2	/* the interpreter only (tests, figures; or
				 * EXL_REGEX_NOJIT in the environment) */
#define EXL_REGEX_JIT_NOW 4	/* JIT-compile at once, not after
				 * EXL_REGEX_JIT_AFTER bytes (figures) */
/* Subject bytes a pattern scans with the interpreter before it is
 * JIT-compiled: a short job's output never pays the JIT's compile. */
#define EXL_REGEX_JIT_AFTER (64u << 10)
/* match flags */
#define EXL_REGEX_NOTBOL 1	/* ^ does not match at the subject's start */

struct exl_regex;

/* One capture group's bytes in the subject: [so, eo), -1 when unset. */
struct exl_regex_span {
	long so, eo;
};

/* Compile pattern (NUL-terminated).  Returns the pattern, or NULL with
 * one line in why saying what is wrong or too costly. */
struct exl_regex *exl_regex_compile(const char *pattern, int flags,
				    char *why, size_t whylen);

/* Number of capture groups. */
size_t exl_regex_groups(const struct exl_regex *re);

/* Match re against the len bytes at s.  m (nm entries, may be 0) gets
 * group 0 (the whole match) and the groups after it.  Returns 1 on a
 * match, 0 on none, -1 when the match gave up at a limit (count it as
 * no match; see exl_regex_take_warning). */
int exl_regex_match(struct exl_regex *re, const char *s, size_t len,
		    int flags, struct exl_regex_span *m, size_t nm);

/* 1 while re's matches run JIT-compiled code, 0 in the interpreter
 * (before EXL_REGEX_JIT_AFTER bytes, or where JIT is off or refused). */
int exl_regex_jit(const struct exl_regex *re);

/* Matches of re that gave up at a limit so far. */
unsigned long exl_regex_gave_up(const struct exl_regex *re);

/* Once per pattern, after its first match that gave up: 1 and a line in
 * buf ("pattern '...' gave up on a line of N bytes (PCRE2 match limit):
 * that line counted as no match; ..."); else 0. */
int exl_regex_take_warning(struct exl_regex *re, char *buf, size_t len);

void exl_regex_free(struct exl_regex *re);

#endif
