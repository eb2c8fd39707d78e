/* wandb_log.h - W&B's offline record log (run-<id>.wandb): framing.
 *
 * The file is a LevelDB-style log behind a 7-byte W&B header: 32 KiB
 * blocks of chunks, each "crc32 | length | type | payload", a record
 * being one FULL chunk or FIRST, MIDDLE..., LAST.  The checksum is plain
 * CRC-32/IEEE over type and payload (WANDB-FORMAT.md section 1).
 *
 * The reader treats the file as hostile: it never reads past the size
 * the file had when opened, bounds a record at EXL_WANDB_RECORD_MAX,
 * resynchronises at the next block after damage, and tells a torn tail
 * (a crash in the middle of a write) from damage earlier in the file.
 */
#ifndef EXL_WANDB_LOG_H
#define EXL_WANDB_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "util/exl_err.h"

#define EXL_WANDB_BLOCK_LEN 32768u
#define EXL_WANDB_HEADER_LEN 7u
#define EXL_WANDB_CHUNK_HDR 7u
/* Largest record the reader assembles; bigger ones count as damage. */
#define EXL_WANDB_RECORD_MAX (64u << 20)
/* Problems kept as text (more are only counted). */
#define EXL_WANDB_MAX_PROBLEMS 8

enum exl_wandb_chunk_type {
	EXL_WANDB_FULL = 1,
	EXL_WANDB_FIRST = 2,
	EXL_WANDB_MIDDLE = 3,
	EXL_WANDB_LAST = 4,
};

/* How the file ends, worst first is the order of precedence below. */
enum exl_wandb_end {
	EXL_WANDB_END_CLEAN = 0,	/* every byte is a record or padding */
	EXL_WANDB_END_TORN,		/* only the tail is incomplete */
	EXL_WANDB_END_CORRUPT,		/* damage before the tail */
	EXL_WANDB_END_BAD_HEADER,	/* not a .wandb file we can read */
	EXL_WANDB_END_EMPTY,		/* 0 bytes (W&B never got going) */
};

/* What a pass over the file found; complete once next() returned 0. */
struct exl_wandb_log_state {
	uint64_t size;		/* file size when the reader was opened */
	uint64_t valid_until;	/* end of the last complete record */
	uint64_t records;	/* records returned */
	enum exl_wandb_end end;
	uint64_t tail_offset;	/* torn: where the incomplete tail starts */
	unsigned corrupt;	/* damaged regions before the tail */
	uint64_t skipped;	/* bytes dropped in damaged regions */
	unsigned nproblems;	/* all problems, even those not kept */
	char problems[EXL_WANDB_MAX_PROBLEMS][160];
};

struct exl_wandb_rec {
	const uint8_t *data;	/* valid until the next call */
	size_t len;
	uint64_t offset;	/* of the record's first chunk */
};

struct exl_wandb_reader;

/* A reader over an open file.  The fd stays the caller's (so a lock held
 * on it survives); its size is taken now and never read past. */
struct exl_wandb_reader *exl_wandb_reader_fd(int fd, const char *name,
					     struct exl_err *err);

/* A reader over bytes in memory (tests, fuzzing). */
struct exl_wandb_reader *exl_wandb_reader_mem(const void *buf, size_t len,
					      const char *name,
					      struct exl_err *err);

/* Next intact record: 1 and *rec filled, 0 at the end of the file (the
 * state is then final), -1 on an I/O error. */
int exl_wandb_next(struct exl_wandb_reader *r, struct exl_wandb_rec *rec,
		   struct exl_err *err);

const struct exl_wandb_log_state *
exl_wandb_reader_state(const struct exl_wandb_reader *r);

void exl_wandb_reader_free(struct exl_wandb_reader *r);

/* One word for an end state: "clean", "torn", "corrupt", ... */
const char *exl_wandb_end_name(enum exl_wandb_end e);

/* CRC-32/IEEE of type byte and payload, as a chunk header stores it. */
uint32_t exl_wandb_chunk_crc(uint8_t type, const void *data, size_t len);

/* The 7 header bytes every .wandb file starts with. */
extern const uint8_t exl_wandb_file_header[EXL_WANDB_HEADER_LEN];

/* Frame one record for a file currently size bytes long: zero padding
 * when fewer than 7 bytes are left in the block, then FULL or
 * FIRST/MIDDLE.../LAST chunks, exactly as W&B's writers lay them out.
 * Returns a malloc'd buffer of *outlen bytes to write at offset size. */
uint8_t *exl_wandb_frame(uint64_t size, const void *data, size_t len,
			 size_t *outlen);

#endif
