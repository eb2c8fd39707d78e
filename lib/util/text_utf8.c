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

/* A range of code points, inclusive. */
struct cp_range {
	unsigned int lo, hi;
};

/* Wide (2 columns): East Asian Wide and Fullwidth blocks (Unicode 15,
 * the ranges wcwidth() reports as 2 in glibc's UTF-8 locales). */
static const struct cp_range wide[] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A },
	{ 0x23E9, 0x23EC }, { 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 },
	{ 0x25FD, 0x25FE }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
	{ 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 },
	{ 0x26CE, 0x26CE }, { 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA },
	{ 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 }, { 0x26FA, 0x26FA },
	{ 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
	{ 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF }, { 0x2B1B, 0x2B1C },
	{ 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
	{ 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF },
	{ 0xA000, 0xA4CF }, { 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 },
	{ 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F },
	{ 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE4 },
	{ 0x17000, 0x18CFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 },
	{ 0x1F0CF, 0x1F0CF }, { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A },
	{ 0x1F200, 0x1F251 }, { 0x1F300, 0x1F320 }, { 0x1F32D, 0x1F335 },
	{ 0x1F337, 0x1F37C }, { 0x1F37E, 0x1F393 }, { 0x1F3A0, 0x1F3CA },
	{ 0x1F3CF, 0x1F3D3 }, { 0x1F3E0, 0x1F3F0 }, { 0x1F3F4, 0x1F3F4 },
	{ 0x1F3F8, 0x1F43E }, { 0x1F440, 0x1F440 }, { 0x1F442, 0x1F4FC },
	{ 0x1F4FF, 0x1F53D }, { 0x1F54B, 0x1F54E }, { 0x1F550, 0x1F567 },
	{ 0x1F57A, 0x1F57A }, { 0x1F595, 0x1F596 }, { 0x1F5A4, 0x1F5A4 },
	{ 0x1F5FB, 0x1F64F }, { 0x1F680, 0x1F6C5 }, { 0x1F6CC, 0x1F6CC },
	{ 0x1F6D0, 0x1F6D2 }, { 0x1F6D5, 0x1F6D7 }, { 0x1F6EB, 0x1F6EC },
	{ 0x1F6F4, 0x1F6FC }, { 0x1F7E0, 0x1F7EB }, { 0x1F90C, 0x1F93A },
	{ 0x1F93C, 0x1F945 }, { 0x1F947, 0x1F9FF }, { 0x1FA70, 0x1FAFF },
	{ 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

/* Zero columns: combining marks, zero-width spaces and joiners,
 * variation selectors. */
static const struct cp_range zero[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD },
	{ 0x0610, 0x061A }, { 0x064B, 0x065F }, { 0x0E31, 0x0E31 },
	{ 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E }, { 0x1AB0, 0x1AFF },
	{ 0x1DC0, 0x1DFF }, { 0x200B, 0x200F }, { 0x2028, 0x202E },
	{ 0x2060, 0x2064 }, { 0x20D0, 0x20FF }, { 0x302A, 0x302D },
	{ 0x3099, 0x309A }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F },
	{ 0xFEFF, 0xFEFF }, { 0xE0100, 0xE01EF },
};

static int in_ranges(unsigned int cp, const struct cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* decode: the code point of the valid n-byte sequence at s. */
static unsigned int decode(const unsigned char *s, size_t n)
{
	static const unsigned char first_mask[] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	unsigned int cp = s[0] & first_mask[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3F);
	return cp;
}

/* seq_len_in: seq_len for a sequence that must end within avail bytes
 * (the text need not be NUL-terminated). */
static size_t seq_len_in(const unsigned char *s, size_t avail)
{
	unsigned char b[5] = { 0 };

	memcpy(b, s, avail < 4 ? avail : 4);
	return seq_len(b);
}

size_t exl_utf8_width(const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, w = 0, n;
	unsigned int cp;

	while (i < len) {
		if (s[i] < 0x80) {	/* the common case: ASCII */
			w++;
			i++;
			continue;
		}
		n = seq_len_in(s + i, len - i);
		if (n == 0) {
			w++;
			i++;
			continue;
		}
		cp = decode(s + i, n);
		i += n;
		if (in_ranges(cp, zero, sizeof(zero) / sizeof(zero[0])))
			continue;
		w += in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])) ? 2 : 1;
	}
	return w;
}
