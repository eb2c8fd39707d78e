/* text_utf8.c - bounded, valid UTF-8 copies (see text_utf8.h). */
#include <string.h>

#include "util/text_utf8.h"

/* seq_len: length of the valid UTF-8 sequence at s, 0 when invalid
 * (overlong forms, surrogates and values past U+10FFFF included). */
static size_t seq_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

int exl_utf8_cut(const char *src, char *dst, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, n;

	if (len == 0)
		return *s != '\0';
	if (max > len - 1)
		max = len - 1;
	while (*s) {
		n = seq_len(s);
		if (o + (n ? n : 1) > max)
			break;
		if (n == 0) {
			dst[o++] = '?';
			s++;
		} else if (n == 1 && (*s < 0x20 || *s == 0x7F)) {
			dst[o++] = ' ';
			s++;
		} else {
			memcpy(dst + o, s, n);
			o += n;
			s += n;
		}
	}
	dst[o] = '\0';
	return *s != '\0';
}
