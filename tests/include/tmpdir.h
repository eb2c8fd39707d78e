/* tmpdir.h - scratch directories and files for the unit tests. */
#ifndef EXL_TEST_TMPDIR_H
#define EXL_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new directory under $TMPDIR (or /tmp), in buf. */
static char *__attribute__((unused)) tmpdir_make(char *buf, size_t len)
{
	const char *t = getenv("TMPDIR");

	snprintf(buf, len, "%s/exl-test.XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(buf);
}

static int tmpdir_rm1(const char *p, const struct stat *st, int flag,
		      struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

/* rm -rf dir */
static void __attribute__((unused)) tmpdir_remove(const char *dir)
{
	nftw(dir, tmpdir_rm1, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write text to dir/name (creating parent directories). */
static int __attribute__((unused)) tmpdir_put(const char *dir,
					      const char *name,
					      const char *text)
{
	char path[4096], *s;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

#endif
