/* layout.c - paths under a run-log root (see layout.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/layout.h"

static char *fmt_path(const char *fmt, const char *a, const char *b,
		      const char *c)
{
	char *p;

	if (asprintf(&p, fmt, a, b, c) < 0)
		return NULL;
	return p;
}

static const char *gkey(const char *group)
{
	return group ? group : EXL_FLAT_KEY;
}

char *exl_layout_group_dir(const char *root, const char *group)
{
	return group ? fmt_path("%s/%s%s", root, group, "") : strdup(root);
}

char *exl_layout_lock(const char *root, const char *group)
{
	return fmt_path("%s/" EXL_META_DIR "/locks/%s.lock%s", root,
			gkey(group), "");
}

char *exl_layout_state_dir(const char *root, const char *group,
			   const char *stem)
{
	return fmt_path("%s/" EXL_META_DIR "/runs/%s/%s", root, gkey(group),
			stem);
}

char *exl_layout_job_index(const char *root, const char *job_id)
{
	return fmt_path("%s/" EXL_META_DIR "/jobs/%s.json%s", root, job_id, "");
}

int exl_layout_safe_rel(const char *rel)
{
	const char *p = rel;

	if (!rel || !*rel || *rel == '/')
		return -1;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 0 || (len == 2 && p[0] == '.' && p[1] == '.') ||
		    (len == 1 && p[0] == '.'))
			return -1;
		if (!slash)
			break;
		p = slash + 1;
		if (!*p)
			return -1;
	}
	return 0;
}

int exl_scan_order(const char *a, const char *b)
{
	int ga = strchr(a, '/') != NULL, gb = strchr(b, '/') != NULL;

	if (ga != gb)
		return ga ? 1 : -1;
	return strcmp(a, b);
}
