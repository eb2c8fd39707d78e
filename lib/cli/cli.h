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

void cli_init(const char *prog);
const char *cli_prog(void);

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
