/* summary_cache.h - run-log summaries remembered between runs of
 * `runlog status`, so that ten thousand unchanged run logs cost one
 * stat each instead of an open, a read and a parse.
 *
 * One file per root, <root>/.exp-log/cache/summaries: a version line,
 * then one line per run log, sorted as the scanner sorts (the flat level
 * first, then by rel): the file's identity (device, inode, size, mtime
 * in ns) and every summary field, tab separated, escaped.  A record is
 * used only when the file still has that identity; a file changed within
 * a second of the cache being written is not cached at all (its next
 * change could keep the same mtime on a coarse file system).  The cache
 * is read as hostile input: a malformed line is ignored, a bad file is
 * no cache.  Writing it is best effort (atomic, mode 0644).
 */
#ifndef EXL_SUMMARY_CACHE_H
#define EXL_SUMMARY_CACHE_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "util/exl_err.h"
#include "runstore/runlog_summary.h"

/* What identifies the version of a file that a summary was read from. */
struct exl_file_id {
	unsigned long long dev, ino, size;
	long long mtime_s, mtime_ns;
};

void exl_file_id(const struct stat *st, struct exl_file_id *id);
int exl_file_id_eq(const struct exl_file_id *a, const struct exl_file_id *b);

/* A record: its rel and identity are read when the cache is loaded,
 * the summary only when a run log matches (exl_cache_rec_summary), on
 * the scan's reader threads. */
struct exl_cache_rec {
	const char *rel;
	struct exl_file_id id;
	char *rest;			/* the summary's fields, as stored */
};

struct exl_summary_cache {
	char *buf;			/* the file, unescaped in place */
	struct exl_cache_rec *v;
	size_t n;
};

/* The cache file of root, newly allocated: every run log's (runlog
 * status --all), or the default view's few (open and recently ended
 * runs: reading those few costs more than loading every run's cache). */
char *exl_cache_path(const char *root);
char *exl_cache_recent_path(const char *root);

/* Load path into c.  A missing, unreadable or malformed file gives an
 * empty cache (0); -1 only when memory runs out. */
int exl_cache_load(const char *path, struct exl_summary_cache *c);

/* The summary of r into s (its strings borrowed from the cache's
 * buffer, s->borrowed set).  Unescapes in place: call it once per
 * record.  -1 when the record is malformed (read the file instead). */
int exl_cache_rec_summary(const struct exl_cache_rec *r,
			  struct exl_run_summary *s);

struct exl_sb;

/* Writing: begin with the header, put one record per summary (sorted by
 * exl_scan_order of rel), then store, which writes the file atomically
 * and frees the buffer. */
void exl_cache_begin(struct exl_sb *b);
void exl_cache_put(struct exl_sb *b, const char *rel,
		   const struct exl_file_id *id,
		   const struct exl_run_summary *sum);
int exl_cache_store(const char *path, struct exl_sb *b, struct exl_err *err);

void exl_cache_free(struct exl_summary_cache *c);

#endif
