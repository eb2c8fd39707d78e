/* wandb_write.h - producing .wandb records and files.
 *
 * The encoders serialise the records exp-log writes itself (the exit and
 * final records of exl_wandb_append_exit) and the ones tests and
 * benchmarks need to build whole synthetic run files.  The writer lays
 * them out exactly as W&B does (wandb_log.h: exl_wandb_frame).
 */
#ifndef EXL_WANDB_WRITE_H
#define EXL_WANDB_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/exl_err.h"

/* A serialized Record: p is malloc'd, NULL when out of memory. */
struct exl_wandb_blob {
	uint8_t *p;
	size_t len;
};

/* Encoders.  num is Record.num; 0 leaves it unset, as most W&B files
 * do. */
struct exl_wandb_blob exl_wandb_enc_header(const char *producer);
struct exl_wandb_blob exl_wandb_enc_run(const char *run_id,
					const char *entity,
					const char *project,
					const char *display_name,
					time_t start, int64_t num);
/* A history row with step and one "key": value_json item (key NULL: the
 * row has only its step). */
struct exl_wandb_blob exl_wandb_enc_history(int64_t step, const char *key,
					    const char *value_json,
					    int64_t num);
struct exl_wandb_blob exl_wandb_enc_exit(int exit_code, int runtime_s,
					 int64_t num);
struct exl_wandb_blob exl_wandb_enc_final(int64_t num);
struct exl_wandb_blob exl_wandb_enc_footer(int64_t num);
/* An artifact whose manifest entries have the given local paths. */
struct exl_wandb_blob exl_wandb_enc_artifact(const char *name,
					     const char *const *local_paths,
					     size_t n);

struct exl_wandb_writer;

/* Create path (it must not exist) and write the file header. */
struct exl_wandb_writer *exl_wandb_writer_create(const char *path,
						 struct exl_err *err);

/* Append one record (framed, padded, split across blocks as needed). */
int exl_wandb_writer_add(struct exl_wandb_writer *w, const void *data,
			 size_t len, struct exl_err *err);

/* exl_wandb_writer_add of an encoder's result, which is freed (a NULL
 * one means the encoder ran out of memory). */
int exl_wandb_writer_take(struct exl_wandb_writer *w,
			  struct exl_wandb_blob rec, struct exl_err *err);

/* Bytes written so far (header included). */
uint64_t exl_wandb_writer_size(const struct exl_wandb_writer *w);

/* fsync and close; frees w even on error. */
int exl_wandb_writer_close(struct exl_wandb_writer *w, struct exl_err *err);

#endif
