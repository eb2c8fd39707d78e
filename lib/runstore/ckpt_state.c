/* ckpt_state.c - passport files beside a checkpoint (see ckpt_state.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstore/ckpt_state.h"
#include "runstore/runlog_summary.h"
#include "util/jsonfile.h"

/* Largest SIGNOFF.json read (passport writes a few KiB per weight file). */
#define SIGNOFF_MAX (16u << 20)

const char *exl_ckpt_state_name(enum exl_ckpt_state st)
{
	switch (st) {
	case EXL_CKPT_SIGNED:
		return "signed";
	case EXL_CKPT_UNSIGNED:
		return "unsigned";
	case EXL_CKPT_BAD:
		return "bad signoff";
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

/* signoff_state: what SIGNOFF.json in dir says: a verdict passport(1)
 * writes (pass, soft_signal) with or without a signature object; BAD for
 * a file that is not such a document. */
static enum exl_ckpt_state signoff_state(const char *dir)
{
	struct exl_err err;
	json_object *doc, *sig;
	const char *verdict;
	enum exl_ckpt_state st = EXL_CKPT_BAD;
	char p[4200];

	snprintf(p, sizeof(p), "%s/SIGNOFF.json", dir);
	doc = exl_json_read(p, SIGNOFF_MAX, &err);
	if (!doc)
		return EXL_CKPT_BAD;
	verdict = exl_json_str(doc, "verdict");
	if (verdict && (strcmp(verdict, "pass") == 0 ||
			strcmp(verdict, "soft_signal") == 0))
		st = json_object_object_get_ex(doc, "signature", &sig) &&
		     json_object_is_type(sig, json_type_object) ?
		     EXL_CKPT_SIGNED : EXL_CKPT_UNSIGNED;
	json_object_put(doc);
	return st;
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
	return pass && sign ? signoff_state(dir) :
	       pass ? EXL_CKPT_PASSPORT : EXL_CKPT_NONE;
}
