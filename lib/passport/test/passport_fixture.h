/* passport_fixture.h - scratch checkpoint trees for the passport unit
 * tests: a temp directory, files with given bytes, cleanup. */
#ifndef EXL_PASSPORT_FIXTURE_H
#define EXL_PASSPORT_FIXTURE_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fx_root[] = "/tmp/exl-passport-XXXXXX";

/* fx_join: "dir/name" in one of 8 rotating static buffers. */
static const char *fx_join(const char *dir, const char *name)
{
	static char buf[8][4200];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* fx: path of name below the scratch root. */
static const char *__attribute__((unused)) fx(const char *name)
{
	return fx_join(fx_root, name);
}

static int fx_rm_one(const char *path, const struct stat *st, int flag,
		     struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	(void)flag;
	remove(path);
	return 0;	/* keep going: clean as much as possible */
}

/* fx_clean: empty the scratch root (keeping it). */
static void __attribute__((unused)) fx_clean(void)
{
	char *sub = NULL;
	struct stat st;

	/* unreadable test directories first get their permissions back */
	if (asprintf(&sub, "chmod -R u+rwx %s 2>/dev/null", fx_root) > 0 &&
	    system(sub) < 0)
		perror("chmod");
	free(sub);
	nftw(fx_root, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (stat(fx_root, &st) < 0 && mkdir(fx_root, 0700) < 0)
		perror(fx_root);
}

static int __attribute__((unused)) fx_start(void)
{
	if (!mkdtemp(fx_root)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

static void __attribute__((unused)) fx_finish(void)
{
	fx_clean();
	rmdir(fx_root);
}

/* fx_write: name := len bytes of buf (parent directories created). */
static int __attribute__((unused))
fx_write(const char *name, const void *buf, size_t len)
{
	char cmd[4400];
	const char *path = fx(name);
	const char *slash = strrchr(name, '/');
	FILE *f;
	int rc;

	if (slash) {
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%.*s'", fx_root,
			 (int)(slash - name), name);
		if (system(cmd) != 0)
			return -1;
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	rc = fwrite(buf, 1, len, f) == len ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int __attribute__((unused)) fx_write_str(const char *name,
						const char *s)
{
	return fx_write(name, s, strlen(s));
}

/* fx_write_pattern: len pseudo-random bytes from seed (reproducible). */
static int __attribute__((unused))
fx_write_pattern(const char *name, size_t len, unsigned seed)
{
	unsigned char *buf = malloc(len ? len : 1);
	unsigned x = seed * 2654435761u + 1;
	size_t i;
	int rc;

	if (!buf)
		return -1;
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	rc = fx_write(name, buf, len);
	free(buf);
	return rc;
}

static int __attribute__((unused)) fx_exists(const char *name)
{
	struct stat st;

	return lstat(fx(name), &st) == 0;
}

#endif
