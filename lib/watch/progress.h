/* progress.h - progress evidence from a training job's output files.
 *
 * A per-job monitor scans the job's stdout, stderr and the optional
 * metrics file ($EXP_LOG_STATE/metrics.jsonl) every status interval and
 * turns what it finds into facts: last step, first/last train and val
 * loss, when progress was last seen, quoted error lines.  The tracker is
 * saved as JSON between runs of the monitor, so a later epilog continues
 * where the monitor stopped.  Nothing here prints; failing calls return -1
 * and fill struct exl_err.
 *
 * Lines.  Every file is read as lines ended by '\n' or '\r' (tqdm redraws
 * its bar with '\r': each redraw is a line).  ANSI escape sequences and
 * control characters are removed first.  Lines longer than EXL_LINE_MAX
 * bytes are skipped whole and counted.
 *
 * Progress.  A stdout/stderr line whose first non-blank character is '{'
 * and that parses as a JSON object is read by key (EXL_JSON_*_KEYS
 * below); any other line is matched against the three patterns.  A
 * metrics file line must be a JSON object; other lines are ignored.  A
 * loss value without a step on its own line belongs to the last step seen
 * in that file, else the last step seen in any file, else to no step.
 * The run's last step is the one from the file whose step changed last
 * (a metrics file that logs every 500 steps does not pull stdout's step
 * back).  When the metrics file gives a series (train or val) at all,
 * that series comes from the metrics file only; else from stdout and
 * stderr.
 *
 * "Progress" is a step different from the last one the same file gave
 * (an advance, or a reset after a restart) or a new loss value; it is
 * timed by when the scan saw it, or by the file's mtime when that is
 * earlier.  A loss of NaN or inf is counted, never used as a value.
 *
 * Errors.  stdout and stderr lines are matched against the error patterns
 * (case-sensitive); a Python traceback is quoted by its exception line
 * (the first unindented "Name: message" line, or a bare Name ending in
 * Error, Exception, Interrupt or Exit, Name in CamelCase, after
 * "Traceback (most recent call last):"; a prefix such as "[rank0]: "
 * before the Traceback line is stripped from the lines that follow).
 * Quotes that are equal apart from their digits count as one message;
 * the first EXL_PROGRESS_MAX_ERRORS distinct messages are kept, error
 * lines with other messages after that are only counted.
 */
#ifndef EXL_PROGRESS_H
#define EXL_PROGRESS_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "util/bounded_regex.h"
#include "util/exl_err.h"
#include "watch/loss_series.h"

/* Longest line parsed; longer ones are skipped. */
#define EXL_LINE_MAX (64 * 1024)
/* Most bytes one exl_progress_scan call reads from one file. */
#define EXL_SCAN_MAX (64LL * 1024 * 1024)
/* Distinct error messages kept, and the longest quote stored. */
#define EXL_PROGRESS_MAX_ERRORS 16
#define EXL_ERROR_TEXT 256
/* Longest quote in a Status line (bytes, cut at a character boundary). */
#define EXL_QUOTE_MAX 200
/* Capture groups a pattern may have. */
#define EXL_PATTERN_GROUPS 31

/* ---- patterns ------------------------------------------------------ */

/* Default progress patterns, regular expressions (util/bounded_regex.h:
 * PCRE2, written in the POSIX ERE subset) matched
 * case-insensitively.  The number is the last capture group that took
 * part in the match.  They accept "step 1200 loss 0.085",
 * "step=1200, loss=0.085", "Step: 1200 | train_loss: 0.085 |
 * val_loss: 0.09", "iter 5 loss 1.2", "Step [100/600]", tqdm's
 * "| 450/1000 [", Python dicts ("{'loss': 0.5, 'eval_loss': 0.6}").
 * A number the val pattern takes is never read as train loss, and the
 * loss pattern does not match "val_loss", "eval/loss", "test-loss". */
#define EXL_PAT_NUMBER \
	"([-+]?[0-9]*\\.?[0-9]+[eE]?[-+]?[0-9]*|[-+]?nan|[-+]?inf)"
