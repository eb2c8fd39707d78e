/* dataset.c - dataset facts for the reproducibility record. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tree_sum.h"
#include "util/units.h"
#include "watch/dataset.h"
#include "util/timefmt.h"

#define EXL_DATASET_MAX_ENTRIES 100000
#define EXL_DATASET_MAX_DEPTH 16

void exl_dataset_describe(const char *path, int hash_all,
			  struct exl_dataset *ds)
{
	struct exl_err err;
	struct stat st;
	int dfd;

	memset(ds, 0, sizeof(*ds));
	if (strstr(path, "://")) {
		ds->is_url = 1;
		return;
	}
	if (stat(path, &st) < 0) {
		snprintf(ds->error, sizeof(ds->error), "%s", strerror(errno));
		return;
	}
	ds->exists = 1;
	ds->mtime = st.st_mtime;
	if (S_ISDIR(st.st_mode)) {
		ds->is_dir = 1;
		dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			snprintf(ds->error, sizeof(ds->error), "%s", strerror(errno));
		} else {
			struct exl_tree_sum t = { .mtime = ds->mtime };

			exl_tree_sum(dfd, EXL_DATASET_MAX_DEPTH,
				     EXL_DATASET_MAX_ENTRIES, &t);
			ds->files = t.files;
			ds->bytes = t.bytes;
			ds->mtime = t.mtime;
			ds->truncated = t.truncated;
		}
		return;
	}
	ds->bytes = (uint64_t)st.st_size;
	ds->files = 1;
	if (!S_ISREG(st.st_mode) ||
	    (!hash_all && ds->bytes > EXL_DATASET_HASH_SMALL))
		return;
	/* stat() followed a link to the data; hash what it points at */
	{
		char real[4096];

		if (!realpath(path, real) ||
		    exl_sha256_file(real, ds->sha256, &err) < 0) {
			snprintf(ds->error, sizeof(ds->error), "not hashed: %.200s",
				 err.text);
			ds->sha256[0] = '\0';
		}
	}
}

void exl_dataset_text(const struct exl_dataset *ds, char *buf, size_t len)
{
	char size[32], when[40];
	int n = 0;

	if (ds->is_url) {
		snprintf(buf, len, "remote");
		return;
	}
	if (!ds->exists) {
		snprintf(buf, len, "not found on the compute node: %s", ds->error);
		return;
	}
	exl_human_bytes(ds->bytes, size, sizeof(size));
	exl_time_iso(ds->mtime, when, sizeof(when));
	if (ds->is_dir)
		n = snprintf(buf, len, "directory, %llu files%s, %s, newest %s",
			     (unsigned long long)ds->files,
			     ds->truncated ? "+ (walk capped)" : "", size, when);
	else
		n = snprintf(buf, len, "%s, modified %s", size, when);
	if (n < 0 || (size_t)n >= len)
		return;
	if (ds->sha256[0])
		snprintf(buf + n, len - (size_t)n, ", sha256 `%s`", ds->sha256);
	else if (!ds->is_dir && !ds->error[0])
		snprintf(buf + n, len - (size_t)n,
			 ", not hashed (large: use --exp-hash-data)");
	else if (ds->error[0])
		snprintf(buf + n, len - (size_t)n, ", %s", ds->error);
}
