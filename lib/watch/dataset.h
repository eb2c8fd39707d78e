/* dataset.h - what a run's --exp-dataset points at, for the
 * reproducibility record. */
#ifndef EXL_DATASET_H
#define EXL_DATASET_H

#include <stdint.h>
#include <time.h>

#include "util/exl_err.h"
#include "util/sha256file.h"

/* Files at most this big are hashed even without --exp-hash-data. */
#define EXL_DATASET_HASH_SMALL (64ull << 20)

struct exl_dataset {
	int is_url;		/* "scheme://..." : recorded as given */
	int exists;
	int is_dir;
	uint64_t bytes;		/* file size, or total of a directory */
	uint64_t files;		/* regular files in a directory */
	int truncated;		/* directory walk hit its cap */
	time_t mtime;		/* newest mtime seen */
	char sha256[EXL_SHA256_HEX];	/* "" unless hashed */
	char error[256];
};

/* Describe the dataset at path (absolute).  Files are hashed when small
 * or when hash_all is set; directories are summarised (count, bytes,
 * newest mtime; at most 100000 entries).  Never fails: problems end up in
 * ds->error. */
void exl_dataset_describe(const char *path, int hash_all,
			  struct exl_dataset *ds);

/* One line for the run log: "12.0 MiB, modified 2026-..., sha256 `...`". */
void exl_dataset_text(const struct exl_dataset *ds, char *buf, size_t len);

#endif
