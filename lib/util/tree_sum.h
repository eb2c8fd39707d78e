/* tree_sum.h - the regular files below a directory added up (a dataset
 * directory's facts, a checkpoint directory's size), symlinks never
 * followed. */
#ifndef EXL_TREE_SUM_H
#define EXL_TREE_SUM_H

#include <stdint.h>
#include <time.h>

struct exl_tree_sum {
	uint64_t files;		/* regular files */
	uint64_t bytes;		/* their sizes */
	time_t mtime;		/* newest mtime of any entry seen (not
				 * lowered: start it at the directory's) */
	uint64_t seen;		/* entries examined */
	int truncated;		/* stopped at max_entries */
};

/* Add the tree below the directory dfd (taken: closed here) to t, at most
 * max_depth levels below it and max_entries entries in all (t->seen
 * counts them).  Unreadable entries and subdirectories are passed over. */
void exl_tree_sum(int dfd, int max_depth, uint64_t max_entries,
		  struct exl_tree_sum *t);

#endif
