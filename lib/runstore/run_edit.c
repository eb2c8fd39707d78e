/* run_edit.c - lock, re-read, change, write back; redo the change when a
 * person saved the file meanwhile (see run_edit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runstore/layout.h"
#include "runstore/run_edit.h"
#include "util/fileio.h"

/* file_id: what tells us a file was rewritten (editors rename a new file
 * over the old one, or rewrite it in place). */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

static int file_id_of(const char *path, struct file_id *id)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime = st.st_mtim;
	return 0;
}

static int same_file_id(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void drop_loaded(struct exl_run_edit *e)
{
	exl_doc_free(&e->doc);
	memset(&e->doc, 0, sizeof(e->doc));
	if (e->run)
		exl_run_record_free(e->run);
	free(e->run);
	e->run = NULL;
}

/* load: the sidecar (when asked for) and the run log, noting the log's
 * identity first so a save after it is seen; *orig keeps the log's bytes
 * (to put back when the sidecar cannot follow the log). */
static int load(struct exl_run_edit *e, struct file_id *before,
		char **orig, size_t *olen, struct exl_err *err)
{
	if (e->state_dir) {
		if (!(e->run = calloc(1, sizeof(*e->run))))
			return exl_errnof(err, ENOMEM, "couldn't update %s",
					  e->run_log);
		if (exl_run_record_load(e->state_dir, e->run, err) != 0)
			return -1;
	}
	if (file_id_of(e->run_log, before) < 0)
		return exl_errnof(err, errno, "couldn't stat %s", e->run_log);
	free(*orig);
	*orig = NULL;
	if (exl_read_file(e->run_log, EXL_READ_MAX, orig, olen, err) < 0)
		return -1;
	return exl_doc_parse(&e->doc, *orig, err);
}

/* A run log's identity when it was loaded: has it changed since? */
struct loaded {
	struct file_id id;
};

static int changed_since(void *arg, const char *path)
{
	struct loaded *l = arg;
	struct file_id now;

	return file_id_of(path, &now) < 0 || !same_file_id(&l->id, &now);
}

/* edit_held: the change, with the run's lock held.  A person's save is
 * looked for after the change is made, just before the new file replaces
 * theirs and on the file it displaced (exl_write_atomic_unless); any of
 * them has the change redone on their version. */
static int edit_held(struct exl_run_edit *e, exl_run_edit_fn fn, void *arg,
		     struct exl_err *err)
{
	char *text = NULL, *orig = NULL;
	/* the replaced version becomes the next write's spare file */
	char *prev = e->state_dir ? exl_layout_prev_log(e->state_dir) : NULL;
	int rc = -1, tries, r = 0, w;
	size_t len = 0, olen = 0;

	for (tries = 0; tries < EXL_EDIT_RETRIES; tries++) {
		struct loaded l = { { 0 } };

		drop_loaded(e);
		free(text);
		text = NULL;
		e->closed = 0;
		if (load(e, &l.id, &orig, &olen, err) < 0)
			goto out;
		if (err)
			err->text[0] = '\0';
		r = fn(e, arg);
		if (r < 0) {
			if (!err || !err->text[0])
				exl_errnof(err, ENOMEM, "couldn't update %s",
					   e->run_log);
			goto out;
		}
		if (r == 1) {
			if (!changed_since(&l, e->run_log)) {
				rc = 1;
				goto out;
			}
			continue;
		}
		if (!(text = exl_doc_render(&e->doc, &len))) {
			exl_errnof(err, ENOMEM, "couldn't update %s", e->run_log);
			goto out;
		}
		w = exl_write_atomic_spare(e->run_log, prev, text, len, 0644,
					   changed_since, &l, err);
		if (w < 0)
			goto out;
		if (w == 0)
			break;
	}
	if (tries == EXL_EDIT_RETRIES) {
		exl_errf(err, "%s keeps changing under us: not updated",
			 e->run_log);
		goto out;
	}
	if (e->run && exl_run_record_save_held(e->state_dir, e->run, err) < 0) {
		/* all or nothing: the log goes back to what it was */
		(void)exl_write_atomic(e->run_log, orig, olen, 0644, NULL);
		goto out;
	}
	rc = 0;
out:
	drop_loaded(e);
	free(orig);
	free(text);
	free(prev);
	return rc;
}

char *exl_run_lock_path(const char *root, const char *group,
			const char *run_log)
{
	char *stem = exl_layout_stem(run_log), *path;

	if (!stem)
		return NULL;
	path = exl_layout_run_lock(root, group, stem);
	free(stem);
	return path;
}

/* lock_made: take lock, its directory made first when missing. */
static int lock_made(const char *lock, const char *what, struct exl_err *err)
{
	char *dir = exl_dirname(lock);
	int rc;

	if (!dir)
		return exl_errnof(err, ENOMEM, "couldn't update %s", what);
	rc = exl_mkdir_p(dir, 0755, err);
	free(dir);
	if (rc < 0)
		return -1;
	return exl_lock(lock, EXL_LOCK_TIMEOUT, err);
}

int exl_run_lock(const char *root, const char *group, const char *run_log,
		 struct exl_err *err)
{
	char *lock = exl_run_lock_path(root, group, run_log);
	int fd;

	if (!lock)
		return exl_errnof(err, ENOMEM, "couldn't update %s", run_log);
	fd = lock_made(lock, run_log, err);
	free(lock);
	return fd;
}

int exl_run_edit(struct exl_run_edit *e, const char *lock, exl_run_edit_fn fn,
		 void *arg, struct exl_err *err)
{
	int fd, rc;

	memset(&e->doc, 0, sizeof(e->doc));
	e->run = NULL;
	if (!lock)
		return edit_held(e, fn, arg, err);
	fd = lock_made(lock, e->run_log, err);
	if (fd < 0)
		return -1;
	rc = edit_held(e, fn, arg, err);
	exl_unlock(fd);
	return rc;
}
