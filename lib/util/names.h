/* names.h - turning user-supplied names into safe file-name parts. */
#ifndef EXL_NAMES_H
#define EXL_NAMES_H

#include <stddef.h>

/* The hidden directory of a run-log root: its state, index, locks and
 * caches (runstore/layout.h).  A directory holding one is a run-log
 * root (the checkpoint search passes over it). */
#define EXL_META_DIR ".exp-log"

/* Longest sanitized task or group name. */
#define EXL_NAME_MAX 80

/* Sanitize a task name for "<date>_<task>.md": letters, digits, '.', '_'
 * and '-' are kept, every other run of characters becomes one '_',
 * leading dots/underscores and trailing underscores are dropped, and the
 * result is cut to EXL_NAME_MAX.  An empty result becomes "job".
 * out must hold EXL_NAME_MAX + 1 bytes. */
void exl_sanitize_name(const char *in, char *out);

/* Default task from a job name: the script name without a .sh, .sbatch,
 * .slurm or .bash suffix ("train.sh" -> "train"); "job" when empty. */
void exl_task_from_job_name(const char *job_name, char *out, size_t len);

/* A group name is one directory level: 1-80 characters from
 * [A-Za-z0-9._-], not starting with '.'.  Returns 0 when valid. */
int exl_valid_group(const char *group);

/* "arx5_multitask" -> "Arx5 Multitask" (timeline titles). */
void exl_title_case(const char *in, char *out, size_t len);

/* A group's title in timeline.md and experiments.md: the group
 * title-cased, "Run Logs" for the flat level (group NULL). */
void exl_group_title(const char *group, char *out, size_t len);

#endif
