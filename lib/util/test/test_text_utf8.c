/* Unit tests: display width of UTF-8 text (exl_utf8_width), the column
 * arithmetic of `runlog status`, and bounded copies (exl_utf8_cut). */
#include <string.h>

#include "tap.h"
#include "util/text_utf8.h"

static size_t w(const char *s)
{
	return exl_utf8_width(s, strlen(s));
}

int main(void)
{
	char out[16];

	is_int(w(""), 0, "empty");
	is_int(w("2026-03-11_plain.md"), 19, "ASCII: one column a byte");
	is_int(w("训练模型"), 8, "CJK ideographs: two columns each");
	is_int(w("2026-03-11_训练.md"), 18, "mixed ASCII and CJK");
	is_int(w("한국어"), 6, "Hangul syllables: two columns");
	is_int(w("ｔｅｓｔ"), 8, "fullwidth forms: two columns");
	is_int(w("\xf0\x9f\x9a\x80"), 2, "emoji (U+1F680): two columns");
	is_int(w("r\xc3\xa9sum\xc3\xa9"), 6, "precomposed accents: one column");
	is_int(w("e\xcc\x81"), 1, "a combining accent takes no column");
	is_int(w("a\xe2\x80\x8b" "b"), 2, "zero-width space: none");
	is_int(w("\xff\xfe"), 2, "invalid bytes: one column each ('?')");
	is_int(w("\xed\xa0\x80"), 3, "a surrogate is invalid: three '?'");
	/* a length that ends inside a character: the cut bytes are
	 * invalid, and nothing past len is read */
	is_int(exl_utf8_width("训练", 4), 3, "a cut character: '训' + one '?'");
	is_int(exl_utf8_width("训练", 3), 2, "len stops at a character end");
	is_int(exl_utf8_width("ab\0cd", 5), 5, "len, not the NUL, ends the text");

	ok(exl_utf8_cut("训练模型", out, sizeof(out), 7) == 1 &&
	   strcmp(out, "训练") == 0, "cut at a character boundary");
	ok(exl_utf8_cut("a\tb", out, sizeof(out), 8) == 0 &&
	   strcmp(out, "a b") == 0, "control characters become spaces");
	return done_testing();
}
