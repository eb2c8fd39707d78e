/* cli.h - conventions shared by the login-node tools (runlog, passport,
 * exp-wandb-sync, exp-run): messages, exit codes, terminal progress.
 *
 * Messages read "<prog>: <what failed>: <why>[: <fix>]" on stderr, one
 * line each.  Library code never calls these; it fills a struct exl_err
 * and the program decides.
 */
#ifndef EXL_CLI_H
#define EXL_CLI_H

#include <stdint.h>
#include <time.h>

/* Exit codes common to every tool (each man page lists them). */
enum {
	EXL_EXIT_OK = 0,	/* success; for checks: everything holds */
	EXL_EXIT_CHECK = 1,	/* ran fine, the answer is "no" (findings,
				 * mismatches, failed syncs) */
	EXL_EXIT_USAGE = 2,	/* bad command line */
	EXL_EXIT_ERROR = 3,	/* could not do the work (I/O, bad input) */
};

/* Set the program name (basename of prog) and turn off getopt's own
 * messages (opterr = 0): cli_bad_option prints the one line instead.
 * Option strings start with ':' (after a '+' where used), so that a
 * missing value is told apart from an unknown option. */
void cli_init(const char *prog);
const char *cli_prog(void);

/* "<prog> (exp-log) <version>" on stdout, the one --version / -V format
 * of every tool.  Returns EXL_EXIT_OK. */
int cli_version(void);

/* After getopt_long returned '?' or ':' (ch): one line on stderr,
 * "<prog>[ <cmd>]: unknown option '--x'; try '<prog>[ <cmd>] --help'"
 * (or "option '-j' needs a value", "option '--json' takes no value").
 * cmd is the sub-command, NULL for the tool itself.  Returns
 * EXL_EXIT_USAGE. */
int cli_bad_option(int ch, char **argv, const char *cmd);

/* Any other usage error, the same shape: "<prog>[ <cmd>]: <message>;
 * try '<prog>[ <cmd>] --help'".  Returns EXL_EXIT_USAGE. */
int cli_usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Missing operands: "<prog>[ <cmd>]: missing <what>" and then the
 * usage line of the command: help up to its first blank line (the
 * "Usage: ..." line, wrapped; all of help when it has no blank line),
 * not the whole help.  Returns EXL_EXIT_USAGE. */
int cli_missing(const char *cmd, const char *what, const char *help);

/* -j/--jobs N (and runlog status --threads N): a whole number from 1 to
 * max.  0 is refused like any other bad value (leave the option out
 * for the default).  -1 after a cli_usage_err line naming opt. */
int cli_parse_jobs(const char *cmd, const char *opt, const char *val,
		   long max, long *out);

/* one when n == 1, else many: "1 entry", "2 entries". */
const char *cli_plural(unsigned long long n, const char *one,
		       const char *many);

/* "<prog>: message" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_err, then exit(code). */
void cli_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Colors and progress only when stderr/stdout is a terminal and NO_COLOR
 * is unset. */
int cli_color_stdout(void);

/* A progress line on stderr, redrawn at most 10 times a second, only on
 * a terminal.  total may be 0 (unknown). */
struct cli_progress {
	int enabled;
	const char *what;
	uint64_t total, done;
	uint64_t items_total, items_done;
	struct timespec start, last;
};

void cli_progress_start(struct cli_progress *p, const char *what,
			uint64_t total_bytes, uint64_t total_items);
/* Add progress (thread-safe for the counters only if the caller locks). */
void cli_progress_add(struct cli_progress *p, uint64_t bytes,
		      uint64_t items);
/* Clear the progress line. */
void cli_progress_end(struct cli_progress *p);


#endif
