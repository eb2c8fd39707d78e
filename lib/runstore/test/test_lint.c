/* Unit tests: lint rules over the corpus of hand-written run logs
 * (tests/runlog/corpus).  Each run log in docs/ declares the findings it
 * must produce in its first line ("<!-- expect: rule line, ... -->");
 * each directory in dirs/ lists them in EXPECT ("rule file line"). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "runstore/lint.h"
#include "runstore/runlog_scan.h"
#include "tap.h"

#ifndef EXL_CORPUS
#error "EXL_CORPUS: the corpus directory"
#endif

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* norm: a list separated by ',' or newlines, items trimmed and sorted,
 * joined with ", "; "none" for an empty list. */
static char *norm(const char *s)
{
	char *copy = strdup(s), *save = NULL, *t, *v[256], *out;
	size_t n = 0, i, len = 8;

	for (t = strtok_r(copy, ",\n", &save); t && n < 256;
	     t = strtok_r(NULL, ",\n", &save)) {
		while (*t == ' ')
			t++;
		if (*t && strcmp(t, "none") != 0) {
			v[n++] = t;
			len += strlen(t) + 2;
		}
	}
	qsort(v, n, sizeof(*v), cmp_str);
	out = calloc(1, len);
	for (i = 0; i < n; i++) {
		if (i)
			strcat(out, ", ");
		strcat(out, v[i]);
	}
	if (!n)
		strcpy(out, "none");
	free(copy);
	return out;
}

/* got_text: findings from index from on, as a normalized list of
 * "rule line" (or "rule file line"). */
static char *got_text(const struct exl_findings *f, size_t from,
		      int with_file)
{
	char *buf = calloc(1, 1), *out;
	size_t i;

	for (i = from; buf && i < f->n; i++) {
		char *nb;

		if (with_file && asprintf(&nb, "%s%s %s %ld,", buf, f->v[i].rule,
					  exl_basename(f->v[i].file), f->v[i].line) < 0)
			nb = NULL;
		else if (!with_file && asprintf(&nb, "%s%s %ld,", buf, f->v[i].rule,
						f->v[i].line) < 0)
			nb = NULL;
		free(buf);
		buf = nb;
	}
	out = norm(buf ? buf : "");
	free(buf);
	return out;
}

static void docs(void)
{
	char dir[4096], path[4400], *text, *want, *got;
	struct exl_findings f = { 0 };
	struct exl_err err;
	struct dirent *de;
	struct exl_doc d;
	DIR *dp;
	int files = 0;

	snprintf(dir, sizeof(dir), "%s/docs", EXL_CORPUS);
	dp = opendir(dir);
	ok(dp != NULL, "corpus %s", dir);
	while (dp && (de = readdir(dp))) {
		char *e, *w;
		size_t from = f.n;

		if (!exl_scan_is_runlog_name(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (exl_read_file(path, EXL_READ_MAX, &text, NULL, &err) < 0 ||
		    exl_doc_parse(&d, text, &err) < 0) {
			ok(0, "%s: %s", de->d_name, err.text);
			continue;
		}
		w = strstr(text, "expect: ");
		e = w ? strstr(w, " -->") : NULL;
		want = e ? strndup(w + 8, (size_t)(e - w - 8)) : strdup("?");
		free(text);
		exl_lint_doc(&d, path, dir, &f, NULL);
		exl_doc_free(&d);
		got = got_text(&f, from, 0);
		text = norm(want);
		is_str(got, text, "%s", de->d_name);
		free(got);
		free(text);
		free(want);
		files++;
	}
	if (dp)
		closedir(dp);
	ok(files >= 10, "%d corpus run logs (one per rule, and a clean one)", files);
	ok(!f.nomem, "no allocation failure");
	exl_findings_free(&f);
}

/* dir_case: lint one corpus directory as a group (or flat). */
static void dir_case(const char *name)
{
	char dir[4096], path[4400], *want = NULL, *got, *sorted;
	struct exl_lint_info info[32];
	struct exl_findings f = { 0 }, scratch = { 0 };
	struct exl_scan sc;
	struct exl_err err;
	size_t i, n = 0;
	int flat = strcmp(name, "flat") == 0;

	snprintf(dir, sizeof(dir), "%s/dirs/%s", EXL_CORPUS, name);
	snprintf(path, sizeof(path), "%s/EXPECT", dir);
	if (exl_read_file(path, 4096, &want, NULL, &err) < 0 ||
	    exl_scan_list(dir, NULL, &sc, &err) < 0) {
		ok(0, "%s: %s", name, err.text);
		free(want);
		return;
	}
	for (i = 0; i < sc.n && n < 32; i++) {
		struct exl_doc d;
		char *text;

		if (exl_read_file(sc.v[i].path, EXL_READ_MAX, &text, NULL, &err) < 0)
			continue;
		if (exl_doc_parse(&d, text, &err) == 0) {
			info[n].name = sc.v[i].name;
			exl_lint_doc(&d, sc.v[i].path, dir, &scratch, &info[n++]);
			exl_doc_free(&d);
		}
		free(text);
	}
	exl_lint_dir(dir, flat ? NULL : name, info, n, &f);
	for (i = 0; i < f.n; i++)
		if (strcmp(f.v[i].file, dir) == 0) {
			free(f.v[i].file);
			f.v[i].file = strdup(".");
		}
	got = got_text(&f, 0, 1);
	sorted = norm(want);
	is_str(got, sorted, "dirs/%s", name);
	for (i = 0; i < f.n; i++)
		ok(f.v[i].msg[0] && f.v[i].fix[0], "%s: %s has message and fix",
		   name, f.v[i].rule);
	free(got);
	free(sorted);
	free(want);
	exl_findings_free(&f);
	exl_findings_free(&scratch);
	exl_scan_free(&sc);
}

static void names(void)
{
	char out[128];

	is_int(exl_lint_good_name("2026-03-11_train.md", 0, out, sizeof(out)), 0,
	       "good name");
	is_int(exl_lint_good_name("train_2026-03-11.md", 0, out, sizeof(out)), 1,
	       "date last");
	is_str(out, "2026-03-11_train.md", "swapped");
	is_int(exl_lint_good_name("train_front_2026-03-11_2.md", 0, out,
				  sizeof(out)), 1, "date last with _N");
	is_str(out, "2026-03-11_train_front_2.md", "keeps _N last");
	is_int(exl_lint_good_name("eval.md", 1773241200, out, sizeof(out)), 1,
	       "no date: the start date");
	is_str(out, "2026-03-11_eval.md", "prefixed");
	is_int(exl_lint_good_name("eval.md", 0, out, sizeof(out)), -1,
	       "no date, no start: no proposal");
	is_int(exl_lint_good_name("2026-03-11.md", 0, out, sizeof(out)), -1,
	       "a date but no task");
	is_int(exl_lint_good_name("x_2026-02-30.txt", 0, out, sizeof(out)), -1,
	       "not markdown");
}

int main(void)
{
	static const char *const dirs[] = { "clean", "no_timeline",
		"incomplete_timeline", "experiments_missing", "no_experiments",
		"flat", NULL };
	int i;

	setenv("TZ", "UTC", 1);
	docs();
	for (i = 0; dirs[i]; i++)
		dir_case(dirs[i]);
	names();
	return done_testing();
}
