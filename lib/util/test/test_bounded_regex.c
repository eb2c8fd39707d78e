/* Unit tests: user regexes through PCRE2 with limits (issue 19): the ERE
 * constructs the man pages document still work, patterns that were
 * catastrophic for glibc compile or are refused quickly, and every match
 * ends or gives up within a bound, with the JIT and the interpreter.
 * The times and memory measured are printed as diagnostics (the figures
 * in bounded_regex.c come from here). */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "config/config.h"
#include "runstore/sanitize.h"
#include "util/bounded_regex.h"
#include "watch/progress.h"
#include "tap.h"

/* Generous bound for one compile or one match: the worst measured is
 * 0.75 s (the interpreter) on the 2-core VM; ASan is 2-3x slower, and
 * valgrind (make check-valgrind sets EXL_UNDER_VALGRIND) 50x. */
static double bound_s(void)
{
	return getenv("EXL_UNDER_VALGRIND") ? 120.0 : 5.0;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long maxrss_kib(void)
{
	struct rusage u;

	return getrusage(RUSAGE_SELF, &u) == 0 ? u.ru_maxrss : -1;
}

/* matches: pattern (flags) against s: 1, 0 or -1 as exl_regex_match;
 * 2 when it does not compile.  m gets up to 10 groups. */
static int matches(const char *pattern, int flags, const char *s,
		   struct exl_regex_span *m)
{
	struct exl_regex_span mine[10];
	struct exl_regex *re;
	char why[256];
	int rc;

	re = exl_regex_compile(pattern, flags, why, sizeof(why));
	if (!re) {
		diag("%s: %s", pattern, why);
		return 2;
	}
	rc = exl_regex_match(re, s, strlen(s), 0, m ? m : mine, 10);
	exl_regex_free(re);
	return rc;
}

/* The ERE constructs of exp-log.yaml(5) and runlog(1). */
static void ere_syntax(void)
{
	struct exl_regex_span m[10];
	size_t i;

	for (i = 0; i < 2; i++) {
		int f = i ? EXL_REGEX_NOJIT : EXL_REGEX_JIT_NOW;

		ok(matches("step[ =:]+([[:digit:]]+)", f, "x step= 42", m) ==
		   1 && m[1].so == 8 && m[1].eo == 10, "[[:digit:]] class");
		ok(matches("[[:alpha:]_]+=([0-9.]+)", f, "lr_x=0.5", m) == 1 &&
		   m[0].so == 0 && m[1].so == 5, "[[:alpha:]_] and [0-9.]");
		ok(matches("[[:space:]]x[[:alnum:]]", f, "a\txY", NULL) == 1,
		   "[[:space:]] and [[:alnum:]]");
		ok(matches("(CUDA out of memory|NCCL error)", f,
			   "RuntimeError: NCCL error in", m) == 1 &&
		   m[1].so == 14, "alternation in a group");
		ok(matches("^(ab|cd)+$", f, "abcdab", NULL) == 1 &&
		   matches("^(ab|cd)+$", f, "abce", NULL) == 0,
		   "groups, +, anchors");
		ok(matches("^x{3}$", f, "xxx", NULL) == 1 &&
		   matches("^x{3}$", f, "xxxx", NULL) == 0, "{n}");
		ok(matches("^a{2,}b", f, "aaab", NULL) == 1 &&
		   matches("^a{2,}b", f, "ab", NULL) == 0, "{n,}");
		ok(matches("^a{1,2}b$", f, "aab", NULL) == 1 &&
		   matches("^a{1,2}b$", f, "aaab", NULL) == 0, "{n,m}");
		ok(matches("^a{,2}b$", f, "b", NULL) == 1 &&
		   matches("^a{,2}b$", f, "aab", NULL) == 1 &&
		   matches("^a{,2}b$", f, "aaab", NULL) == 0,
		   "{,m} means 0 to m, as in ERE");
		ok(matches("[{,2}]", f, "x,", NULL) == 1 &&
		   matches("\\{,2}", f, "{,2}", NULL) == 1,
		   "{,m} in a class or escaped stays text");
		ok(matches("[]a]+", f, "]a]", m) == 1 && m[0].eo == 3,
		   "] first in a class");
		ok(matches("[^,]+", f, "ab,c", m) == 1 && m[0].eo == 2,
		   "negated class");
		ok(matches("\\(literal\\)", f, "a (literal) b", NULL) == 1,
		   "escaped parentheses");
		ok(matches("{", f, "a{b", NULL) == 1, "a lone { is text");
		ok(matches("x*y?z+", f, "zz", NULL) == 1, "*, ? and +");
		ok(matches("a.c", f, "a\nc", NULL) == 1, ". matches any byte");
		ok(matches("LOSS ([0-9]+)", f | EXL_REGEX_ICASE, "loss 3", m) ==
		   1 && m[1].so == 5, "ignoring case");
		ok(matches("LOSS", f, "loss", NULL) == 0, "case-sensitive");
		ok(matches("a(x)?|b(y)", f, "by", m) == 1 && m[1].so == -1 &&
		   m[2].so == 1 && m[3].so == -1,
		   "groups that took no part are unset");
		ok(matches("\\d+", f, "x12", m) == 1 && m[0].so == 1,
		   "PCRE2's \\d too");
	}
	ok(matches("(", 0, "", NULL) == 2, "a bad pattern is refused");
	ok(matches("[[:nope:]]", 0, "", NULL) == 2, "an unknown class too");
	ok(matches("a\\C", 0, "", NULL) == 2, "\\C is refused");
	ok(matches("(*UTF)a", 0, "", NULL) == 2, "(*UTF) is refused");
	ok(matches("(*LIMIT_MATCH=1000000000)a", 0, "a", NULL) == 2,
	   "start-of-pattern settings are refused");
	ok(matches("a)|(b", 0, "b", NULL) == 2,
	   "unbalanced parentheses cannot leave the wrapper");
}

/* The default patterns, and NOTBOL on a later piece of a line. */
static void defaults(void)
{
	static const char *const progress[] = {
		EXL_PAT_STEP_DEFAULT, EXL_PAT_LOSS_DEFAULT, EXL_PAT_VAL_DEFAULT
	};
	struct exl_regex_span m[10];
	struct exl_regex *re;
	char why[256];
	size_t i;

	for (i = 0; i < 3; i++) {
		re = exl_pattern_compile(progress[i], 1, why, sizeof(why));
		ok(re != NULL, "default progress pattern %zu compiles", i);
		exl_regex_free(re);
	}
	for (i = 0; exl_error_patterns_default[i]; i++) {
		re = exl_pattern_compile(exl_error_patterns_default[i], 0, why,
					 sizeof(why));
		ok(re != NULL, "default error pattern %zu compiles", i);
		exl_regex_free(re);
	}
	re = exl_regex_compile("^x", 0, why, sizeof(why));
	ok(re && exl_regex_match(re, "xy", 2, 0, m, 1) == 1 &&
	   exl_regex_match(re, "xy", 2, EXL_REGEX_NOTBOL, m, 1) == 0,
	   "NOTBOL: ^ does not match at the start");
	exl_regex_free(re);
}

/* Windows: a long line is searched whole, a match across a window's end
 * is found whole, and $ does not match at a window's end. */
static void windows(void)
{
	size_t len = 5 * EXL_REGEX_SUBJECT_MAX;
	char *s = malloc(len + 1);
	struct exl_regex_span m[2];
	struct exl_regex *re;
	char why[256];

	if (!s)
		return;
	memset(s, 'x', len);
	s[len] = '\0';
	memcpy(s + len - 10, "loss 0.125", 10);
	re = exl_regex_compile("loss ([0-9.]+)", 0, why, sizeof(why));
	ok(re && exl_regex_match(re, s, len, 0, m, 2) == 1 &&
	   (size_t)m[1].so == len - 5 && (size_t)m[1].eo == len,
	   "a match at the end of a 40 KiB line is found");
	memset(s, 'x', len);
	memcpy(s + EXL_REGEX_SUBJECT_MAX - 8, "loss 123456789", 14);
	ok(re && exl_regex_match(re, s, len, 0, m, 2) == 1 &&
	   m[1].eo - m[1].so == 9,
	   "a number across a window's end is read whole");
	exl_regex_free(re);
	memset(s, 'x', len);
	re = exl_regex_compile("x$", 0, why, sizeof(why));
	ok(re && exl_regex_match(re, s, len, 0, m, 1) == 1 &&
	   (size_t)m[0].eo == len, "$ matches only at the line's end");
	exl_regex_free(re);
	free(s);
}

/* measure: compile pattern and match it once against s (len bytes), with
 * the JIT or the interpreter; both must end within bound_s().  Returns the
 * match's result, 2 when refused. */
static int measure(const char *name, const char *pattern, int flags,
		   const char *s, size_t len)
{
	double t0 = now_s(), tc, tm;
	struct exl_regex_span m[10];
	struct exl_regex *re;
	char why[256];
	int rc = 2;

	re = exl_regex_compile(pattern, flags, why, sizeof(why));
	tc = now_s() - t0;
	t0 = now_s();
	if (re)
		rc = exl_regex_match(re, s, len, 0, m, 10);
	tm = now_s() - t0;
	diag("%-34s %-6s %s in %.4f s, %s in %.4f s (max RSS %ld KiB)", name,
	     flags & EXL_REGEX_NOJIT ? "interp" : "jit",
	     re ? "compiled" : "refused", tc,
	     rc == 1 ? "matched" : rc == 0 ? "no match" :
	     rc < 0 ? "gave up" : "-", tm, maxrss_kib());
	ok(tc < bound_s() && tm < bound_s(), "%s (%s) within %.0f s", name,
	   flags & EXL_REGEX_NOJIT ? "interpreter" : "JIT", bound_s());
	exl_regex_free(re);
	return rc;
}

/* The patterns that were catastrophic for glibc, and worse lines. */
static void worst(void)
{
	static const char pending[] = "@00}+{,20}+{,2200}";
	static const char fuzz_scan[] = "ee+e+xxxxxxxxxxxxxxxe";
	static const char aa[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	size_t n = EXL_LINE_MAX, i, k;
	char *line = malloc(n + 1), *seg = malloc(n + 1), *runs = malloc(n + 1);
	int f, rc;

	if (!line || !seg || !runs)
		return;
	/* 4000 letters then " Z", again and again: a Z in every window,
	 * and a scan from every letter to the end of its run */
	for (i = 0; i < n; i++)
		runs[i] = i % 4002 < 4000 ? 'a' : i % 4002 == 4000 ? ' ' : 'Z';
	runs[n] = '\0';
	memset(line, 'a', n);
	line[n] = '\0';
	/* "aaaaaaaaaaaaaaaa!" again and again: each start costs just under
	 * a per-start limit, so unanchored PCRE2 took 6.5 s (JIT) */
	for (i = k = 0; i < n; i++, k++) {
		seg[i] = k == 16 ? '!' : 'a';
		if (k == 16)
			k = -1;
	}
	seg[n - 1] = 'c';
	seg[n] = '\0';
	for (f = EXL_REGEX_JIT_NOW; f; f = f == EXL_REGEX_JIT_NOW ?
	     EXL_REGEX_NOJIT : 0) {
		ok(measure("e + 24 '+'", "e++++++++++++++++++++++++", f, "e",
			   1) == 2, "e + 24 '+' refused");
		measure("(a{1,100}){1,100}", "(a{1,100}){1,100}", f, line, n);
		ok(measure("((a{1,100}){1,100}){1,100}",
			   "((a{1,100}){1,100}){1,100}", f, "a", 1) == 2,
		   "((a{1,100}){1,100}){1,100} refused: too large");
		measure("(e{1,100}){1,100} on 'a'", "(e{1,100}){1,100}", f,
			line, n);
		measure("the pending fuzz input", pending, f, line, n);
		rc = measure("(a+)+$ on 32 a and !", "(a+)+$", f, aa,
			     sizeof(aa) - 1);
		ok(rc == -1, "(a+)+$ on 32 a and ! gives up");
		measure("(a+)+c on 64 KiB of a{16}!", "(a+)+c", f, seg, n);
		measure("a[a-z]*Z on 64 KiB of a", "a[a-z]*Z", f, line, n);
		measure("a[a-z]*Z on 64 KiB of a{4000} Z", "a[a-z]*Z", f, runs,
			n);
		measure("(.*){1,80}x on 64 KiB", "(.*){1,80}x", f, line, n);
		measure("((((e+)+)+)+)+x on 64 KiB", "((((a+)+)+)+)+x", f,
			line, n);
		measure("(a|aa)*Z on 64 KiB", "(a|aa)*Z", f, line, n);
		measure("(a*)*(b*)*\\2x on 64 KiB", "(a*)*(b*)*\\2x", f, line,
			n);
		measure("loss default on 64 KiB", EXL_PAT_LOSS_DEFAULT, f |
			EXL_REGEX_ICASE, line, n);
		/* each backtracking step rescans the rest of its window: the
		 * worst line is one window with the whole line's steps */
		memset(line, 'e', n);
		measure("ee+e+x{15}e, one window of e", fuzz_scan, f, line,
			EXL_REGEX_SUBJECT_MAX);
		measure("ee+e+x{15}e, 64 KiB of e", fuzz_scan, f, line, n);
		memset(line, 'a', n);
	}
	free(line);
	free(seg);
	free(runs);
}

/* repeated: n bytes of piece again and again, NUL-terminated (malloc'd;
 * NULL when out of memory). */
static char *repeated(const char *piece, size_t n)
{
	size_t k = strlen(piece), i;
	char *line = malloc(n + 1);

	if (!line)
		return NULL;
	for (i = 0; i < n; i++)
		line[i] = piece[i % k];
	line[n] = '\0';
	return line;
}

/* The default progress patterns on a 64 KiB line of words that start the
 * val_loss pattern again and again (10 steps a byte in the interpreter):
 * none gives up. */
static void eval_words(void)
{
	static const char *const progress[] = {
		EXL_PAT_STEP_DEFAULT, EXL_PAT_LOSS_DEFAULT, EXL_PAT_VAL_DEFAULT
	};
	size_t n = EXL_LINE_MAX, i;
	char *line = repeated(" eval test valid", n), why[256];
	struct exl_regex *re;
	int bad = 0, rc;

	if (!line)
		return;
	for (i = 0; i < 3; i++) {
		re = exl_regex_compile(progress[i], EXL_REGEX_ICASE |
				       EXL_REGEX_NOJIT, why, sizeof(why));
		rc = re ? exl_regex_match(re, line, n, 0, NULL, 0) : 2;
		if (rc != 0) {
			diag("default progress pattern %zu: %d", i, rc);
			bad++;
		}
		exl_regex_free(re);
	}
	ok(bad == 0, "no default progress pattern gives up on 64 KiB of "
	   "\" eval test valid\"");
	free(line);
}

/* The steps of a line are shared among its windows, but each window gets
 * enough for the default patterns, however long the line. */
static void long_lines(void)
{
	size_t n = 4 * EXL_LINE_MAX, i;
	char *line = repeated("{'loss': 0.5312, 'grad_norm': 1.234, "
			      "'learning_rate': 1.9e-05, 'epoch': 0.42} "
			      "step 7 ", n), why[256];
	struct exl_regex *re;
	int f, rc, bad;

	if (!line)
		return;
	for (f = EXL_REGEX_JIT_NOW; f; f = f == EXL_REGEX_JIT_NOW ?
	     EXL_REGEX_NOJIT : 0) {
		for (i = 0, bad = 0; exl_error_patterns_default[i]; i++) {
			re = exl_regex_compile(exl_error_patterns_default[i],
					       f, why, sizeof(why));
			rc = re ? exl_regex_match(re, line, n, 0, NULL, 0) : 2;
			if (rc != 0) {
				diag("%s: %d", exl_error_patterns_default[i],
				     rc);
				bad++;
			}
			exl_regex_free(re);
		}
		ok(bad == 0, "no default error pattern gives up on a 256 KiB "
		   "line (%s)", f ? "interpreter" : "JIT");
		/* no '8' in the line would skip every window unsearched */
		re = exl_regex_compile("epoch.: ([0-9.]+)\\} step 9", f, why,
				       sizeof(why));
		ok(re && exl_regex_match(re, line, n, 0, NULL, 0) == 0,
		   "nor a progress-like pattern with no match there (%s)",
		   f ? "interpreter" : "JIT");
		exl_regex_free(re);
	}
	free(line);
}

/* A match that gives up: no match, one warning, and every caller's
 * compile path uses the wrapper. */
static void give_up(void)
{
	static const char aa[] = "step aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	struct exl_patterns p;
	struct exl_line_facts f;
	struct exl_sanitizer s = { 0 };
	struct exl_regex *re;
	struct exl_err err;
	const char *errs[] = { "(a+)+$" };
	char why[300], *out;

	ok(exl_patterns_compile(&p, "step ((a+)+)$", "", "", errs, 1,
				&err) == 0, "patterns compile");
	ok(exl_patterns_match(&p, aa, &f) == 0 && exl_patterns_error(&p, aa) <
	   0, "a match that gives up is no match");
	ok(exl_patterns_take_warning(&p, why, sizeof(why)) == 1 &&
	   strstr(why, "gave up") && strstr(why, "'step ((a+)+)$'"),
	   "one warning: %s", why);
	ok(exl_patterns_take_warning(&p, why, sizeof(why)) == 1 &&
	   strstr(why, "'(a+)+$'"), "and one for the error pattern");
	(void)exl_patterns_match(&p, aa, &f);
	(void)exl_patterns_error(&p, aa);
	ok(exl_patterns_take_warning(&p, why, sizeof(why)) == 0,
	   "each pattern warns once");
	exl_patterns_free(&p);

	re = exl_pattern_compile("e++++++++++++++++++++++++", 0, why,
				 sizeof(why));
	ok(!re && strstr(why, "quantifier"), "error pattern path: %s", why);
	re = exl_pattern_compile("step (e+++)", 1, why, sizeof(why));
	ok(!re && strstr(why, "quantifier"), "progress pattern path: %s",
	   why);
	re = exl_config_regex("(x", why, sizeof(why));
	ok(!re && strstr(why, "missing closing parenthesis"),
	   "sanitize (config) path: %s", why);
	ok(exl_san_add_regex(&s, "e+++", "x", 0, "sanitize[0]", &err) < 0 &&
	   strstr(err.text, "sanitize[0]"), "sanitizer: %s", err.text);
	ok(exl_san_add_regex(&s, "(a+)+$", "[x]", 0, "rules:1", &err) == 0,
	   "a costly sanitize rule compiles");
	out = exl_san_apply(&s, "ok\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n", &err);
	ok(!out && strstr(err.text, "rules:1") && strstr(err.text, "line 2"),
	   "and publishing stops where it gives up: %s", err.text);
	free(out);
	exl_san_free(&s);
	{
		char big[EXL_REGEX_LEN_MAX + 2];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		re = exl_regex_compile(big, 0, why, sizeof(why));
		ok(!re && strstr(why, "longer than"), "too long: %s", why);
	}
	{
		char deep[2 * EXL_REGEX_NEST_MAX + 8];
		int i;

		for (i = 0; i <= EXL_REGEX_NEST_MAX; i++)
			deep[i] = '(';
		deep[i] = 'x';
		for (i = 0; i <= EXL_REGEX_NEST_MAX; i++)
			deep[EXL_REGEX_NEST_MAX + 2 + i] = ')';
		deep[2 * EXL_REGEX_NEST_MAX + 3] = '\0';
		re = exl_regex_compile(deep, 0, why, sizeof(why));
		ok(!re && strstr(why, "nested"), "too deep: %s", why);
		re = exl_regex_compile(deep + 1, 0, why, sizeof(why));
		ok(!re, "unbalanced is refused");
		deep[2 * EXL_REGEX_NEST_MAX + 2] = '\0';
		re = exl_regex_compile(deep + 1, 0, why, sizeof(why));
		ok(re != NULL, "%d nested groups compile", EXL_REGEX_NEST_MAX);
		exl_regex_free(re);
	}
}

/* A pattern starts in the interpreter and is JIT-compiled once it has
 * scanned EXL_REGEX_JIT_AFTER bytes, with the same results before and
 * after; where this system has no JIT (or EXL_REGEX_NOJIT is set: the
 * valgrind run) it stays in the interpreter. */
static void lazy_jit(void)
{
	static const char line[] = "step 12 loss=0.5 and more text\n";
	struct exl_regex_span m[3];
	struct exl_regex *now, *re;
	size_t scanned = 0;
	char why[160];
	int have_jit, before, same = 1;

	now = exl_regex_compile("loss=([0-9.]+)", EXL_REGEX_JIT_NOW, why,
				sizeof(why));
	re = exl_regex_compile("loss=([0-9.]+)", 0, why, sizeof(why));
	if (!now || !re) {
		ok(0, "lazy JIT: compiled: %s", why);
		exl_regex_free(now);
		exl_regex_free(re);
		return;
	}
	have_jit = exl_regex_jit(now);
	diag("JIT on this system: %s", have_jit ? "yes" : "no");
	ok(!exl_regex_jit(re), "a new pattern starts in the interpreter");
	before = exl_regex_jit(re);
	while (scanned + sizeof(line) - 1 < EXL_REGEX_JIT_AFTER) {
		same &= exl_regex_match(re, line, sizeof(line) - 1, 0, m, 3) ==
			1 && m[1].so == 13 && m[1].eo == 16;
		scanned += sizeof(line) - 1;
	}
	ok(same && exl_regex_jit(re) == before,
	   "just under %u bytes: still the interpreter, every line matched",
	   EXL_REGEX_JIT_AFTER);
	same = exl_regex_match(re, line, sizeof(line) - 1, 0, m, 3) == 1 &&
	       m[1].so == 13 && m[1].eo == 16;
	ok(same && exl_regex_jit(re) == have_jit,
	   "past %u bytes: JIT-compiled where this system has a JIT (%d), "
	   "same match", EXL_REGEX_JIT_AFTER, exl_regex_jit(re));
	exl_regex_free(now);
	exl_regex_free(re);
}

int main(void)
{
	lazy_jit();
	ere_syntax();
	defaults();
	windows();
	worst();
	long_lines();
	eval_words();
	give_up();
	return done_testing();
}
