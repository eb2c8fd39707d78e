/* tree_sum.c - add up a directory tree (see tree_sum.h). */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tree_sum.h"

void exl_tree_sum(int dfd, int max_depth, uint64_t max_entries,
		  struct exl_tree_sum *t)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct stat st;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++t->seen > max_entries) {
			t->truncated = 1;
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (st.st_mtime > t->mtime)
			t->mtime = st.st_mtime;
		if (S_ISREG(st.st_mode)) {
			t->files++;
			t->bytes += (uint64_t)st.st_size;
		} else if (S_ISDIR(st.st_mode) && max_depth > 0) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY |
					 O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				exl_tree_sum(sub, max_depth - 1, max_entries, t);
		}
	}
	closedir(d);
}
