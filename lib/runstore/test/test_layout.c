/* Unit tests: every path under a run-log root, and the way back from a
 * state dir path to its root and group. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "runstore/layout.h"

/* check_path: got is want; frees got. */
static void check_path(char *got, const char *want, const char *name)
{
	is_str(got, want, "%s", name);
	free(got);
}

static void split(const char *abs, int below, int want_rc,
		  const char *root, const char *group, const char *sdir)
{
	char *r, *g, *s;
	int rc = exl_layout_split_state_dir(abs, below, &r, &g, &s);

	is_int(rc, want_rc, "split %s (below=%d): rc", abs, below);
	if (rc == 0) {
		is_str(r, root, "split %s: root", abs);
		ok(group ? g && strcmp(g, group) == 0 : g == NULL,
		   "split %s: group %s", abs, group ? group : "(flat)");
		is_str(s, sdir, "split %s: state dir", abs);
	} else {
		ok(!r && !g && !s, "split %s: nothing allocated", abs);
	}
	free(r);
	free(g);
	free(s);
}

int main(void)
{
	const char *parts[4];
	const char *const *sub;
	char *sd;

	check_path(exl_layout_group_dir("/r", "g"), "/r/g", "group dir");
	check_path(exl_layout_group_dir("/r", NULL), "/r", "flat group dir");
	check_path(exl_layout_lock("/r", NULL), "/r/.exp-log/locks/+flat.lock",
		   "flat lock");
	check_path(exl_layout_run_lock("/r", NULL, "2026-01-02_a"),
		   "/r/.exp-log/locks/+flat/2026-01-02_a.lock", "flat run lock");
	check_path(exl_layout_run_lock("/r", "g", "2026-01-02_a_2"),
		   "/r/.exp-log/locks/g/2026-01-02_a_2.lock", "group run lock");
	check_path(exl_layout_stem("/r/g/2026-01-02_a.md"), "2026-01-02_a",
		   "stem of a run log path");
	check_path(exl_layout_stem("2026-01-02_a.md"), "2026-01-02_a",
		   "stem of a file name");
	check_path(exl_layout_stem("/r/g/notes"), "notes",
		   "a name without .md is its own stem");
	check_path(exl_layout_root_of("/r/.exp-log/runs/g/s"), "/r",
		   "root of a state dir");
	check_path(exl_layout_root_of("/r/.exp-log/runs/+flat/s/wandb"), "/r",
		   "root of a path below a flat state dir");
	ok(exl_layout_root_of("/r/.exp-log/jobs/1.json") == NULL,
	   "no root outside a state dir");
	check_path(exl_layout_job_index("/r", "42"), "/r/.exp-log/jobs/42.json",
		   "job index");
	check_path(exl_layout_meta("/r"), "/r/.exp-log", "meta dir");
	check_path(exl_layout_sidecar("/r/.exp-log/runs/g/s"),
		   "/r/.exp-log/runs/g/s/run.json", "sidecar");
	check_path(exl_layout_jobs_dir("/r"), "/r/.exp-log/jobs", "jobs dir");
	check_path(exl_layout_runs_dir("run_logs"), "run_logs/.exp-log/runs",
		   "runs dir");
	check_path(exl_layout_index_format("/r"), "/r/.exp-log/index/format",
		   "index format stamp");
	check_path(exl_layout_summary_cache("/r"),
		   "/r/.exp-log/cache/summaries", "summary cache");
	check_path(exl_layout_recent_cache("/r"),
		   "/r/.exp-log/cache/recent", "the default view's cache");
	check_path(exl_layout_index_snapshot("/r"),
		   "/r/.exp-log/cache/index", "the index snapshot");
	check_path(exl_layout_index_dir("/r", "ended", "2026-02-20"),
		   "/r/.exp-log/index/ended/2026-02-20", "ended day dir");
	check_path(exl_layout_index_dir("/r", "open", NULL),
		   "/r/.exp-log/index/open", "open dir");
	check_path(exl_layout_state_rel("g", "2026-02-20_t"),
		   ".exp-log/runs/g/2026-02-20_t", "state rel");
	check_path(exl_layout_state_rel(NULL, "s"), ".exp-log/runs/+flat/s",
		   "flat state rel");

	is_int((int)exl_layout_index_parts("open", NULL, parts), 3,
	       "open: three parts");
	ok(!strcmp(parts[0], ".exp-log") && !strcmp(parts[1], "index") &&
	   !strcmp(parts[2], "open"), "open: the parts");
	is_int((int)exl_layout_index_parts("ended", "d", parts), 4,
	       "ended day: four parts");
	sub = exl_layout_meta_subdirs();
	ok(sub[0] && sub[1] && sub[2] && !sub[3], "three meta subdirs");

	/* the inverse, for paths the state dir functions make */
	sd = exl_layout_state_dir("/home/u/run_logs", "grp", "2026-02-20_t");
	split(sd, 0, 0, "/home/u/run_logs", "grp", sd);
	free(sd);
	split("/r/.exp-log/runs/grp/s/wandb/offline-run-1", 1, 0, "/r", "grp",
	      "/r/.exp-log/runs/grp/s");
	split("/r/.exp-log/runs/+flat/s/wandb", 1, 0, "/r", NULL,
	      "/r/.exp-log/runs/+flat/s");
	split("/.exp-log/runs/g/s/x", 1, 0, "/", "g", "/.exp-log/runs/g/s");
	/* the last mark wins: a root inside another root's state dir */
	split("/a/.exp-log/runs/g/s/b/.exp-log/runs/h/t/w", 1, 0,
	      "/a/.exp-log/runs/g/s/b", "h", "/a/.exp-log/runs/g/s/b/.exp-log/runs/h/t");
	split("/r/.exp-log/runs/g/s", 1, 1, NULL, NULL, NULL);
	split("/r/.exp-log/runs/g/s", 0, 0, "/r", "g", "/r/.exp-log/runs/g/s");
	split("/r/.exp-log/runs/g", 0, 1, NULL, NULL, NULL);
	split("/r/.exp-log/runs//s/x", 1, 1, NULL, NULL, NULL);
	split("/r/.exp-log/jobs/1.json", 0, 1, NULL, NULL, NULL);
	return done_testing();
}
