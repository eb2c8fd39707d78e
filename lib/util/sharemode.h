/* sharemode.h - modes for files and directories under a team root.
 *
 * A run-log root shared by a research group is a directory owned by the
 * group, group-writable and setgid (the usual admin setup).  What exp-log
 * creates under it must stay usable by every member: new files and
 * directories take their group permissions from the directory they are
 * created in instead of a hard-coded 0644/0755.  The rule: when the parent
 * directory is group-writable, anything the caller meant the group to read
 * (mode & S_IRGRP) also gets group write, and a directory gets group
 * search and the parent's setgid bit.  Private modes (0600, 0700) stay
 * private; a directory that is not group-writable changes nothing.
 */
#ifndef EXL_SHAREMODE_H
#define EXL_SHAREMODE_H

#include <sys/types.h>

/* The mode a new entry at path should have, from the mode of its parent
 * directory.  is_dir: the entry is a directory. */
mode_t exl_share_mode(const char *path, mode_t mode, int is_dir);

/* The same from the parent directory's own mode. */
mode_t exl_share_mode_of(mode_t parent, mode_t mode, int is_dir);

/* The same for an entry created in the directory open as dirfd. */
mode_t exl_share_mode_at(int dirfd, mode_t mode, int is_dir);

/* Give the file or directory open as fd the mode want when the process's
 * umask took group bits away (only the owner can; 0 when nothing needed
 * doing or it worked, -1 with errno). */
int exl_share_fix_fd(int fd, mode_t want);

#endif
