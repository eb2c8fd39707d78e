/* fileio.h - safe file operations shared by the plugin and the tools.
 *
 * Every write of a file people read goes through exl_write_atomic: a temp
 * file in the same directory, fsync, rename, and for a new file an fsync
 * of the directory, so a crash or a full disk leaves either the old or
 * the new file, never half of one and never none.  (The directory of a
 * replaced file is not synced: until the rename reaches the disk the old
 * version is what a crash leaves, and a job's end rewrites its log and
 * run.json several times; each sync costs a journal commit.)  Opens never follow a symlink in the last component (O_NOFOLLOW), so
 * a planted link cannot redirect a write.
 */
#ifndef EXL_FILEIO_H
#define EXL_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "util/exl_err.h"

/* Largest file exl_read_file accepts unless told otherwise. */
#define EXL_READ_MAX (16u << 20)

/* Read a whole regular file (not a symlink) into a NUL-terminated buffer.
 * Files larger than max bytes are refused.  *lenp may be NULL. */
int exl_read_file(const char *path, size_t max, char **bufp, size_t *lenp,
		  struct exl_err *err);

/* write(2) all of buf, retrying short writes and EINTR; -1 with errno. */
int exl_write_all(int fd, const void *buf, size_t len);

/* Replace path with buf atomically (temp + fsync + rename).  mode is used
 * for a new file; an existing file keeps its mode.  Either gets group
 * write in a group-writable directory (util/sharemode.h).  Refuses when path is a
 * symlink or not a regular file. */
int exl_write_atomic(const char *path, const void *buf, size_t len,
		     mode_t mode, struct exl_err *err);

/* exl_write_atomic for a file someone else may save at any time: after
 * the temp file is written and synced, changed(arg, path) is asked
 * whether path differs from the version the caller read; yes (non-zero)
 * drops the temp file and returns 1, the file left as it is.  Otherwise
 * the temp file is exchanged with path (renameat2 RENAME_EXCHANGE) and
 * changed(arg, T) asked of the displaced file at its temp name T: a save
 * that landed in between is put back in place and 1 returned, so no
 * save is ever overwritten.  Where the filesystem cannot exchange, a
 * plain rename follows the first look.  0 when written, -1 on error. */
int exl_write_atomic_unless(const char *path, const void *buf, size_t len,
			    mode_t mode,
			    int (*changed)(void *arg, const char *path),
			    void *arg, struct exl_err *err);

/* exl_write_atomic_unless (changed may be NULL: never) through a spare
 * file (NULL: none, exl_write_atomic_unless itself): spare (a path on
 * path's filesystem, kept out of readers' way) is
 * rewritten, synced and exchanged with path, so the version it displaces
 * becomes the next write's spare.  After the first rewrite a run log's
 * writes then create and free no file: what a fresh temp file and an
 * unlink per write cost (a filesystem without a journal scans every
 * inode freed in the last minute for each new one).  The spare is
 * only written when it is this user's own regular file with one link on
 * path's filesystem (anything else is removed and a fresh temp file
 * taken); where the filesystem cannot exchange, this is
 * exl_write_atomic_unless's rename.  Two writers must never use one
 * spare at once: only a writer that holds the file's lock may name it. */
int exl_write_atomic_spare(const char *path, const char *spare,
			   const void *buf, size_t len, mode_t mode,
			   int (*changed)(void *arg, const char *path),
			   void *arg, struct exl_err *err);

/* exl_write_atomic for a file a crash may lose: readers still see the
 * old or the new version whole, but neither the file nor its directory
 * is synced, so after a crash it may be the old version, empty or
 * missing.  Only for files that are rewritten or rebuilt and whose
 * readers take an empty or missing one for none (the monitor's state,
 * the run index). */
int exl_write_replace(const char *path, const void *buf, size_t len,
		      mode_t mode, struct exl_err *err);

/* Read-modify-write dir/name: edit gets the file's text (NULL when it
 * does not exist) and returns the new text, malloc'd, setting *changed;
 * NULL with err set when it fails.  The new text is written with
 * exl_write_atomic only when changed.  The caller holds whatever lock
 * keeps the file's other writers out.  0, or -1 with err set. */
