/* html.c - HTML escaping (see html.h). */
#include <string.h>

#include "report/html.h"

#define REPLACEMENT "\xef\xbf\xbd"

/* Length of the valid UTF-8 sequence of 2-4 bytes at s (at most n
 * bytes), 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void exl_html_textn(struct exl_sb *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;

	while (i < n) {
		unsigned char c = p[i];
		const char *rep = NULL;

		if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '"')
			rep = "&quot;";
		else if (c == '\'')
			rep = "&#39;";
		else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			rep = REPLACEMENT;
		else if (c >= 0x80) {
			k = utf8_seq(p + i, n - i);
			if (k) {
				i += k;
				run += k;
				continue;
			}
			rep = REPLACEMENT;
		}
		if (!rep) {
			i++;
			run++;
			continue;
		}
		if (run)
			exl_sb_printf(b, "%.*s", (int)run, (const char *)p + i - run);
		exl_sb_printf(b, "%s", rep);
		run = 0;
		i++;
	}
	if (run)
		exl_sb_printf(b, "%.*s", (int)run, (const char *)p + i - run);
}

void exl_html_text(struct exl_sb *b, const char *s)
{
	if (s)
		exl_html_textn(b, s, strlen(s));
}
