/* test_page_file.c - the run's page next to its run log: the name, the
 * file, and never through a symlink. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "tmpdir.h"
#include "util/fileio.h"
#include "report/page_file.h"

int main(void)
{
	char dir[256], log[512], page[512], state[512], other[512], *s, *t;
	struct exl_err err;

	s = exl_page_file_name("/r/g/2026-03-11_base.md");
	is_str(s, "2026-03-11_base.html", "page name from the run log");
	free(s);
	ok(exl_page_file_name("/r/g/notes.txt") == NULL, "not a .md: none");
	if (!tmpdir_make(dir, sizeof(dir)))
		return 1;
	tmpdir_put(dir, "g/2026-03-11_base.md",
		   "# base <script>x</script>\n\n## Status\n"
		   "- 2026-03-11 15:00 — running, step 10, train_loss 0.5\n");
	tmpdir_put(dir, "state/metrics.jsonl",
		   "{\"step\":1,\"loss\":1}\n{\"step\":2,\"loss\":0.5}\n");
	snprintf(log, sizeof(log), "%s/g/2026-03-11_base.md", dir);
	snprintf(page, sizeof(page), "%s/g/2026-03-11_base.html", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	is_int(exl_page_write(log, state, &err), 0, "page written");
	s = NULL;
	ok(exl_read_file(page, 1 << 20, &s, NULL, &err) == 0 && s &&
	   strstr(s, "<svg") && strstr(s, "&lt;script&gt;") &&
	   !strstr(s, "<script"), "it has the loss plot and escaped text");
	free(s);
	/* a symlink in place of the page is not followed */
	unlink(page);
	tmpdir_put(dir, "elsewhere", "keep\n");
	if (symlink(other, page) < 0)
		return 1;
	ok(exl_page_write(log, state, &err) < 0, "a symlink is refused: %s",
	   err.text);
	t = NULL;
	ok(exl_read_file(other, 100, &t, NULL, &err) == 0 && t &&
	   strcmp(t, "keep\n") == 0, "its target is untouched");
	free(t);
	snprintf(log, sizeof(log), "%s/g/nosuch.md", dir);
	ok(exl_page_write(log, state, &err) < 0, "a missing run log: error");
	tmpdir_remove(dir);
	return done_testing();
}
