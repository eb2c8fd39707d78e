/* run_edit.c - lock, re-read, change, write back; redo the change when a
 * person saved the file meanwhile (see run_edit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runstore/run_edit.h"
#include "util/fileio.h"
#include "util/jsonfile.h"

/* Largest sidecar read. */
#define SIDECAR_MAX (4u << 20)

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

/* What still_same compares. */
struct still_arg {
	const char *path;
	const struct file_id *id;
};

/* still_same: is the run log still the file that was loaded? */
static int still_same(void *arg)
{
	const struct still_arg *a = arg;
	struct file_id now;

	return file_id_of(a->path, &now) == 0 && same_file_id(a->id, &now);
}

static void drop_loaded(struct exl_run_edit *e)
{
	exl_doc_free(&e->doc);
	memset(&e->doc, 0, sizeof(e->doc));
	json_object_put(e->run);
	e->run = NULL;
}

/* load: the sidecar (when asked for) and the run log, noting the log's
 * identity first so a save after it is seen. */
static int load(struct exl_run_edit *e, char *side, struct file_id *before,
		struct exl_err *err)
{
	if (side && !(e->run = exl_json_read(side, SIDECAR_MAX, err)))
		return -1;
	if (file_id_of(e->run_log, before) < 0)
		return exl_errnof(err, errno, "couldn't stat %s", e->run_log);
	return exl_doc_load(e->run_log, &e->doc, err);
}

/* edit_held: the change, with the group lock held. */
static int edit_held(struct exl_run_edit *e, exl_run_edit_fn fn, void *arg,
		     struct exl_err *err)
{
	char *side = NULL, *text = NULL;
	struct file_id before = { 0 }, after;
	struct still_arg sa;
	int rc = -1, tries, r = 0, w;
	size_t len = 0;

	if (e->state_dir && !(side = exl_path_join(e->state_dir, "run.json")))
		return exl_errnof(err, ENOMEM, "couldn't update %s", e->run_log);
	for (tries = 0; tries < EXL_EDIT_RETRIES; tries++) {
		drop_loaded(e);
		free(text);
		text = NULL;
		e->closed = 0;
		if (load(e, side, &before, err) < 0)
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
		if (r == 0 && !(text = exl_doc_render(&e->doc, &len))) {
			exl_errnof(err, ENOMEM, "couldn't update %s", e->run_log);
			goto out;
		}
		if (file_id_of(e->run_log, &after) < 0 ||
		    !same_file_id(&before, &after))
			continue;
		if (r == 1) {
			rc = 1;
			goto out;
		}
		/* checked again once the new text is on disk, just before
		 * the rename: a person's save during the fsync is kept */
		sa.path = e->run_log;
		sa.id = &before;
		w = exl_write_atomic_if(e->run_log, text, len, 0644,
					still_same, &sa, err);
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
	if (side && exl_json_write(side, e->run, err) < 0)
		goto out;
	rc = 0;
out:
	drop_loaded(e);
	free(text);
	free(side);
	return rc;
}

int exl_run_edit(struct exl_run_edit *e, const char *lock, exl_run_edit_fn fn,
		 void *arg, struct exl_err *err)
{
	char *dir;
	int fd, rc;

	memset(&e->doc, 0, sizeof(e->doc));
	e->run = NULL;
	if (!lock)
		return edit_held(e, fn, arg, err);
	if (!(dir = exl_dirname(lock)))
		return exl_errnof(err, ENOMEM, "couldn't update %s", e->run_log);
	rc = exl_mkdir_p(dir, 0755, err);
	free(dir);
	if (rc < 0)
		return -1;
	fd = exl_lock(lock, EXL_LOCK_TIMEOUT, err);
	if (fd < 0)
		return -1;
	rc = edit_held(e, fn, arg, err);
	exl_unlock(fd);
	return rc;
}
