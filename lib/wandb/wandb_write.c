/* wandb_write.c - write whole .wandb files (wandb_write.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fileio.h"
#include "wandb/wandb_log.h"
#include "wandb/wandb_write.h"

struct exl_wandb_writer {
	int fd;
	uint64_t size;
	char *path;
};

struct exl_wandb_writer *exl_wandb_writer_create(const char *path,
						 struct exl_err *err)
{
	struct exl_wandb_writer *w = calloc(1, sizeof(*w));

	if (!w || !(w->path = strdup(path))) {
		free(w);
		exl_errnof(err, ENOMEM, "couldn't create %s", path);
		return NULL;
	}
	/* like W&B: a new file, never an existing one (O_EXCL) */
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     0644);
	if (w->fd < 0) {
		exl_errnof(err, errno, "couldn't create %s", path);
		free(w->path);
		free(w);
		return NULL;
	}
	if (exl_write_all(w->fd, exl_wandb_file_header, EXL_WANDB_HEADER_LEN) < 0) {
		exl_errnof(err, errno, "couldn't write %s", path);
		close(w->fd);
		free(w->path);
		free(w);
		return NULL;
	}
	w->size = EXL_WANDB_HEADER_LEN;
	return w;
}

int exl_wandb_writer_add(struct exl_wandb_writer *w, const void *data,
			 size_t len, struct exl_err *err)
{
	size_t n;
	uint8_t *framed;
	int rc = 0;

	if (len > EXL_WANDB_RECORD_MAX)
		return exl_errf(err, "%s: record of %zu bytes is over the limit",
				w->path, len);
	framed = exl_wandb_frame(w->size, data, len, &n);
	if (!framed)
		return exl_errnof(err, ENOMEM, "couldn't write %s", w->path);
	if (exl_write_all(w->fd, framed, n) < 0)
		rc = exl_errnof(err, errno, "couldn't write %s", w->path);
	else
		w->size += n;
	free(framed);
	return rc;
}

int exl_wandb_writer_take(struct exl_wandb_writer *w,
			  struct exl_wandb_blob rec, struct exl_err *err)
{
	int rc;

	if (!rec.p)
		return exl_errnof(err, ENOMEM, "couldn't encode a record for %s",
				  w->path);
	rc = exl_wandb_writer_add(w, rec.p, rec.len, err);
	free(rec.p);
	return rc;
}

uint64_t exl_wandb_writer_size(const struct exl_wandb_writer *w)
{
	return w->size;
}

int exl_wandb_writer_close(struct exl_wandb_writer *w, struct exl_err *err)
{
	int rc = 0;

	if (fsync(w->fd) < 0)
		rc = exl_errnof(err, errno, "couldn't sync %s", w->path);
	if (close(w->fd) < 0 && rc == 0)
		rc = exl_errnof(err, errno, "couldn't close %s", w->path);
	free(w->path);
	free(w);
	return rc;
}
