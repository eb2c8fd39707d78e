/* sanitize.c - ordered rules over a run log's lines (see sanitize.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "runstore/sanitize.h"
#include "util/strbuf.h"
#include "util/bounded_regex.h"

static struct exl_san_rule *new_rule(struct exl_sanitizer *s,
				     enum exl_san_kind kind, const char *repl,
				     const char *what, struct exl_err *err)
{
	struct exl_san_rule *r;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		void *nv = realloc(s->v, cap * sizeof(*s->v));

		if (!nv) {
			exl_errnof(err, ENOMEM, "%s", what);
			return NULL;
		}
		s->v = nv;
		s->cap = cap;
	}
	r = &s->v[s->n];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->repl = strdup(repl);
	r->what = strdup(what);
	if (!r->repl || !r->what) {
		free(r->repl);
		free(r->what);
		exl_errnof(err, ENOMEM, "%s", what);
		return NULL;
	}
	return r;
}

int exl_san_add_regex(struct exl_sanitizer *s, const char *re,
		      const char *repl, int icase, const char *what,
		      struct exl_err *err)
{
	struct exl_san_rule *r = new_rule(s, EXL_SAN_REGEX, repl, what, err);
	char msg[200];

	if (!r)
		return -1;
	r->re = exl_regex_compile(re, icase ? EXL_REGEX_ICASE : 0, msg,
				  sizeof(msg));
	if (!r->re) {
		free(r->repl);
		free(r->what);
		return exl_errf(err, "%s: bad regex '%.80s': %s", what, re, msg);
	}
	s->n++;
	return 0;
}

int exl_san_add_word(struct exl_sanitizer *s, const char *word,
		     const char *repl, const char *what, struct exl_err *err)
{
	struct exl_san_rule *r;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].kind == EXL_SAN_WORD && strcmp(s->v[i].word, word) == 0)
			return 0;
	if (!*word)
		return 0;
	r = new_rule(s, EXL_SAN_WORD, repl, what, err);
	if (!r)
		return -1;
	r->word = strdup(word);
	if (!r->word) {
		free(r->repl);
		free(r->what);
		return exl_errnof(err, ENOMEM, "%s", what);
	}
	s->n++;
	return 0;
}

int exl_san_add_paths(struct exl_sanitizer *s, const char *submit_dir,
		      struct exl_err *err)
{
	if (!new_rule(s, EXL_SAN_PATHS, "", "built-in: paths", err))
		return -1;
	s->n++;
	free(s->submit_dir);
	s->submit_dir = NULL;
	if (submit_dir && strcmp(submit_dir, "/") != 0) {
		size_t n = strlen(submit_dir);

		while (n > 1 && submit_dir[n - 1] == '/')
			n--;
		s->submit_dir = strndup(submit_dir, n);
		if (!s->submit_dir)
			return exl_errnof(err, ENOMEM, "built-in: paths");
	}
	return 0;
}

int exl_san_load_rules(struct exl_sanitizer *s, const char *path,
		       struct exl_err *err)
{
	char *text, *line, *save = NULL, what[600];
	long n = 0;
	int rc = 0;

	if (exl_read_file(path, 1 << 20, &text, NULL, err) < 0)
		return -1;
	/* strtok_r would skip empty lines and lose the numbering */
	for (line = text; rc == 0 && line; line = save) {
		char *tab, *nl = strchr(line, '\n');

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		n++;
		if (nl && nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (!*line || *line == '#')
			continue;
		snprintf(what, sizeof(what), "%.500s:%ld", path, n);
		tab = strchr(line, '\t');
		if (!tab) {
			rc = exl_errf(err, "%s: no TAB between regex and "
				      "replacement", what);
			break;
		}
		*tab = '\0';
		rc = exl_san_add_regex(s, line, tab + 1, 0, what, err);
	}
	free(text);
	return rc;
}

/* Word characters for literal rules. */
static int wordc(int c)
{
	return isalnum(c) || c == '_';
}

static void apply_word(const struct exl_san_rule *r, const char *in,
		       struct exl_sb *b)
{
	size_t wl = strlen(r->word);
	int first_wc = wordc((unsigned char)r->word[0]);
	int last_wc = wordc((unsigned char)r->word[wl - 1]);
	const char *p = in, *hit;