#define EXL_PAT_STEP_DEFAULT \
	"(^|[^[:alnum:]_])(global[_ ]?)?(step|iter|iteration)['\"]?" \
	"[[:space:]]*[:=#]?[[:space:]]*\\[?[[:space:]]*([0-9]+)" \
	"|\\|[[:space:]]*([0-9]+)/[0-9]+[[:space:]]*\\["
#define EXL_PAT_LOSS_DEFAULT \
	"(^|[^[:alnum:]_/.-])((train(ing)?|total|avg|mean|lm)[_/ .-]?)?" \
	"loss['\"]?[[:space:]]*[:=]?[[:space:]]*" EXL_PAT_NUMBER
#define EXL_PAT_VAL_DEFAULT \
	"(^|[^[:alnum:]_])(val|valid|validation|eval|test)[^0-9,;|]{0,24}" \
	"loss['\"]?[[:space:]]*[:=]?[[:space:]]*" EXL_PAT_NUMBER

/* The default error patterns (case-sensitive), NULL-terminated. */
extern const char *const exl_error_patterns_default[];

/* JSON keys read from JSON lines, in order of preference. */
#define EXL_JSON_STEP_KEYS \
	"global_step", "step", "trainer/global_step", "train/global_step", \
	"iteration", "iter", "_step"
#define EXL_JSON_LOSS_KEYS \
	"loss", "train_loss", "train/loss", "training_loss", "train.loss"
#define EXL_JSON_VAL_KEYS \
	"val_loss", "val/loss", "eval_loss", "eval/loss", "validation_loss", \
	"validation/loss", "valid_loss", "val.loss"

enum exl_pat { EXL_PAT_STEP, EXL_PAT_LOSS, EXL_PAT_VAL, EXL_PAT_COUNT };

struct exl_patterns {
	struct exl_regex *re[EXL_PAT_COUNT];
	int have[EXL_PAT_COUNT];	/* 0: that pattern is switched off */
	struct exl_regex **errors;
	size_t n_errors;
};

/* Compile one pattern exactly as exl_patterns_compile does (the one place
 * with these flags; util/bounded_regex.h says what is accepted): a
 * progress pattern (progress != 0) ignoring case with 1 to
 * EXL_PATTERN_GROUPS capture groups, an error pattern case-sensitive.
 * Returns the pattern (exl_regex_free it), or NULL with the reason in
 * why. */
struct exl_regex *exl_pattern_compile(const char *src, int progress,
				      char *why, size_t whylen);

/* Compile the patterns.  A NULL pattern means the default, "" switches
 * that kind of match off.  errors NULL means the default error list,
 * otherwise the n_errors given (0: no error matching).  A progress pattern
 * needs a capture group for its number.  On failure nothing is left
 * allocated and err names the pattern. */
int exl_patterns_compile(struct exl_patterns *p, const char *step,
			 const char *loss, const char *val_loss,
			 const char *const *errors, size_t n_errors,
			 struct exl_err *err);

/* The built-in defaults: exl_patterns_compile(p, NULL x3, NULL, 0). */
int exl_patterns_default(struct exl_patterns *p, struct exl_err *err);

void exl_patterns_free(struct exl_patterns *p);

/* What one line says. */
struct exl_line_facts {
	int have_step, have_loss, have_val;
	long long step;		/* >= 0 */
	double loss, val;	/* may be NaN or inf ("loss nan") */
};

/* Match one (cleaned) text line with the three patterns.  Returns 1 when
 * anything was found. */
int exl_patterns_match(const struct exl_patterns *p, const char *line,
		       struct exl_line_facts *out);

/* Read a JSON-lines record by the EXL_JSON_*_KEYS.  Returns 1 when the
 * line is a JSON object giving a step or a loss, 0 otherwise. */
int exl_jsonl_match(const char *line, size_t len, struct exl_line_facts *out);

/* Index of the first error pattern matching line, -1 when none does. */
int exl_patterns_error(const struct exl_patterns *p, const char *line);

/* Once per pattern whose match gave up at a limit (that line counted as
 * no match): 1 and the one-line warning in buf; 0 when there is none new.
 * Call until it returns 0. */
int exl_patterns_take_warning(const struct exl_patterns *p, char *buf,
			      size_t len);

