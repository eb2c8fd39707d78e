/* ckpt_state.c - passport files beside a checkpoint (see ckpt_state.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt_state.h"
#include "runlog_summary.h"

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

int exl_ckpt_dir(const char *value, const char *base, char *out, size_t len)
{
	char path[4096];
	const char *v = value;
	size_t n;
	struct stat st;
	char *slash;

	if (!exl_value_present(value))
		return -1;
	while (*v == ' ' || *v == '`')
		v++;
	n = strcspn(v, "` ");
	if (n == 0 || n >= sizeof(path))
		return -1;
	if (v[0] == '/')
		snprintf(path, sizeof(path), "%.*s", (int)n, v);
	else if (snprintf(path, sizeof(path), "%s/%.*s", base, (int)n, v) >=
		 (int)sizeof(path))
		return -1;
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		slash = strrchr(path, '/');
		if (slash && slash != path)
			*slash = '\0';
	}
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	return snprintf(out, len, "%s", path) >= (int)len ? -1 : 0;
}

static int exists_in(const char *dir, const char *name)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

enum exl_ckpt_state exl_ckpt_state(const char *value, const char *base)
{
	char dir[4096];
	int pass, sign;

	if (exl_ckpt_dir(value, base, dir, sizeof(dir)) < 0)
		return EXL_CKPT_NA;
	pass = exists_in(dir, "MODEL_PASSPORT.json");
	sign = exists_in(dir, "SIGNOFF.json");
	return pass && sign ? EXL_CKPT_SIGNED :
	       pass ? EXL_CKPT_PASSPORT : EXL_CKPT_NONE;
}
