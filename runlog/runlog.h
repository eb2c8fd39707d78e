/* runlog.h - the runlog CLI: one context, one entry point per command,
 * and the helpers the commands share (root and RUN resolution, locks,
 * colors, durations).  Messages and exit codes follow lib/cli.h.
 */
#ifndef RUNLOG_H
#define RUNLOG_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "runstore/ckpt_state.h"
#include "runstore/run_record.h"
#include "util/names.h"
#include "runstore/runlog_doc.h"
#include "runstore/runlog_scan.h"

#define RL_PATH 4096

struct rl {
	char root[RL_PATH];	/* absolute run-log root */
	char base[RL_PATH];	/* the directory holding it (rl_base_dir) */
	struct exl_ckpt_memo memo;	/* missing checkpoint storage */
	int color;		/* colors on stdout */
	time_t now;
	char **argv;		/* main's, for rl_exec_full */
};

/* A run log named on the command line. */
struct rl_run {
	char path[RL_PATH];	/* the markdown file */
	char root[RL_PATH];	/* the run-log root it lives under */
	char group[EXL_NAME_MAX + 1];	/* "" : flat */
	const char *name;	/* file name, inside path */
};

typedef int (*rl_cmd_fn)(struct rl *c, int argc, char **argv);

int cmd_status(struct rl *c, int argc, char **argv);
int cmd_show(struct rl *c, int argc, char **argv);
int cmd_timeline(struct rl *c, int argc, char **argv);
int cmd_experiments(struct rl *c, int argc, char **argv);
int cmd_sweep(struct rl *c, int argc, char **argv);
int cmd_chain(struct rl *c, int argc, char **argv);
int cmd_diff(struct rl *c, int argc, char **argv);
int cmd_report(struct rl *c, int argc, char **argv);
int cmd_new(struct rl *c, int argc, char **argv);
int cmd_note(struct rl *c, int argc, char **argv);
int cmd_close(struct rl *c, int argc, char **argv);
int cmd_lint(struct rl *c, int argc, char **argv);
int cmd_publish(struct rl *c, int argc, char **argv);
int cmd_reindex(struct rl *c, int argc, char **argv);

/* The path of runlog-full into buf: the one next to this binary (a
 * build tree), else the installed one.  -1 when it does not fit. */
int rl_full_path(char *buf, size_t len);

/* Run the command line argv in runlog-full instead (the status binary,
 * for what it does not link).  Returns only on failure, with the exit
 * status after a message. */
int rl_exec_full(char **argv);

/* Set c->root from dir (relative to the working directory).  -1 with a
 * message when it does not fit. */
int rl_set_root(struct rl *c, const char *dir);

/* May this user write the caches under <root>/.exp-log (a root exp-log
 * manages, writable)? */
int rl_meta_writable(const struct rl *c);

/* Is the root a directory?  -1 after a message that says how to name
 * it (--root DIR) when it is not. */
int rl_check_root(const struct rl *c);

/* Resolve RUN: a path to a run log, or a file name, stem or
 * "group/name" under c->root.  Returns 0, or an exit code after a
 * message (EXL_EXIT_USAGE when RUN names no run log or several). */
int rl_find_run(const struct rl *c, const char *arg, struct rl_run *run);

/* Call fn for each directory of a listing: the flat level (when it has
 * run logs, or always with flat_always) and every group that has run
 * logs, with that directory's entries.  Stops at the first non-zero return. */
typedef int (*rl_dir_fn)(const struct rl *c, const char *group,
			 struct exl_scan_entry *v, size_t n, void *arg);
int rl_each_dir(const struct rl *c, struct exl_scan *sc, int flat_always,
		rl_dir_fn fn, void *arg);

/* List the run logs of group (NULL: all) under c->root into *sc and read
 * their summaries.  Returns 0 (free sc with exl_scan_free) or an exit code
 * after a message (sc already freed). */
int rl_scan_load(const struct rl *c, const char *group, struct exl_scan *sc);

/* rl_scan_load, then rl_each_dir with fn.  Returns an exit code (after
 * a message on error). */
int rl_scan_dirs(const struct rl *c, const char *group, rl_dir_fn fn,
		 void *arg);

/* rl_find_run, then the whole run log into *text (caller frees).
 * Returns 0 or an exit code after a message. */
int rl_read_run(const struct rl *c, const char *arg, struct rl_run *run,
		char **text);

/* The group of a run as lib/ wants it: NULL when flat. */
const char *rl_group(const struct rl_run *run);

/* Take the group lock of run (creating the locks directory).  Returns
 * the fd for exl_unlock, or -1 after a message. */
int rl_lock(const char *root, const char *group);
/* The run lock of run_log (run_edit.h: after the group's lock when both
 * are taken); -1 after a message. */
int rl_run_lock(const char *root, const char *group, const char *run_log);

/* The run.json record (run_record.h) of the run log stem of group (NULL:
 * flat) under root into r (exl_run_record_free it), its state dir in
 * *state_dir (may be NULL; caller frees).  -1 (r empty) when the run has
 * none or it cannot be read. */
int rl_run_record(const char *root, const char *group, const char *stem,
		  struct exl_run_record *r, char **state_dir);

/* Read a run log into a line model / write it back atomically.  -1
 * after a message. */
int rl_load_doc(const char *path, struct exl_doc *d);
int rl_save_doc(const char *path, const struct exl_doc *d);

/* The directory that holds the root: relative checkpoint and config
 * paths in a run log are taken against it (the submit directory when
 * the root is the default run_logs). */
void rl_base_dir(const char *root, char *out, size_t len);

/* code (one of RL_*) when c->color, else "". */
const char *rl_color(const struct rl *c, const char *code);
#define RL_RESET "\033[0m"
#define RL_BOLD "\033[1m"
#define RL_RED "\033[31m"
#define RL_GREEN "\033[32m"
#define RL_YELLOW "\033[33m"
#define RL_MAGENTA "\033[35m"
#define RL_BOLDRED "\033[1;31m"
#define RL_DIM "\033[2m"

/* Seconds as "3d04h", "5h07m", "12m", "45s"; "-" when negative. */
void rl_duration(long secs, char *buf, size_t len);

/* "runlog CMD: message; try 'runlog CMD --help'" on stderr (see
 * cli_usage_err); returns EXL_EXIT_USAGE. */
int rl_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print help text for --help (stdout) and return EXL_EXIT_OK. */
int rl_help(const char *text);

/* Parse a non-negative integer option value; -1 when malformed. */
long rl_parse_count(const char *s);

#endif
