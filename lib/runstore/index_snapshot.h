/* index_snapshot.h - the run index as `runlog status` last read it.
 *
 * Reading the index costs an open, a read and a parse per open or
 * recently ended run; the default view repeats that on every call though
 * the index rarely changes between two of them.  So the reader keeps
 * what it read in <root>/.exp-log/cache/index, with the identity
 * (device, inode, change time in ns) of every index directory it read,
 * taken just before reading it:
 *
 *   exp-log index snapshot 1 <TAB> since <TAB> skipped
 *   D <TAB> open|ended <TAB> day|"" <TAB> dev <TAB> ino <TAB> ctime s <TAB> ns
 *   E <TAB> key <TAB> job id|"" <TAB> run log <TAB> end <TAB> day|""
 *
 * Every writer of the index renames an entry into its directory or
 * removes one, which changes the directory's change time, so while
 * every directory named has the identity it had, the entries are those
 * remembered.  A directory changed within a second of being read (its
 * next change could keep the time on a coarse clock) is not remembered,
 * nor is a read that asked for older entries than the snapshot holds.
 * The file is read as hostile input: a malformed line, a key or path an
 * entry could not hold, or a changed directory, and the index is read
 * as before.
 */
#ifndef EXL_INDEX_SNAPSHOT_H
#define EXL_INDEX_SNAPSHOT_H

#include <time.h>

#include "util/exl_err.h"
#include "runstore/run_index.h"

/* exl_index_read (same results), through the snapshot at path: used
 * when it is current; otherwise the index is read and, with save, the
 * snapshot rewritten (best effort).  *hit (may be NULL) says which. */
int exl_index_read_snap(const char *root, time_t since, const char *path,
			int save, struct exl_index_list *l, int *hit,
			struct exl_err *err);

#endif
