/* lint.h - checking run logs for the mistakes people make with them
 * (seeds/001, "Common Mistakes").  Each finding names a file and line,
 * a rule id, what is wrong and how to fix it; the rule ids are listed in
 * runlog(1), LINT RULES.
 *
 * exl_lint_doc checks one run log (its content and its file name);
 * exl_lint_dir checks a directory of them (timeline.md, experiments.md,
 * a flat root that grew too big).  Both only read.
 */
#ifndef EXL_LINT_H
#define EXL_LINT_H

#include <stddef.h>
#include <time.h>

#include "runstore/runlog_doc.h"

/* A flat root with more run logs than this should be grouped. */
#define EXL_LINT_FLAT_MAX 10

struct exl_finding {
	char *file;
	long line;		/* 1-based; 1 when about the whole file */
	const char *rule;	/* static rule id */
	char *msg;
	char *fix;
	int fixable;		/* `runlog lint --fix` repairs it */
};

struct exl_findings {
	struct exl_finding *v;
	size_t n, cap;
	int nomem;		/* a finding could not be stored */
};

void exl_findings_add(struct exl_findings *f, const char *file, long line,
		      const char *rule, int fixable, const char *fix,
		      const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void exl_findings_free(struct exl_findings *f);

/* What the directory rules need to know of each run log. */
struct exl_lint_info {
	const char *name;	/* file name */
	int experiment;		/* run_type experiment */
	time_t start;		/* first job start (or first Status stamp) */
};

/* Check one run log (parsed as d) at path.  base resolves relative
 * checkpoint paths.  info (may be NULL) gets what exl_lint_dir needs. */
void exl_lint_doc(const struct exl_doc *d, const char *path,
		  const char *base, struct exl_findings *out,
		  struct exl_lint_info *info);

/* Why a .md file in a run-log directory is no run log (empty, binary,
 * no "# " title or "## " section), or NULL when it may be one.  Such a
 * file is reported, never added to timeline.md or experiments.md. */
const char *exl_lint_not_runlog(const char *text, size_t len);

/* Check the directory dir (a group, or the root when group is NULL)
 * holding the run logs in info[0..n-1]. */
void exl_lint_dir(const char *dir, const char *group,
		  const struct exl_lint_info *info, size_t n,
		  struct exl_findings *out);

/* The name a misnamed run log should have: "<task>_<date>.md" becomes
 * "<date>_<task>.md"; a name without a date gets the run's start date
 * (start 0: no proposal).  Returns 1 with the name in out, 0 when the
 * name is fine, -1 when no proposal can be made. */
int exl_lint_good_name(const char *name, time_t start, char *out,
		       size_t len);

#endif
