/* run_index.h - the index of live runs, kept by the writers, so that the
 * default view of `runlog status` reads the open and recently ended runs
 * instead of every run log under the root.
 *
 *   <root>/.exp-log/index/format                  "exp-log run index 1"
 *   <root>/.exp-log/index/open/<key>              one file per open run
 *   <root>/.exp-log/index/ended/<YYYY-MM-DD>/<key> one per ended execution,
 *                                                 by the UTC day it ended
 *
 * <key> is the job id (the run log's execution_id); a run log that has
 * no job index entry of its own (written by hand, indexed by `runlog
 * reindex`) gets "+r" and a hash of its path.  Each entry is one JSON
 * object, {"job_id": ..., "run_log": "<group>/<name>.md", "end": ...}
 * ("end" only in ended entries), written to a temp file in the same
 * directory and renamed over the name: a reader sees the old entry or
 * the new one, never part of one.  A run's end moves its open entry
 * itself to ended/, its mtime set to the end first: an ended entry
 * without "end" ended at its mtime (no file is created or freed for
 * it).  Entries are not synced to the disk
 * (a job array would queue on the filesystem's journal for them): a
 * machine that crashes may lose the entries of its last seconds, or
 * leave them empty (skipped), and `runlog reindex` rebuilds the index
 * from the run logs, which are synced.
 *
 * Writers change entries only under the group lock of the run they
 * concern (lib/job/run_begin.c and run_closeout.c, `runlog lint
 * --fix`, `runlog reindex`): no lock spans groups.  Every step leaves a state the reader tolerates:
 * a run is recorded open before its run log is created or resumed, and
 * its open entry goes only after its ended entry is written, so a
 * process that dies between two steps leaves at worst an entry naming a
 * missing log (skipped) or a run listed twice (listed once).  The log decides what is shown: an index entry
 * only says which run logs to read.
 *
 * The format stamp says the index knows every run under the root: it is
 * written with a root's first run log, or by `runlog reindex`.  Without
 * it (a root from an older exp-log, or one with hand-written logs) the
 * reader falls back to reading every run log.  Ended entries older than
 * EXL_INDEX_KEEP_DAYS are pruned by the writer that records an end.
 *
 * Two maps from a job id to a run log stay, on purpose: .exp-log/jobs/
 * <id>.json (lib/job/run_sidecar.c) is the job map, kept for every job
 * that ever wrote to the root and read by key (one open) by the epilog, a
 * requeued job and the tools that start from a job id; this index is a
 * listing, read with readdir by `runlog status`, that holds only the open
 * runs and the few days of ended ones, so its cost stays with the live
 * runs however many jobs the root has seen.  Folding them would make
 * either the key lookup or the listing scale with the root's history.
 *
 * Everything here is read as hostile input: entries that are symlinks,
 * not regular files, larger than 4 KiB, not JSON, or that name a path
 * that is not a run log under the root (exl_index_valid_rel) are skipped.
 */
#ifndef EXL_RUN_INDEX_H
#define EXL_RUN_INDEX_H

#include <stddef.h>
#include <time.h>

#include "util/exl_err.h"

#define EXL_INDEX_MAGIC "exp-log run index 1\n"
/* Ended entries are kept this many days after the day they ended. */
#define EXL_INDEX_KEEP_DAYS 7
/* Longest key (an entry's file name). */
#define EXL_INDEX_KEY_MAX 128

/* A key is 1-128 characters from [A-Za-z0-9._:+-], not starting with
 * '.'.  0 when valid. */
int exl_index_valid_key(const char *key);

/* A run log path as an entry may name it: "<name>.md" or
 * "<group>/<name>.md" with a valid group and a run-log name, no "..",
 * no leading '/'.  0 when valid. */
int exl_index_valid_rel(const char *rel);

/* The key of a run log that has no job id of its own: "+r" and 16 hex
 * digits of a hash of rel, into key (at least 19 bytes). */
void exl_index_hash_key(const char *rel, char *key, size_t len);

/* Is name a "YYYY-MM-DD" day directory name?  1 yes, 0 no. */
int exl_index_valid_day(const char *name);

/* "YYYY-MM-DD" of t in UTC, into day (at least 11 bytes). */
void exl_index_day(time_t t, char *day, size_t len);

