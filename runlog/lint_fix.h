/* lint_fix.h - the mechanical repairs of `runlog lint --fix`: renames to
 * <date>_<task>.md (with the run's state directory, sidecar, job index,
 * timeline and experiments references), human-readable dates beside ISO
 * ones, a rebuilt timeline.md and missing experiments.md rows.  Each
 * directory is repaired under its group lock with atomic writes; without
 * apply only the plan is printed (the dry run). */
#ifndef RUNLOG_LINT_FIX_H
#define RUNLOG_LINT_FIX_H

#include <stddef.h>

#include "runstore/lint.h"
#include "runlog.h"

/* Repair (or, apply == 0, describe) what the findings of directory dir
 * (group NULL: the root) allow.  info[i].name are the run logs there.
 * Returns the number of actions, or -1 after a message. */
int rl_lint_fix(const struct rl *c, const char *dir, const char *group,
		const struct exl_lint_info *info, size_t n,
		const struct exl_findings *f, int apply);

#endif
