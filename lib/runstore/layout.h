/* layout.h - where exp-log keeps things under a run-log root.
 *
 *   <root>/<group>/<date>_<task>.md        the run log (people read this)
 *   <root>/<group>/timeline.md             the group's timeline
 *   <root>/.exp-log/runs/<group>/<stem>/   the run's state dir
 *        run.json                          JSON sidecar (machine state)
 *   <root>/.exp-log/jobs/<jobid>.json      job id -> run index
 *   <root>/.exp-log/locks/<group>.lock     one lock per group
 *
 * A flat root (no group) uses "+flat" where a group name would go; '+'
 * is not allowed in group names, so the two never collide.
 */
#ifndef EXL_LAYOUT_H
#define EXL_LAYOUT_H

#define EXL_META_DIR ".exp-log"
#define EXL_FLAT_KEY "+flat"

/* Each returns a newly allocated path; group may be NULL (flat). */
char *exl_layout_group_dir(const char *root, const char *group);
char *exl_layout_lock(const char *root, const char *group);
char *exl_layout_state_dir(const char *root, const char *group,
			   const char *stem);
char *exl_layout_job_index(const char *root, const char *job_id);

/* A relative path stored in an index or sidecar is trusted only when it
 * has no "..", no leading '/', and no empty component.  0 when safe. */
int exl_layout_safe_rel(const char *rel);

/* The listing order of two rels: the flat level ("name.md") first, then
 * by byte order, so each group's entries are contiguous. */
int exl_scan_order(const char *a, const char *b);

#endif
