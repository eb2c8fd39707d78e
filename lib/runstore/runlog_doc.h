/* runlog_doc.h - a run log as a list of lines, edited in place.
 *
 * The markdown belongs to people; tools own only a few keyed bullets
 * ("- end: ...") and append Status entries.  This model keeps every other
 * line byte for byte and in order, so a human's edits survive every
 * machine update.
 */
#ifndef EXL_RUNLOG_DOC_H
#define EXL_RUNLOG_DOC_H

#include <stddef.h>

#include "util/exl_err.h"

/* Refuse run logs with more lines than this (hostile or broken input). */
#define EXL_DOC_MAX_LINES 200000

struct exl_doc {
	char **lines;		/* without trailing newline */
	size_t n, cap;
};

/* Split text into lines.  A final newline does not make an empty line. */
int exl_doc_parse(struct exl_doc *d, const char *text, struct exl_err *err);

/* Join lines with '\n' (and a final one).  Caller frees. */
char *exl_doc_render(const struct exl_doc *d, size_t *lenp);

void exl_doc_free(struct exl_doc *d);

/* Index of the first "## TITLE" header at or after from, -1 if none.
 * TITLE is matched exactly, trailing spaces ignored. */
long exl_doc_find_section(const struct exl_doc *d, const char *title,
			  size_t from);

/* Index one past the last line of the section whose header is at start
 * (the next "# "/"## " header, or the end). */
size_t exl_doc_section_end(const struct exl_doc *d, size_t start);

/* Is line (len bytes, no newline) a job block's header: "## Job", "## Job
 * (resumed)" or "## Job (resumed K/M)", the Kth requeue of a chain that
 * allows M (1 <= K <= M)?  1 or 0; *k and *m (either may be NULL) get K
 * and M, 0 when the header does not tell them. */
int exl_doc_job_header_n(const char *p, size_t len, int *k, int *m);
int exl_doc_job_header(const char *line, int *k, int *m);

/* The line of the last job block's header ("## Job", "## Job (resumed
 * ...)"), -1 when the doc has none. */
long exl_doc_last_job_block(const struct exl_doc *d);

/* The last job block ("## Job" or "## Job (resumed...)") whose execution_id
 * is job_id (a requeued job has several), or -1. */
long exl_doc_find_job_block(const struct exl_doc *d, const char *job_id);

/* Line index of "- KEY:" inside the section at sec, or -1. */
long exl_doc_find_key(const struct exl_doc *d, size_t sec, const char *key);

/* Value of "- KEY: value" in the section at sec, surrounding backticks
 * removed, newly allocated; NULL when the key is absent. */
char *exl_doc_get_key(const struct exl_doc *d, size_t sec, const char *key);

/* A value as exl_doc_get_key reads it: leading spaces, trailing spaces
 * and tabs, then one pair of surrounding backticks dropped.  Returns
 * where it starts in v, its length in *len. */
const char *exl_doc_value_trim(const char *v, size_t *len);

/* Set "- KEY: value" in the section at sec: replaces the value of an
 * existing line, or inserts the line after the section's last bullet. */
int exl_doc_set_key(struct exl_doc *d, size_t sec, const char *key,
		    const char *value);

/* Append a line after the last non-blank line of the section at sec. */
int exl_doc_append(struct exl_doc *d, size_t sec, const char *line);

/* Remove the line at index at. */
void exl_doc_delete(struct exl_doc *d, size_t at);

/* Insert a line at index at (0..n). */
int exl_doc_insert(struct exl_doc *d, size_t at, const char *line);

/* The value part of a "- KEY: value" line (leading spaces and "*"
 * bullets allowed), or NULL when line is not that bullet. */
const char *exl_doc_bullet_value(const char *line, const char *key);

/* Read the run log at path (no symlink, EXL_READ_MAX at most) and parse
 * it into d. */
int exl_doc_load(const char *path, struct exl_doc *d, struct exl_err *err);

/* Write d to path atomically (exl_write_atomic, mode 0644 when new). */
int exl_doc_save(const char *path, const struct exl_doc *d,
		 struct exl_err *err);

#endif