/* ---- the tracker --------------------------------------------------- */

enum exl_src_kind {
	EXL_SRC_STDOUT,
	EXL_SRC_STDERR,
	EXL_SRC_METRICS,
	EXL_SRC_COUNT
};

/* Scan state of one file. */
struct exl_progress_src {
	char *path;			/* NULL: never scanned */
	unsigned long long dev, ino;
	long long offset;		/* bytes consumed, up to a line end */
	int skipping;			/* inside an over-long line */
	unsigned char head[64];		/* the file's first bytes, to */
	size_t head_len;		/* notice a file rewritten in place */
	unsigned long long lines;	/* non-blank lines read */
	unsigned long long matched;	/* lines that gave a step or a loss */
	unsigned long long long_lines;	/* lines skipped as too long */
	int have_step;
	long long step;			/* the last step this file gave */
	int in_traceback;		/* between "Traceback" and its end */
	unsigned int tb_lines;		/* lines read inside it */
	char tb_prefix[64];		/* "[rank0]: " before "Traceback" */
};

enum exl_error_kind { EXL_ERR_MATCH, EXL_ERR_TRACEBACK };

struct exl_progress_error {
	char text[EXL_ERROR_TEXT];	/* the quote, valid UTF-8 */
	enum exl_src_kind src;
	enum exl_error_kind kind;
	unsigned long long count;	/* times seen */
	time_t first_seen;
};

/* Which series: the metrics file's, or stdout's and stderr's. */
enum { EXL_SET_TEXT, EXL_SET_METRICS, EXL_SET_COUNT };

/* About 40 KiB: allocate it, don't put it on a small thread stack. */
struct exl_progress {
	const struct exl_patterns *pat;	/* borrowed */
	long long scan_max;	/* bytes one scan call reads; 0: EXL_SCAN_MAX */
	int at_end;		/* the program is done: the final scan also
				 * takes an unterminated last line */
	time_t started;		/* first scan, 0 before */
	time_t last_progress;	/* 0: no progress seen yet */
	time_t last_output;	/* last scan that read a new line, 0: none */
	int have_step;
	long long last_step;
	struct exl_loss_series train[EXL_SET_COUNT], val[EXL_SET_COUNT];
	struct exl_progress_src src[EXL_SRC_COUNT];
	struct exl_progress_error errors[EXL_PROGRESS_MAX_ERRORS];
	size_t n_errors;
	unsigned long long errors_dropped;	/* error lines not kept */
	/* new since the last Status line */
	size_t errors_reported;			/* errors[] already taken */
	unsigned long long dropped_reported;
	time_t status_time;			/* 0: no Status line yet */
	int status_have_step;
	long long status_step;
};

/* Start an empty tracker using pat (which must outlive it). */
void exl_progress_init(struct exl_progress *p, const struct exl_patterns *pat);
/* Free what p holds and leave it empty (patterns and scan_max kept). */
void exl_progress_free(struct exl_progress *p);

/* Read what was added to path since the last scan of this kind of file.
 * Opens without following a symlink; a different path, a different inode
 * or a file now shorter than what was read (or with other first bytes)
 * is read again from the start.  An unterminated last line is left for
 * the next scan, unless p->at_end is set (the final scan when the
 * program is done: everything up to EOF counts).  When stdout and stderr are one file (Slurm's default),
 * scan it once, as EXL_SRC_STDOUT.  Returns 0 when all of the file was
 * read, 2 when it stopped after scan_max bytes (call again), 1 when
 * the file does not exist (yet), -1 on error. */
int exl_progress_scan(struct exl_progress *p, const char *path,
		      enum exl_src_kind kind, time_t now, struct exl_err *err);

/* Record what one line said, as a scan does (for callers that read a
 * pipe); t is when it was seen.  Returns 1 when it was progress. */
int exl_progress_record(struct exl_progress *p, enum exl_src_kind kind,
			const struct exl_line_facts *f, time_t t);

/* "stdout", "stderr", "metrics.jsonl". */
const char *exl_progress_src_name(enum exl_src_kind kind);