typedef char *(*exl_rewrite_fn)(const char *old, void *arg, int *changed,
				struct exl_err *err);
int exl_rewrite(const char *dir, const char *name, exl_rewrite_fn edit,
		void *arg, struct exl_err *err);
/* exl_rewrite through the spare file spare (exl_write_atomic_spare; NULL:
 * none): for a shared file rewritten often under one lock, whose holders
 * then create and free no file (the group's timeline). */
int exl_rewrite_spare(const char *dir, const char *name, const char *spare,
		      exl_rewrite_fn edit, void *arg, struct exl_err *err);

/* Create path with buf only if it does not exist yet (O_EXCL), through a
 * temp file and link(2) so readers never see a partial file.  Returns 0,
 * 1 when the file already existed, -1 on error. */
int exl_create_exclusive(const char *path, const void *buf, size_t len,
			 mode_t mode, struct exl_err *err);

/* exl_create_exclusive without any sync: readers see the whole file or
 * none at once, and the caller makes it durable later, out of a lock
 * (exl_sync_path). */
int exl_create_exclusive_unsynced(const char *path, const void *buf,
				  size_t len, mode_t mode, struct exl_err *err);

/* fsync path's directory: a new name or a rename in it is durable.
 * 0, or -1 with err set. */
int exl_sync_dir_of(const char *path, struct exl_err *err);

/* fsync the file at path (not through a symlink), then its directory:
 * what exl_write_replace or exl_create_exclusive_unsynced wrote is then
 * on the disk.  0, or -1 with err set. */
int exl_sync_path(const char *path, struct exl_err *err);

/* How long a writer waits for a group lock before giving up. */
#define EXL_LOCK_TIMEOUT 60

/* Take an exclusive fcntl lock on lockpath (created if missing, never
 * through a symlink).  Blocks up to timeout_s seconds.  Returns the fd to
 * pass to exl_unlock, or -1. */
int exl_lock(const char *lockpath, int timeout_s, struct exl_err *err);
void exl_unlock(int fd);

/* Where F_SETLK fails with ENOLCK, ENOSYS or EOPNOTSUPP (a filesystem
 * without fcntl locks) exl_lock falls back to the link lock of
 * util/linklock.h; exl_unlock releases either.  Modes follow
 * util/sharemode.h: in a group-writable directory the lock file is made
 * group-writable so every member can take it.
 *
 * The kind of the last lock this process took: */
#define EXL_LOCK_FCNTL 1
#define EXL_LOCK_LINK 2
int exl_lock_kind(void);
const char *exl_lock_kind_name(int kind);

/* The longest time (ms) an fcntl exl_lock of this process waited for
 * another holder, 0 when none did (EXP_LOG_TIMING, bench/job-array.sh). */
double exl_lock_longest_wait_ms(void);

/* mkdir -p: create path and missing parents with mode (plus group write,
 * search and setgid in a group-writable parent: util/sharemode.h).  Existing
 * components must be directories; a symlink as the last component is
 * refused. */
int exl_mkdir_p(const char *path, mode_t mode, struct exl_err *err);

/* Copy src to dst atomically (dst is replaced), refusing symlinks and
 * non-regular files, at most max bytes. */
int exl_copy_file(const char *src, const char *dst, size_t max,
		  struct exl_err *err);

/* Join dir and name into a newly allocated string ("dir/name"). */
char *exl_path_join(const char *dir, const char *name);

/* Is path dir itself or below it, by whole components, as written (no
 * resolving)?  Every path is inside "/". */
int exl_path_inside(const char *path, const char *dir);

/* path as is when absolute, else base/path, into out.  -1 when it does
 * not fit. */
int exl_path_resolve(const char *base, const char *path, char *out,
		     size_t len);

/* Directory part and last component of path, newly allocated. */
char *exl_dirname(const char *path);
const char *exl_basename(const char *path);

#endif
