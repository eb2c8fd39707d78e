/* passport_tree.h - the files of a checkpoint directory, as a passport
 * sees them.
 *
 * A checkpoint is a directory tree.  Its entries are regular files
 * (path, size, sha256) and symlinks (path, target text); directories are
 * only containers.  Anything else (FIFO, socket, device) is an "other"
 * entry that a passport refuses.  Paths are relative, '/'-separated,
 * valid UTF-8 without control characters, and sorted by their bytes.
 * MODEL_PASSPORT.json and SIGNOFF.json at the top are never entries.
 *
 * Nothing here follows a symlink: opens walk the path one component at a
 * time with O_NOFOLLOW, and a link whose target would lead outside the
 * directory is flagged (resolved over the scanned tree, never on disk).
 */
#ifndef EXL_PASSPORT_TREE_H
#define EXL_PASSPORT_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/exl_err.h"
#include "util/sha256file.h"

#define PASSPORT_FILE "MODEL_PASSPORT.json"
#define SIGNOFF_FILE "SIGNOFF.json"

/* Bounds for hostile or broken trees. */
#define PASSPORT_MAX_ENTRIES 1000000
#define PASSPORT_MAX_DEPTH 64
#define PASSPORT_PATH_MAX 4095

enum passport_kind {
	PASSPORT_REG,		/* regular file */
	PASSPORT_LINK,		/* symlink, recorded, never followed */
	PASSPORT_OTHER,		/* FIFO, socket, device: refused */
};

struct passport_entry {
	char *path;
	enum passport_kind kind;
	uint64_t size;		/* regular files */
	char *target;		/* symlinks: the link text */
	int escapes;		/* symlinks: leads outside the directory */
	const char *what;	/* others: "FIFO", "socket", "device" */
	dev_t dev;		/* identity at scan time, to notice a swap */
	ino_t ino;
	char sha256[EXL_SHA256_HEX];	/* "" until hashed */
	char *error;		/* hashing failed: why (malloc'd) */
};

struct passport_list {
	struct passport_entry *v;
	size_t n, cap;
};

/* Append a copy of e (its strings are duplicated). */
int passport_list_add(struct passport_list *l, const struct passport_entry *e);
void passport_list_sort(struct passport_list *l);
/* The entry with this path in a sorted list, or NULL. */
struct passport_entry *passport_list_find(const struct passport_list *l,
					  const char *path);
void passport_list_free(struct passport_list *l);

/* 0 when path is a clean relative path (no "", ".", ".." components, no
 * leading or doubled '/', valid UTF-8, no control characters, at most
 * PASSPORT_PATH_MAX bytes); -1 with the reason in err otherwise. */
int passport_path_check(const char *path, struct exl_err *err);

/* List every entry under the directory rootfd (sorted, passport and
 * signoff excluded, symlinks' escapes resolved).  dir names it in
 * messages.  Unreadable directories, bad names, too many entries or too
 * deep a tree are errors. */
int passport_scan(int rootfd, const char *dir, struct passport_list *out,
		  struct exl_err *err);

/* 1 when s is 64 lowercase hex digits (a sha256 as passports write it). */
int passport_sha256_hex_ok(const char *s);

/* openat() of a relative path below rootfd that never follows a symlink
 * in any component.  flags are for the last component. */
int passport_open_beneath(int rootfd, const char *path, int flags);

/* 1 when a symlink at linkpath with this target leads outside the
 * directory once in-tree links (those in the sorted list l) are followed,
 * including absolute targets and loops; 0 when it stays inside. */
int passport_link_escapes(const struct passport_list *l, const char *linkpath,
			  const char *target);

#endif
