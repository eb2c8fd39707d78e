/* page_file.c - a run's page next to its run log (see page_file.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "report/page.h"
#include "report/page_file.h"
#include "report/run_data.h"

char *exl_page_file_name(const char *run_log)
{
	const char *name = strrchr(run_log, '/');
	size_t n;
	char *out;

	name = name ? name + 1 : run_log;
	n = strlen(name);
	if (n <= 3 || strcmp(name + n - 3, ".md"))
		return NULL;
	out = malloc(n - 3 + 6);
	if (!out)
		return NULL;
	memcpy(out, name, n - 3);
	memcpy(out + n - 3, ".html", 6);
	return out;
}

int exl_page_write(const char *run_log, const char *state_dir,
		   struct exl_err *err)
{
	struct exl_run_data d = { 0 };
	struct exl_sb b = { 0 };
	const char *slash = strrchr(run_log, '/');
	char *text = NULL, *file = exl_page_file_name(run_log), *path = NULL;
	char *html = NULL;
	size_t len = 0;
	int rc = -1;

	if (!file || !slash) {
		exl_errf(err, "%s: not a run log name", run_log);
		goto out;
	}
	if (asprintf(&path, "%.*s/%s", (int)(slash - run_log), run_log,
		     file) < 0) {
		path = NULL;
		exl_errf(err, "out of memory");
		goto out;
	}
	if (exl_read_file(run_log, EXL_READ_MAX, &text, NULL, err) < 0 ||
	    exl_rd_load(state_dir, &d, err) < 0)
		goto out;
	if (exl_page_run(&b, slash + 1, text, &d) < 0 ||
	    !(html = exl_sb_take(&b, &len))) {
		exl_errf(err, "%s: out of memory", path);
		goto out;
	}
	rc = exl_write_atomic(path, html, len, 0644, err);
out:
	exl_sb_free(&b);
	exl_rd_free(&d);
	free(html);
	free(text);
	free(path);
	free(file);
	return rc;
}
