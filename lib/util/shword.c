/* shword.c - words a user can paste into a POSIX shell (see shword.h). */
#include <string.h>

#include "util/shword.h"

/* plain: s is not empty and needs no quoting in a POSIX shell. */
static int plain(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_./=:,%@+", *s))
			return 0;
	return 1;
}

void exl_sb_shell_word(struct exl_sb *b, const char *s)
{
	if (plain(s)) {
		exl_sb_printf(b, "%s", s);
		return;
	}
	exl_sb_printf(b, "'");
	for (; *s; s++)
		exl_sb_printf(b, *s == '\'' ? "'\\''" : "%c", *s);
	exl_sb_printf(b, "'");
}
