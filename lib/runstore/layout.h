/* layout.h - where exp-log keeps things under a run-log root.
 *
 *   <root>/<group>/<date>_<task>.md        the run log (people read this)
 *   <root>/<group>/timeline.md             the group's timeline
 *   <root>/.exp-log/runs/<group>/<stem>/   the run's state dir
 *        run.json                          JSON sidecar (machine state)
 *        .prev.md, .prev.run.json          the versions the last writes
 *                                          replaced: the next writes'
 *                                          spare files (fileio.h)
 *   <root>/.exp-log/jobs/<jobid>.json      job id -> run (the sidecar's
 *                                          list, kept beside it)
 *   <root>/.exp-log/index/open/<jobid>     runs open now (runlog status)
 *   <root>/.exp-log/index/ended/<day>/...  runs ended that day
 *   <root>/.exp-log/index/format           the index's format stamp
 *   <root>/.exp-log/locks/<group>.lock     one lock per group: its
 *                                          group files, new names
 *   <root>/.exp-log/locks/<group>/<stem>.lock  one lock per run log
 *   <root>/.exp-log/cache/summaries        runlog status --all's cache
 *   <root>/.exp-log/cache/recent           the default view's cache
 *   <root>/.exp-log/cache/index            the run index as last read
 *   <root>/.exp-log/sweeps/<file>.map      a submitted sweep's task map
 *   <root>/.exp-log/chains/<file>.chain    a submitted chain's stages
 *
 * This file is the only place that spells these paths, or takes one
 * apart (exl_layout_split_state_dir).
 * A flat root (no group) uses "+flat" where a group name would go; '+'
 * is not allowed in group names, so the two never collide.
 */
#ifndef EXL_LAYOUT_H
#define EXL_LAYOUT_H

#include <stddef.h>

/* Each returns a newly allocated path (NULL: out of memory); group may
 * be NULL (flat). */
char *exl_layout_group_dir(const char *root, const char *group);
char *exl_layout_lock(const char *root, const char *group);
/* the run lock of the run log <stem>.md in group (run_edit.h) */
char *exl_layout_run_lock(const char *root, const char *group,
			  const char *stem);
char *exl_layout_state_dir(const char *root, const char *group,
			   const char *stem);
char *exl_layout_job_index(const char *root, const char *job_id);
char *exl_layout_meta(const char *root);		/* <root>/.exp-log */
/* <root>/.exp-log/sweeps/<name>: sbatch-exp's task maps */
char *exl_layout_sweep_map(const char *root, const char *name);
/* <root>/.exp-log/chains/<name>: sbatch-exp's chain files (name "":
 * the folder) */
char *exl_layout_chain_file(const char *root, const char *name);
char *exl_layout_sidecar(const char *state_dir);	/* .../run.json */
/* the spare files of the run log's and run.json's writes: .../.prev.md,
 * .../.prev.run.json */
char *exl_layout_prev_log(const char *state_dir);
char *exl_layout_prev_sidecar(const char *state_dir);
/* the spare file of the group's timeline.md writes, beside the group
 * lock its writers hold: <root>/.exp-log/locks/<group>.timeline.prev */
char *exl_layout_timeline_spare(const char *root, const char *group);
char *exl_layout_jobs_dir(const char *root);
char *exl_layout_runs_dir(const char *root);		/* the state dirs */
char *exl_layout_index_format(const char *root);
char *exl_layout_summary_cache(const char *root);
char *exl_layout_recent_cache(const char *root);
char *exl_layout_index_snapshot(const char *root);
/* job ids accounting did not know, and when it was asked (runlog) */
char *exl_layout_acct_unknown(const char *root);
/* <root>/.exp-log/cache/eff-asked: ended jobs whose Efficiency figures
 * accounting was asked for and could not give (runlog/eff_auto.h). */
char *exl_layout_eff_asked(const char *root);
/* <root>/.exp-log/index/<sub>[/<day>], for messages. */
char *exl_layout_index_dir(const char *root, const char *sub,
			   const char *day);

/* The state dir relative to the root: ".exp-log/runs/<g>/<stem>". */
char *exl_layout_state_rel(const char *group, const char *stem);

/* The directories below <root>/.exp-log that every writer makes, NULL
 * terminated. */
const char *const *exl_layout_meta_subdirs(void);

/* The components of index dir <sub>[/<day>] below the root, from
 * ".exp-log" down, into parts; returns their count (3 or 4). */
size_t exl_layout_index_parts(const char *sub, const char *day,
			      const char *parts[4]);

/* The inverse of exl_layout_state_dir: for an absolute path at or below
 * <root>/.exp-log/runs/<g>/<stem>/ (the last such mark in the path),
 * set *root, *group (NULL for a flat root) and *state_dir, newly
 * allocated.  below: the path must lie strictly inside the state dir.
 * 0 on success, 1 when the path is not there, -1 out of memory. */
int exl_layout_split_state_dir(const char *abs, int below, char **root,
			       char **group, char **state_dir);

/* The run-log root of a state dir (or of a path below one, as
 * exl_layout_split_state_dir reads it), newly allocated; NULL when abs
 * is not there, or out of memory. */
char *exl_layout_root_of(const char *abs);

/* A run log's stem: its file name without ".md" (run_log may be a path),
 * newly allocated; NULL when out of memory. */
char *exl_layout_stem(const char *run_log);

/* A relative path stored in an index or sidecar is trusted only when it
 * has no "..", no leading '/', and no empty component.  0 when safe. */
int exl_layout_safe_rel(const char *rel);

/* The listing order of two rels: the flat level ("name.md") first, then
 * by byte order, so each group's entries are contiguous. */
int exl_scan_order(const char *a, const char *b);

#endif