/* Keep an error quote seen at t (see "Errors" above).  Returns 1 when it
 * is a new message, 0 when it repeats one or the list is full. */
int exl_progress_add_error(struct exl_progress *p, enum exl_src_kind src,
			   enum exl_error_kind kind, const char *text,
			   time_t t);

/* The series the run's facts come from (metrics file first). */
const struct exl_loss_series *exl_progress_train(const struct exl_progress *p);
const struct exl_loss_series *exl_progress_val(const struct exl_progress *p);

/* ---- Status text --------------------------------------------------- */

/* The Status line for now (the caller adds the time stamp):
 *
 *   running, step S [(+D in DUR)][, train_loss V][, val_loss V],
 *       last progress CLOCK (AGO ago)[, GPU util G%]
 *   running, no progress parsed yet (0 lines matched in N lines of SRCS)
 *       [, GPU util G%]
 *   stalled: no progress for K intervals (DUR); last step S at CLOCK
 *       [, GPU util G%]
 *   stalled: no output for K intervals (DUR); no progress parsed
 *       (0 lines matched in N lines of SRCS)[, GPU util G%]
 *
 * where a loss-only run says "train_loss V" instead of "step S" (and
 * "last train_loss V at CLOCK" when stalled), "(+D in DUR)" is the step
 * advance since the last exl_progress_mark_status, CLOCK is "14:02" (or
 * "Mar 10 14:02" when not today, local time), DUR and AGO are "45 s",
 * "3 min", "2 h 5 min", "3 d 4 h", SRCS names the files scanned ("stdout",
 * "stdout and stderr", "stdout, stderr and metrics.jsonl"), and "0 lines"
 * reads "no output yet" when nothing was read.  Stalled means no progress
 * (or, before any progress, no new output line) for stall_intervals *
 * interval_s seconds (since the first scan when nothing was ever read);
 * K counts whole intervals.  stall_intervals <= 0 or interval_s <= 0
 * turns stall detection off.  gpu_util < 0 leaves GPU util out. */
int exl_progress_status_text(const struct exl_progress *p, time_t now,
			     long interval_s, int stall_intervals,
			     int gpu_util, char *buf, size_t len);

/* Remember the step at this Status line, for the next "(+D in DUR)". */
void exl_progress_mark_status(struct exl_progress *p, time_t now);

/* Take the next error quote not reported yet, as one Status line:
 *   error in stderr: `CUDA out of memory. Tried to allocate 2.00 GiB`
 *   traceback in stderr: `RuntimeError: NCCL error` (seen 8 times)
 *   4 more error lines in stdout/stderr not quoted (only the first 16
 *   messages are)
 * Quotes are cut to EXL_QUOTE_MAX bytes ("…" added) and backticks in
 * them become "'".  Returns 1 when buf got a line, 0 when none is left. */
int exl_progress_take_errors(struct exl_progress *p, char *buf, size_t len);

/* ---- Results ------------------------------------------------------- */

struct exl_results_fields {
	char final_step[32];		/* "12000", or "n/a" */
	char start_train_loss[32];	/* "%.4g" of the value, or "n/a" */
	char end_train_loss[32];
	char start_val_loss[32];
	char end_val_loss[32];
	char loss_one_liner[512];	/* see loss_summary.h */
};

/* Fill the Results fields.  Returns 0, -1 when out of memory. */
int exl_progress_results(const struct exl_progress *p,
			 struct exl_results_fields *out);

/* ---- saved state --------------------------------------------------- */

/* The tracker as a JSON object (NULL when out of memory). */
json_object *exl_progress_to_json(const struct exl_progress *p);

/* Replace p's state (p initialized, its patterns kept) with o, which is
 * checked as hostile input: wrong types, sizes or ranges are refused.  On
 * failure p is left empty. */
int exl_progress_from_json(struct exl_progress *p, json_object *o,
			   struct exl_err *err);

/* Save to / load from a file (atomic write; no symlinks).  load returns
 * 1 when the file does not exist (p left empty). */
int exl_progress_save(const struct exl_progress *p, const char *path,
		      struct exl_err *err);
int exl_progress_load(struct exl_progress *p, const char *path,
		      struct exl_err *err);

#endif
