/* testdir.h - a private temp directory for unit tests that touch files.
 *
 *   td_init();  td_write("a.txt", "x\n", "w");  td_path("a.txt");
 *   td_cleanup();
 */
#ifndef EXL_TESTDIR_H
#define EXL_TESTDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char td_root[] = "/tmp/exl-unit-XXXXXX";

static int __attribute__((unused)) td_init(void)
{
	return mkdtemp(td_root) ? 0 : -1;
}

/* td_path: td_root/name in one of four rotating static buffers. */
static const char *__attribute__((unused)) td_path(const char *name)
{
	static char buf[4][4200];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", td_root, name);
	return buf[i];
}

/* td_write: write len bytes of text (len 0: strlen) with fopen mode. */
static int __attribute__((unused))
td_write_len(const char *name, const char *text, size_t len, const char *mode)
{
	FILE *f = fopen(td_path(name), mode);
	int rc = 0;

	if (!f)
		return -1;
	if (fwrite(text, 1, len, f) != len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int __attribute__((unused))
td_write(const char *name, const char *text, const char *mode)
{
	return td_write_len(name, text, strlen(text), mode);
}

static int td_rm(const char *path, const struct stat *sb, int flag,
		 struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void __attribute__((unused)) td_cleanup(void)
{
	nftw(td_root, td_rm, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
