/* ckpt_state.c - passport files beside a checkpoint (see ckpt_state.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstore/ckpt_state.h"
#include "runstore/runlog_summary.h"

const char *exl_ckpt_state_name(enum exl_ckpt_state st)
{
	switch (st) {
	case EXL_CKPT_SIGNED:
		return "signed";
	case EXL_CKPT_PASSPORT:
		return "passport only";
	case EXL_CKPT_NONE:
		return "none";
	default:
		return "n/a";
	}
}

/* ckpt_path: the checkpoint path of a Results value (backticks and text
 * after the path dropped, relative to base), trailing '/' removed. */
static int ckpt_path(const char *value, const char *base, char *out,
		     size_t len)
{
	const char *v = value;
	size_t n;

	if (!exl_value_present(value))
		return -1;
	while (*v == ' ' || *v == '`')
		v++;
	n = strcspn(v, "` ");
	if (n == 0)
		return -1;
	if (v[0] == '/') {
		if (snprintf(out, len, "%.*s", (int)n, v) >= (int)len)
			return -1;
	} else if (snprintf(out, len, "%s/%.*s", base, (int)n, v) >= (int)len) {
		return -1;
	}
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return 0;
}

/* to_dir: an existing file is replaced by its directory.  Returns
 * whether path exists. */
static int to_dir(char *path)
{
	struct stat st;
	char *slash;

	if (stat(path, &st) < 0)
		return 0;
	slash = strrchr(path, '/');
	if (!S_ISDIR(st.st_mode) && slash && slash != path)
		*slash = '\0';
	return 1;
}

int exl_ckpt_dir(const char *value, const char *base, char *out, size_t len)
{
	if (ckpt_path(value, base, out, len) < 0)
		return -1;
	to_dir(out);
	return 0;
}

/* top: "/scratch" of "/scratch/u/ckpt" into buf; 0 when there is none. */
static int top(const char *path, char *buf, size_t len)
{
	size_t n;

	if (path[0] != '/')
		return 0;
	n = strcspn(path + 1, "/") + 1;
	if (n >= len || path[n] != '/')
		return 0;
	snprintf(buf, len, "%.*s", (int)n, path);
	return 1;
}

/* known_missing: is path below a top-level directory found missing? */
static int known_missing(const struct exl_ckpt_memo *m, const char *path)
{
	char t[64];
	int i;

	if (!m || !top(path, t, sizeof(t)))
		return 0;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->missing[i], t) == 0)
			return 1;
	return 0;
}

static void remember_missing(struct exl_ckpt_memo *m, const char *path)
{
	struct stat st;
	char t[64];

	if (m && m->n < 8 && top(path, t, sizeof(t)) && lstat(t, &st) < 0 &&
	    errno == ENOENT)
		snprintf(m->missing[m->n++], sizeof(m->missing[0]), "%s", t);
}

static int exists_in(const char *dir, const char *name)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

enum exl_ckpt_state exl_ckpt_state(const char *value, const char *base)
{
	return exl_ckpt_state_memo(value, base, NULL);
}

enum exl_ckpt_state exl_ckpt_state_memo(const char *value, const char *base,
					struct exl_ckpt_memo *memo)
{
	char dir[4096];
	int pass, sign;

	if (ckpt_path(value, base, dir, sizeof(dir)) < 0)
		return EXL_CKPT_NA;
	if (known_missing(memo, dir))
		return EXL_CKPT_NONE;
	/* a checkpoint on storage this machine does not see */
	if (!to_dir(dir)) {
		remember_missing(memo, dir);
		return EXL_CKPT_NONE;
	}
	pass = exists_in(dir, "MODEL_PASSPORT.json");
	sign = exists_in(dir, "SIGNOFF.json");
	return pass && sign ? EXL_CKPT_SIGNED :
	       pass ? EXL_CKPT_PASSPORT : EXL_CKPT_NONE;
}
