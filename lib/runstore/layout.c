/* layout.c - paths under a run-log root (see layout.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/layout.h"
#include "util/names.h"

#define FLAT_KEY "+flat"	/* '+' is not allowed in group names */

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
	return group ? group : FLAT_KEY;
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

char *exl_layout_run_lock(const char *root, const char *group,
			  const char *stem)
{
	return fmt_path("%s/" EXL_META_DIR "/locks/%s/%s.lock", root, gkey(group),
			stem);
}

char *exl_layout_timeline_spare(const char *root, const char *group)
{
	return fmt_path("%s/" EXL_META_DIR "/locks/%s.timeline.prev%s", root,
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

char *exl_layout_sidecar(const char *state_dir)
{
	return fmt_path("%s/run.json%s%s", state_dir, "", "");
}

char *exl_layout_prev_log(const char *state_dir)
{
	return fmt_path("%s/.prev.md%s%s", state_dir, "", "");
}

char *exl_layout_prev_sidecar(const char *state_dir)
{
	return fmt_path("%s/.prev.run.json%s%s", state_dir, "", "");
}

char *exl_layout_sweep_map(const char *root, const char *name)
{
	return fmt_path("%s/" EXL_META_DIR "/sweeps/%s%s", root, name, "");
}

char *exl_layout_chain_file(const char *root, const char *name)
{
	return fmt_path("%s/" EXL_META_DIR "/chains/%s%s", root, name, "");
}

char *exl_layout_meta(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "%s%s", root, "", "");
}

char *exl_layout_jobs_dir(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "/jobs%s%s", root, "", "");
}

char *exl_layout_runs_dir(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "/runs%s%s", root, "", "");
}

char *exl_layout_index_format(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "/index/format%s%s", root, "", "");
}

char *exl_layout_summary_cache(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "/cache/summaries%s%s", root, "", "");
}

char *exl_layout_recent_cache(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "/cache/recent%s%s", root, "", "");
}

char *exl_layout_index_snapshot(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "/cache/index%s%s", root, "", "");
}

char *exl_layout_acct_unknown(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "/cache/acct-unknown%s%s", root, "", "");
}

char *exl_layout_eff_asked(const char *root)
{
	return fmt_path("%s/" EXL_META_DIR "/cache/eff-asked%s%s", root, "", "");
}

char *exl_layout_index_dir(const char *root, const char *sub,
			   const char *day)
{
	char *p;

	if (asprintf(&p, "%s/" EXL_META_DIR "/index/%s%s%s", root, sub,
		     day ? "/" : "", day ? day : "") < 0)
		return NULL;
	return p;
}

char *exl_layout_state_rel(const char *group, const char *stem)
{
	return fmt_path(EXL_META_DIR "/runs/%s/%s%s", gkey(group), stem, "");
}

const char *const *exl_layout_meta_subdirs(void)
{
	static const char *const sub[] = { "jobs", "locks", "runs", NULL };

	return sub;
}

size_t exl_layout_index_parts(const char *sub, const char *day,
			      const char *parts[4])
{
	parts[0] = EXL_META_DIR;
	parts[1] = "index";
	parts[2] = sub;
	parts[3] = day;
	return day ? 4 : 3;
}

int exl_layout_split_state_dir(const char *abs, int below, char **root,
			       char **group, char **state_dir)
{
	static const char mark[] = "/" EXL_META_DIR "/runs/";
	const char *p = abs, *hit = NULL, *g, *stem, *end;
	int flat;

	*root = *group = *state_dir = NULL;
	while ((p = strstr(p, mark))) {
		hit = p;
		p += 1;
	}
	if (!hit)
		return 1;
	g = hit + strlen(mark);
	stem = strchr(g, '/');
	if (!stem || stem == g)
		return 1;
	stem++;
	end = strchr(stem, '/');
	if (end == stem || (below && !end))
		return 1;
	if (!end)
		end = stem + strlen(stem);
	flat = strncmp(g, FLAT_KEY "/", strlen(FLAT_KEY) + 1) == 0;
	*root = hit == abs ? strdup("/") : strndup(abs, (size_t)(hit - abs));
	*state_dir = strndup(abs, (size_t)(end - abs));
	if (!flat)
		*group = strndup(g, (size_t)(stem - 1 - g));
	if (!*root || !*state_dir || (!flat && !*group)) {
		free(*root);
		free(*group);
		free(*state_dir);
		*root = *group = *state_dir = NULL;
		return -1;
	}
	return 0;
}

char *exl_layout_root_of(const char *abs)
{
	char *root, *group, *state_dir;

	if (exl_layout_split_state_dir(abs, 0, &root, &group, &state_dir) != 0)
		return NULL;
	free(group);
	free(state_dir);
	return root;
}

char *exl_layout_stem(const char *run_log)
{
	const char *slash = strrchr(run_log, '/');
	const char *name = slash ? slash + 1 : run_log;
	size_t n = strlen(name);

	if (n > 3 && strcmp(name + n - 3, ".md") == 0)
		n -= 3;
	return strndup(name, n);
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
