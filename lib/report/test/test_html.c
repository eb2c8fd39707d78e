/* test_html.c - every text that reaches a report page is escaped: no
 * markup, no attribute break-out, no control character. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "report/html.h"

static char *esc(const char *s, size_t n)
{
	struct exl_sb b = { 0 };

	exl_html_textn(&b, s, n);
	exl_sb_printf(&b, "%s", "");
	return exl_sb_take(&b, NULL);
}

static void check(const char *in, const char *want, const char *name)
{
	char *got = esc(in, strlen(in));

	is_str(got, want, "%s", name);
	free(got);
}

int main(void)
{
	static const char ctl[] = "a\x01" "b\x1b[31m\x7f" "c\n\td";
	static const char bad[] = "x\xff\xc0\xafy\xe2\x96\x81";
	char *got;

	check("<script>alert(1)</script>",
	      "&lt;script&gt;alert(1)&lt;/script&gt;", "<script> escaped");
	check("</svg><svg onload=x>", "&lt;/svg&gt;&lt;svg onload=x&gt;",
	      "</svg> escaped");
	check("\"' onmouseover='x", "&quot;&#39; onmouseover=&#39;x",
	      "both quotes escaped (no attribute break-out)");
	check("a & b &amp;", "a &amp; b &amp;amp;", "ampersands escaped");
	check(ctl, "a\xef\xbf\xbd" "b\xef\xbf\xbd[31m\xef\xbf\xbd" "c\n\td",
	      "control characters and DEL become U+FFFD; newline and tab "
	      "kept");
	check(bad, "x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy\xe2\x96\x81",
	      "invalid UTF-8 bytes become U+FFFD, valid sequences kept");
	check("step 100 \xe2\x80\x94 loss 0.5", "step 100 \xe2\x80\x94 loss 0.5",
	      "plain UTF-8 text unchanged");
	got = esc("a\0<b>", 5);
	is_str(got, "a\xef\xbf\xbd&lt;b&gt;", "a NUL inside the text is "
	       "replaced, the text after it escaped");
	free(got);
	got = esc("", 0);
	ok(got == NULL || got[0] == '\0', "empty text gives nothing");
	free(got);
	return done_testing();
}
