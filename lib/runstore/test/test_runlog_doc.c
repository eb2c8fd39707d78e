/* Unit tests: the run-log line model keeps human lines intact. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fileio.h"
#include "runstore/runlog_doc.h"
#include "tap.h"
#include "testdir.h"

static const char *text =
	"# train — baseline\n"
	"\n"
	"## Mode\n"
	"- run_type: experiment\n"
	"\n"
	"my own note, keep me\n"
	"## Job\n"
	"- execution_id: 41\n"
	"- end: _(filled when the job ends)_\n"
	"\n"
	"## Status\n"
	"- 2026-01-01 10:00 — started\n"
	"- human line in status\n"
	"\n"
	"## Results\n"
	"  * runtime: old\n"
	"- notes: the human wrote this\n"
	"\n"
	"## Job (resumed)\n"
	"- execution_id: 42\n"
	"\n"
	"## Job (resumed)\n"
	"- execution_id: 41\n"
	"- end: x\n";

int main(void)
{
	struct exl_doc d;
	struct exl_err err;
	char *out, *v;
	long s, r, j;

	ok(exl_doc_parse(&d, text, &err) == 0, "parse");
	is_int(d.n, 24, "line count");
	out = exl_doc_render(&d, NULL);
	is_str(out, text, "render is byte-identical");
	free(out);

	s = exl_doc_find_section(&d, "Status", 0);
	is_int(s, 10, "find Status");
	ok(exl_doc_find_section(&d, "Stat", 0) < 0, "prefix does not match");
	ok(exl_doc_find_section(&d, "Nope", 0) < 0, "missing section");
	is_int(exl_doc_section_end(&d, (size_t)s), 14, "Status ends at Results");

	j = exl_doc_find_job_block(&d, "41");
	is_int(j, 21, "last block of a job id wins (requeue)");
	is_int(exl_doc_find_job_block(&d, "42"), 18, "resumed block");
	ok(exl_doc_find_job_block(&d, "4") < 0, "no partial id match");
	{
		struct exl_doc c = { 0 };

		ok(exl_doc_parse(&c, "# t\n## Job\n- execution_id: 9\n"
				 "## Job (resumed 1/3)\n- execution_id: 9\n"
				 "## Job (resumed 4/3)\n- execution_id: 9\n", &err) == 0,
		   "a chain's run log");
		is_int(exl_doc_find_job_block(&c, "9"), 3,
		       "a chain link's block (resumed K/M); a malformed one is none");
		is_int(exl_doc_last_job_block(&c), 3,
		       "last job block: the last well-formed header");
		exl_doc_free(&c);
		ok(exl_doc_parse(&c, "# t\n## Status\n- x\n", &err) == 0,
		   "a doc without a job block");
		is_int(exl_doc_last_job_block(&c), -1, "last job block: none");
		exl_doc_free(&c);
	}
	is_int(exl_doc_last_job_block(&d), 21, "last job block");

	v = exl_doc_get_key(&d, 6, "end");
	is_str(v, "_(filled when the job ends)_", "get key");
	free(v);
	ok(exl_doc_set_key(&d, 6, "end", "`2026-01-01T11:00:00+00:00`") == 0,
	   "set existing key");
	v = exl_doc_get_key(&d, 6, "end");
	is_str(v, "2026-01-01T11:00:00+00:00", "backticks stripped on read");
	free(v);
	ok(exl_doc_set_key(&d, 6, "runtime", "`01:00:00`") == 0, "add key");
	is_str(d.lines[9], "- runtime: `01:00:00`", "new key after last bullet");

	r = exl_doc_find_section(&d, "Results", 0);
	ok(exl_doc_set_key(&d, (size_t)r, "runtime", "new") == 0,
	   "replace indented star bullet");
	is_str(d.lines[r + 1], "  * runtime: new", "bullet style kept");
	s = exl_doc_find_section(&d, "Status", 0);
	ok(exl_doc_append(&d, (size_t)s, "- 2026-01-01 11:00 — done") == 0,
	   "append status");
	is_str(d.lines[s + 3], "- 2026-01-01 11:00 — done", "after last line");
	is_str(d.lines[s + 4], "", "blank line before next section kept");

	out = exl_doc_render(&d, NULL);
	ok(strstr(out, "my own note, keep me\n") &&
	   strstr(out, "- human line in status\n") &&
	   strstr(out, "- notes: the human wrote this\n"), "human lines survive");
	free(out);
	exl_doc_free(&d);

	ok(exl_doc_parse(&d, "a\r\nb\r\n", &err) == 0 && d.n == 2 &&
	   strcmp(d.lines[0], "a") == 0, "CRLF tolerated");
	exl_doc_free(&d);
	ok(exl_doc_parse(&d, "", &err) == 0 && d.n == 0, "empty file");
	ok(exl_doc_set_key(&d, 0, "x", "y") == 0, "set key on empty doc does not crash");
	exl_doc_free(&d);
	ok(exl_doc_parse(&d, "no newline at end", &err) == 0 && d.n == 1,
	   "last line without newline");
	exl_doc_free(&d);
	{
		size_t n = (size_t)EXL_DOC_MAX_LINES + 5;
		char *big = malloc(n * 2 + 1);

		memset(big, '\n', n * 2);
		for (size_t i = 0; i < n * 2; i += 2)
			big[i] = 'x';
		big[n * 2] = '\0';
		ok(exl_doc_parse(&d, big, &err) < 0 && strstr(err.text, "more than"),
		   "line bomb refused");
		free(big);
	}

	{
		size_t n;
		const char *t = exl_doc_value_trim("  `a b`  \t", &n);

		ok(n == 3 && strncmp(t, "a b", 3) == 0, "value trim: blanks and backticks");
		t = exl_doc_value_trim("`x", &n);
		ok(n == 2 && strncmp(t, "`x", 2) == 0, "value trim: a lone backtick stays");
		t = exl_doc_value_trim("``", &n);
		ok(n == 0, "value trim: empty code span");
		t = exl_doc_value_trim("\tx ", &n);
		ok(n == 2 && strncmp(t, "\tx", 2) == 0, "value trim: a leading tab stays");
	}

	/* load and save: the file round trip */
	if (td_init() < 0)
		return 1;
	ok(exl_doc_load(td_path("none.md"), &d, &err) < 0, "load: missing file");
	ok(td_write("a.md", "x\r\ny", "w") == 0 &&
	   exl_doc_load(td_path("a.md"), &d, &err) == 0 && d.n == 2,
	   "load: read and split");
	ok(exl_doc_insert(&d, 1, "- added") == 0 &&
	   exl_doc_save(td_path("a.md"), &d, &err) == 0 &&
	   exl_read_file(td_path("a.md"), 1 << 10, &out, NULL, &err) == 0,
	   "save");
	is_str(out, "x\n- added\ny\n", "saved as rendered");
	free(out);
	exl_doc_free(&d);
	ok(symlink(td_path("a.md"), td_path("b.md")) == 0 &&
	   exl_doc_parse(&d, "z", &err) == 0 &&
	   exl_doc_save(td_path("b.md"), &d, &err) < 0 &&
	   exl_doc_load(td_path("b.md"), &d, &err) < 0,
	   "no save or load through a symlink");
	exl_doc_free(&d);
	td_cleanup();
	return done_testing();
}