	while ((hit = strstr(p, r->word))) {
		/* a '.' before a word keeps 12345 inside 0.12345 */
		int before = !first_wc || hit == in ||
			     (!wordc((unsigned char)hit[-1]) && hit[-1] != '.');
		int after = !last_wc || !wordc((unsigned char)hit[wl]);

		exl_sb_printf(b, "%.*s%s", (int)(hit - p), p,
			      before && after ? r->repl : r->word);
		p = hit + wl;
	}
	exl_sb_printf(b, "%s", p);
}

/* append_repl: a regex replacement with \0-\9 and \\ expanded. */
static void append_repl(struct exl_sb *b, const char *repl, const char *src,
			const struct exl_regex_span *m)
{
	const char *r;

	for (r = repl; *r; r++) {
		if (r[0] == '\\' && isdigit((unsigned char)r[1])) {
			const struct exl_regex_span *g = &m[r[1] - '0'];

			if (g->so >= 0)
				exl_sb_printf(b, "%.*s", (int)(g->eo - g->so),
					      src + g->so);
			r++;
		} else if (r[0] == '\\' && r[1] == '\\') {
			exl_sb_printf(b, "\\");
			r++;
		} else {
			exl_sb_printf(b, "%c", *r);
		}
	}
}

/* apply_regex: every match of r in the line in; -1 when a match gave up
 * at a limit (the line may then hold what the rule is there to take
 * out, so the caller stops). */
static int apply_regex(const struct exl_san_rule *r, const char *in,
		       int bol, struct exl_sb *b)
{
	struct exl_regex_span m[10];
	const char *p = in, *end = in + strlen(in);
	int flags = bol ? 0 : EXL_REGEX_NOTBOL, rc;

	while (*p && (rc = exl_regex_match(r->re, p, (size_t)(end - p),
					   flags, m, 10)) != 0) {
		if (rc < 0)
			return -1;
		exl_sb_printf(b, "%.*s", (int)m[0].so, p);
		append_repl(b, r->repl, p, m);
		if (m[0].eo == m[0].so) {
			if (!p[m[0].eo])
				return 0;
			exl_sb_printf(b, "%c", p[m[0].eo]);
			p += m[0].eo + 1;
		} else {
			p += m[0].eo;
		}
		flags = EXL_REGEX_NOTBOL;
	}
	exl_sb_printf(b, "%s", p);
	return 0;
}

/* rewrite_path: one absolute path token (len bytes at p). */
static void rewrite_path(const struct exl_sanitizer *s, const char *p,
			 size_t len, struct exl_sb *b)
{
	size_t sl = s->submit_dir ? strlen(s->submit_dir) : 0, end = len;
	const char *base, *kind = "[cluster]";

	if (sl && len >= sl && strncmp(p, s->submit_dir, sl) == 0 &&
	    (len == sl || p[sl] == '/')) {
		exl_sb_printf(b, "%.*s", len == sl ? 1 : (int)(len - sl - 1),
			      len == sl ? "." : p + sl + 1);
		return;
	}
	if (len > 6 && strncmp(p, "/home/", 6) == 0) {
		const char *u = memchr(p + 6, '/', len - 6);

		exl_sb_printf(b, "~%.*s", u ? (int)(len - (size_t)(u - p)) : 0,
			      u ? u : "");
		return;
	}
	if (strncmp(p, "/scratch", 8) == 0 && (len == 8 || p[8] == '/'))
		kind = "[scratch]";
	else if (strncmp(p, "/tmp", 4) == 0 && (len == 4 || p[4] == '/'))
		kind = "[tmp]";
	while (end > 1 && p[end - 1] == '/')
		end--;
	for (base = p + end; base > p && base[-1] != '/'; base--)
		;
	exl_sb_printf(b, "%s/%.*s", kind, (int)(end - (size_t)(base - p)), base);
}

