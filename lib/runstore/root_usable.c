/* root_usable.c - can the submitting user keep run logs in a directory?
 * (see root_usable.h).  Runs as the user: access(2) answers for the real
 * uid and groups, which are the user's here. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runstore/root_usable.h"

#define FIX "choose another with --exp-log=DIR"

/* pseudo_fs: the name of a kernel pseudo file system, NULL for a real one. */
static const char *pseudo_fs(const char *path)
{
	static const struct { unsigned long magic; const char *name; } fs[] = {
		{ 0x9fa0, "/proc" },		/* PROC_SUPER_MAGIC */
		{ 0x62656572, "/sys" },		/* SYSFS_MAGIC */
		{ 0x64626720, "debugfs" },	/* DEBUGFS_MAGIC */
		{ 0x27e0eb, "cgroup" },		/* CGROUP_SUPER_MAGIC */
		{ 0x63677270, "cgroup2" },	/* CGROUP2_SUPER_MAGIC */
		{ 0x1cd1, "devpts" },		/* DEVPTS_SUPER_MAGIC */
	};
	struct statfs sf;
	size_t i;

	if (statfs(path, &sf) < 0)
		return NULL;
	for (i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if ((unsigned long)sf.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

/* lexical_pseudo: /proc and /sys by name, before anything is looked up */
static const char *lexical_pseudo(const char *root)
{
	static const char *const names[] = { "/proc", "/sys", NULL };
	size_t i, n;

	for (i = 0; names[i]; i++) {
		n = strlen(names[i]);
		if (strncmp(root, names[i], n) == 0 &&
		    (root[n] == '\0' || root[n] == '/'))
			return names[i];
	}
	return NULL;
}

static int not_writable(const char *root, const char *dir, int errnum,
			struct exl_err *err)
{
	if (errnum == EROFS)
		return exl_errf(err, "exp-log: run-log directory %s is on a read-only file system: " FIX,
				root);
	if (strcmp(root, dir) == 0)
		return exl_errf(err, "exp-log: run-log directory %s is not writable by you (%s): " FIX " or make it writable",
				root, strerror(errnum));
	return exl_errf(err, "exp-log: run-log directory %s can't be created: %s is not writable by you (%s): " FIX " or create it first",
			root, dir, strerror(errnum));
}

int exl_root_usable(const char *root, struct exl_err *err)
{
	char dir[PATH_MAX];
	const char *fs;
	struct stat st;
	char *slash;

	if (!root || root[0] != '/')
		return exl_errf(err, "exp-log: run-log directory '%s' is not an absolute path: " FIX,
				root ? root : "");
	if ((fs = lexical_pseudo(root)))
		return exl_errf(err, "exp-log: run-log directory %s is on %s, which holds no files: " FIX,
				root, fs);
	if (snprintf(dir, sizeof(dir), "%s", root) >= (int)sizeof(dir))
		return exl_errf(err, "exp-log: run-log directory path too long: " FIX);
	/* the nearest existing ancestor: what will be written or created in */
	while (stat(dir, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return exl_errf(err, "exp-log: run-log directory %s can't be reached: %s: %s: " FIX,
					root, dir, strerror(errno));
		slash = strrchr(dir, '/');
		if (!slash || slash == dir) {
			snprintf(dir, sizeof(dir), "/");
			if (stat(dir, &st) < 0)
				return exl_errnof(err, errno, "exp-log: stat /");
			break;
		}
		*slash = '\0';
	}
	if ((fs = pseudo_fs(dir)))
		return exl_errf(err, "exp-log: run-log directory %s is on %s, which holds no files: " FIX,
				root, fs);
	if (!S_ISDIR(st.st_mode) && strcmp(dir, root) == 0)
		return exl_errf(err, "exp-log: run-log directory %s is not a directory: " FIX,
				root);
	if (!S_ISDIR(st.st_mode))
		return exl_errf(err, "exp-log: run-log directory %s can't be created: %s is not a directory: " FIX,
				root, dir);
	if (access(dir, W_OK | X_OK) < 0)
		return not_writable(root, dir, errno, err);
	return 0;
}
