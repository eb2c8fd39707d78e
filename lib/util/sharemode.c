/* sharemode.c - group permissions follow the directory (see sharemode.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/sharemode.h"

mode_t exl_share_mode_of(mode_t parent, mode_t mode, int is_dir)
{
	if (!(parent & S_IWGRP) || !(mode & S_IRGRP))
		return mode;
	mode |= S_IRGRP | S_IWGRP;
	if (is_dir)
		mode |= S_IXGRP | (parent & S_ISGID);
	return mode;
}

mode_t exl_share_mode(const char *path, mode_t mode, int is_dir)
{
	const char *slash = strrchr(path, '/');
	char *dir = !slash ? strdup(".") : slash == path ? strdup("/") :
		    strndup(path, (size_t)(slash - path));
	struct stat st;
	int rc;

	if (!dir)
		return mode;
	rc = stat(dir, &st);
	free(dir);
	return rc < 0 ? mode : exl_share_mode_of(st.st_mode, mode, is_dir);
}

mode_t exl_share_mode_at(int dirfd, mode_t mode, int is_dir)
{
	struct stat st;

	if (fstat(dirfd, &st) < 0)
		return mode;
	return exl_share_mode_of(st.st_mode, mode, is_dir);
}

int exl_share_fix_fd(int fd, mode_t want)
{
	struct stat st;

	if (!(want & S_IWGRP))
		return 0;	/* nothing shared: the umask may have its say */
	if (fstat(fd, &st) < 0)
		return -1;
	if ((st.st_mode & 07777) == want || st.st_uid != geteuid())
		return 0;
	return fchmod(fd, want);
}