static void apply_paths(const struct exl_sanitizer *s, const char *in,
			int bol, struct exl_sb *b)
{
	const char *p = in, *start = in;

	for (; *p; p++) {
		size_t len;

		if (*p != '/' || p[1] == '/' || p[1] == '\0' || isspace((unsigned char)p[1]))
			continue;
		if (p == in ? !bol : !strchr(" \t`'\"(=,[<", p[-1]))
			continue;
		len = strcspn(p, " \t`'\")],>;,");
		/* a sentence's full stop or colon is not part of the path */
		while (len > 1 && (p[len - 1] == '.' || p[len - 1] == ':'))
			len--;
		if (len == 1)
			continue;	/* "/" alone */
		exl_sb_printf(b, "%.*s", (int)(p - start), start);
		rewrite_path(s, p, len, b);
		p += len - 1;
		start = p + 1;
	}
	exl_sb_printf(b, "%s", start);
}

/* apply_segment: every rule, in order, over text that holds no URL to
 * keep.  Returns the new text (malloc'd), or NULL (*gave_up: the rule
 * whose match gave up, else out of memory). */
static char *apply_segment(const struct exl_sanitizer *s, const char *seg,
			   size_t len, int bol,
			   const struct exl_san_rule **gave_up)
{
	char *cur = strndup(seg, len), *next;
	size_t i;

	for (i = 0; cur && i < s->n; i++) {
		struct exl_sb b = { 0 };

		switch (s->v[i].kind) {
		case EXL_SAN_REGEX:
			if (apply_regex(&s->v[i], cur, bol, &b) < 0) {
				exl_sb_free(&b);
				free(cur);
				*gave_up = &s->v[i];
				return NULL;
			}
			break;
		case EXL_SAN_WORD:
			apply_word(&s->v[i], cur, &b);
			break;
		case EXL_SAN_PATHS:
			apply_paths(s, cur, bol, &b);
			break;
		}
		next = exl_sb_take(&b, NULL);
		free(cur);
		cur = next;
	}
	return cur;
}

/* kept_url: a W&B URL starting at p, its length, else 0. */
static size_t kept_url(const char *p)
{
	static const char *const pfx[] = { "https://wandb.ai/",
					   "http://wandb.ai/", NULL };
	int i;

	for (i = 0; pfx[i]; i++)
		if (strncmp(p, pfx[i], strlen(pfx[i])) == 0)
			return strcspn(p, " \t\n`'\")>]");
	return 0;
}

/* gave_up_error: why apply_segment returned NULL for line n. */
static void gave_up_error(const struct exl_san_rule *r, long n,
			  struct exl_err *err)
{
	if (!r) {
		exl_errnof(err, ENOMEM, "couldn't sanitize");
		return;
	}
	/* failing is safer than publishing a line a rule did not check */
	exl_errf(err, "%s: the regex gave up on line %ld (PCRE2 match limit), "
		 "so that line could not be sanitized: simplify its nested "
		 "repeats", r->what, n);
}

char *exl_san_apply(const struct exl_sanitizer *s, const char *text,
		    struct exl_err *err)
{
	const struct exl_san_rule *gave_up = NULL;
	struct exl_sb b = { 0 };
	const char *line = text;
	long n = 0;
	char *out;

	while (*line) {
		size_t ll = strcspn(line, "\n"), i = 0, seg = 0;

		n++;
		while (i <= ll) {
			size_t u = i < ll ? kept_url(line + i) : 0;

			if (i == ll || (u && u <= ll - i)) {
				char *t = apply_segment(s, line + seg, i - seg,
							seg == 0, &gave_up);

				if (!t) {
					exl_sb_free(&b);
					gave_up_error(gave_up, n, err);
					return NULL;
				}
				exl_sb_printf(&b, "%s%.*s", t, (int)u, line + i);
				free(t);
				if (i == ll)
					break;
				i += u;
				seg = i;
				continue;
			}
			i++;
		}
		exl_sb_printf(&b, "%s", line[ll] ? "\n" : "");
		line += ll + (line[ll] == '\n');
	}
	out = exl_sb_take(&b, NULL);
	if (!out)
		exl_errnof(err, ENOMEM, "couldn't sanitize");
	return out;
}

void exl_san_free(struct exl_sanitizer *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		exl_regex_free(s->v[i].re);
		free(s->v[i].word);
		free(s->v[i].repl);
		free(s->v[i].what);
	}
	free(s->v);
	free(s->submit_dir);
	memset(s, 0, sizeof(*s));
}
