/* wsync.h - shared parts of exp-wandb-sync (list, slim, sync). */
#ifndef WSYNC_H
#define WSYNC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "wandb/wandb_discover.h"
#include "wandb/wandb_rundir.h"
#include "job/wandb_runlog.h"

/* Version of the --json output documented in exp-wandb-sync(1). */
#define WSYNC_JSON_SCHEMA 1

int cmd_list(int argc, char **argv);
int cmd_slim(int argc, char **argv);
int cmd_sync(int argc, char **argv);

/* A run with everything list and sync show about it. */
struct wrun {
	struct exl_wandb_run run;
	int linked;		/* link is valid */
	struct exl_wandb_link link;
	char link_error[512];	/* a run log that could not be read */
};

/* Default roots (those that exist): ./run_logs/.exp-log/runs,
 * $EXP_LOG_DIR/.exp-log/runs, ./wandb, ./.wandb.  Returns the count;
 * *roots is NULL-terminated, free with free_strv. */
size_t default_roots(char ***roots);
void free_strv(char **v);

/* Every root named on the command line must be a directory: -1 (message
 * printed) when one is not. */
int check_roots(char *const *roots, size_t n);

/* Discover runs under roots, with a progress line on a terminal.
 * Returns -1 (message printed) on failure. */
int discover(const char *const *roots, size_t n, int threads,
	     struct exl_wandb_discovery *out);

/* Load the runs in dirs into runs[] (zeroed by the caller) in parallel
 * (what: EXL_WANDB_LOAD_*; link: also find their run logs), with a
 * progress line on a terminal. */
int load_runs(struct wrun *runs, const char *const *dirs, size_t n,
	      unsigned what, int link, int threads, const char *progress_what);
void free_runs(struct wrun *runs, size_t n);
void free_wrun(struct wrun *w);

/* Load one run named on the command line; a path to its .wandb file
 * works too.  Returns -1 with a message printed when it is not a W&B
 * run directory. */
int load_named_run(const char *arg, unsigned what, struct wrun *w);

/* path as shown to people: relative to the working directory when it is
 * below it.  Returns a pointer into path or into buf. */
const char *show_path(const char *path, char *buf, size_t len);

/* A string from a hostile file made safe for a terminal: control
 * characters become '?'. */
const char *tty_safe(const char *s, char *buf, size_t len);

/* "2026-03-11 14:02" (local time), "-" for 0. */
const char *show_time(time_t t, char *buf, size_t len);

/* Parse a non-negative integer option of command cmd; -1 (a usage
 * message printed) when bad.  -j/--jobs use cli_parse_jobs instead. */
int parse_count(const char *cmd, const char *opt, const char *val, long max,
		long *out);

/* JSON helpers: a string or null, an absolute path (exl_wandb_abs_path)
 * or null, an integer or null. */
json_object *jstr(const char *s);
json_object *jpath(const char *p);
json_object *jint_or_null(int have, long long v);

/* Print obj (then free it) as the --json output. */
void print_json(json_object *obj);

/* Names W&B accepts for entities and projects (letters, digits, '-',
 * '_', '.'); 0 when valid. */
int valid_wandb_name(const char *s);

#endif