/* Create index/open and index/ended under <root>/.exp-log (which must
 * exist); with stamp, also the format stamp. */
int exl_index_init(const char *root, int stamp, struct exl_err *err);

/* Does root have an index that knows every run (a valid stamp and a
 * readable open/)?  1 yes, 0 no. */
int exl_index_ready(const char *root);

/* Record run log rel as open under key (job_id may be NULL).  The caller
 * holds rel's group lock. */
int exl_index_open(const char *root, const char *key, const char *job_id,
		   const char *rel, struct exl_err *err);

/* Remove the open entry key when it names rel (rel NULL: whatever it
 * names).  A missing entry is not an error. */
int exl_index_drop(const char *root, const char *key, const char *rel,
		   struct exl_err *err);

/* Execution key of run log rel ended at end (0: now): write its ended
 * entry, then drop its open entry, then prune ended days older than
 * EXL_INDEX_KEEP_DAYS before now.  An end older than that is not
 * recorded (the open entry still goes).  The caller holds rel's group
 * lock. */
int exl_index_end(const char *root, const char *key, const char *job_id,
		  const char *rel, time_t end, time_t now, struct exl_err *err);

/* Point every entry that names old_rel at new_rel (a run log renamed by
 * `runlog lint --fix`, under its group lock).  No index: nothing to do. */
int exl_index_rename(const char *root, const char *old_rel,
		     const char *new_rel, struct exl_err *err);

struct exl_index_entry {
	char *key;		/* the file name */
	char *job_id;		/* NULL: not recorded */
	char *rel;		/* the run log, relative to the root */
	time_t end;		/* ended entries: when; open entries: 0 */
	char day[11];		/* ended entries: the day directory; "" */
};

struct exl_index_list {
	struct exl_index_entry *v;
	size_t n, cap;
	size_t skipped;		/* entries ignored as unsafe or malformed */
};

/* Read the open entries and the ended ones with end >= since (0: every
 * ended entry kept) into l.  Fails (-1, errno ENOENT) when the index has
 * no open/ directory; unreadable or hostile entries are skipped and
 * counted.  l is valid (maybe empty) after any return. */
int exl_index_read(const char *root, time_t since, struct exl_index_list *l,
		   struct exl_err *err);

void exl_index_list_free(struct exl_index_list *l);

/* exl_index_read, telling seen(arg, sub, day, st) the identity of each
 * directory just before its entries are read: "open", "ended" (day
 * NULL; a zeroed st when it does not exist) and "ended" with each day
 * read.  What lib/runstore/index_snapshot.h remembers. */
struct stat;
typedef void (*exl_index_seen_fn)(void *arg, const char *sub,
				  const char *day, const struct stat *st);
int exl_index_read_seen(const char *root, time_t since,
			struct exl_index_list *l, exl_index_seen_fn seen,
			void *arg, struct exl_err *err);

/* Append e to l (taking its strings); -1 when memory ran out. */
int exl_index_list_push(struct exl_index_list *l, struct exl_index_entry *e);

/* What a full read of one run log says, for exl_index_sync. */
struct exl_index_run {
	const char *rel;
	const char *job_id;	/* its newest execution_id, NULL */
	int open;		/* the log is not closed */
	time_t end;		/* closed: when it ended */
};

/* Make the entries of one group (NULL: the flat level) match its run
 * logs, runs[0..n): an open entry for each open run, an ended entry for
 * each run that ended in the last EXL_INDEX_KEEP_DAYS, nothing else.
 * cur is the index as read under the group lock (exl_index_read with
 * since 0).  The key of a run is its job id when the job index
 * (.exp-log/jobs/<id>.json) names it, else its hash key.  The caller
 * holds the group lock.  *changed counts entries written or removed. */
int exl_index_sync(const char *root, const char *group,
		   const struct exl_index_run *runs, size_t n,
		   const struct exl_index_list *cur, time_t now,
		   size_t *changed, struct exl_err *err);

/* Write the format stamp: the index now knows every run. */
int exl_index_stamp(const char *root, struct exl_err *err);

/* Remove ended days older than EXL_INDEX_KEEP_DAYS before now and temp
 * files left by writers that died more than an hour before now. */
int exl_index_prune(const char *root, time_t now, struct exl_err *err);

#endif
