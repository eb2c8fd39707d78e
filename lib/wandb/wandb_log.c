/* wandb_log.c - tolerant reader of the .wandb block log (wandb_log.h).
 *
 * Damage handling follows W&B's own Go reader: after a bad chunk the rest
 * of the block is dropped and reading resumes at the next FULL or FIRST
 * chunk.  Two refinements: a bad checksum whose length still leads to an
 * intact chunk skips just that chunk, and damage that nothing intact
 * follows is classified as a torn tail only when it looks like an
 * interrupted write (the stream is cut by EOF, the bad chunk claims to
 * reach EOF, or only zeros follow); anything else is corruption.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wandb/wandb_log.h"

struct exl_wandb_reader {
	int fd;			/* -1: reading from mem */
	const uint8_t *mem;
	char name[256];
	struct exl_wandb_log_state st;
	int done;
	uint64_t pos;		/* offset of the next chunk */
	/* the block being read */
	uint8_t *buf;
	const uint8_t *bp;
	uint64_t blk_start;
	int blk_loaded;
	/* a record being assembled from FIRST/MIDDLE/LAST */
	uint8_t *rec;
	size_t rec_len, rec_cap;
	int in_rec;
	uint64_t rec_start;
	/* a damaged region not yet followed by an intact record */
	int in_damage;
	int tail_like;
	uint64_t bad_off;
	char bad_reason[64];
};

static const char *const end_names[] = {
	"clean", "torn", "corrupt", "bad-header", "empty"
};

const char *exl_wandb_end_name(enum exl_wandb_end e)
{
	if ((unsigned)e >= sizeof(end_names) / sizeof(end_names[0]))
		return "unknown";
	return end_names[e];
}

static void __attribute__((format(printf, 2, 3)))
add_problem(struct exl_wandb_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->st.nproblems < EXL_WANDB_MAX_PROBLEMS) {
		va_start(ap, fmt);
		vsnprintf(r->st.problems[r->st.nproblems],
			  sizeof(r->st.problems[0]), fmt, ap);
		va_end(ap);
	}
	r->st.nproblems++;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* read_at: exactly len bytes at off (len never passes the file size
 * taken at open; a file that shrank since reads as an I/O error). */
static int read_at(struct exl_wandb_reader *r, uint64_t off, uint8_t *dst,
		   size_t len, struct exl_err *err)
{
	size_t got = 0;

	if (r->fd < 0) {
		memcpy(dst, r->mem + off, len);
		return 0;
	}
	while (got < len) {
		ssize_t n = pread(r->fd, dst + got, len - got,
				  (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return exl_errnof(err, errno, "couldn't read %s", r->name);
		if (n == 0)
			return exl_errf(err, "%s: shrank while being read", r->name);
		got += (size_t)n;
	}
	return 0;
}

/* load_block: make r->bp point at the block starting at start. */
static int load_block(struct exl_wandb_reader *r, uint64_t start,
		      struct exl_err *err)
{
	uint64_t n = r->st.size - start;

	if (r->blk_loaded && r->blk_start == start)
		return 0;
	if (n > EXL_WANDB_BLOCK_LEN)
		n = EXL_WANDB_BLOCK_LEN;
	if (r->fd < 0) {
		r->bp = r->mem + start;
	} else {
		if (read_at(r, start, r->buf, (size_t)n, err) < 0)
			return -1;
		r->bp = r->buf;
	}
	r->blk_start = start;
	r->blk_loaded = 1;
	return 0;
}

/* start_damage: remember where a damaged region begins (the start of a
 * record being assembled, if any, since that record is lost too). */
static void start_damage(struct exl_wandb_reader *r, uint64_t off,
			 const char *reason, int tail_like)
{
	if (r->in_damage)
		return;
	r->in_damage = 1;
	r->bad_off = r->in_rec ? r->rec_start : off;
	r->tail_like = tail_like;
	snprintf(r->bad_reason, sizeof(r->bad_reason), "%s", reason);
	r->in_rec = 0;
}

/* end_damage: an intact record starts at off, so the region before it
 * was damage in the middle of the file. */
static void end_damage(struct exl_wandb_reader *r, uint64_t off)
{
	if (!r->in_damage)
		return;
	r->st.corrupt++;
	r->st.skipped += off - r->bad_off;
	add_problem(r, "corrupt data at offset %llu (%s): %llu byte%s skipped",
		    (unsigned long long)r->bad_off, r->bad_reason,
		    (unsigned long long)(off - r->bad_off),
		    off - r->bad_off == 1 ? "" : "s");
	r->in_damage = 0;
}

/* zeros_from: 1 if every byte from off to the end is zero. */
static int zeros_from(struct exl_wandb_reader *r, uint64_t off,
		      struct exl_err *err)
{
	while (off < r->st.size) {
		uint64_t start = off - off % EXL_WANDB_BLOCK_LEN;
		uint64_t end = start + EXL_WANDB_BLOCK_LEN;
		size_t i;

		if (end > r->st.size)
			end = r->st.size;
		if (load_block(r, start, err) < 0)
			return -1;
		for (i = (size_t)(off - start); i < (size_t)(end - start); i++)
			if (r->bp[i])
				return 0;
		off = end;
	}
	return 1;
}

/* intact_start_at: is there an intact FULL or FIRST chunk at off, inside
 * the loaded block?  Used to skip a single chunk with a bad checksum. */
static int intact_start_at(struct exl_wandb_reader *r, uint64_t off)
{
	uint64_t blk_end = r->blk_start + EXL_WANDB_BLOCK_LEN;
	const uint8_t *h;
	size_t len;

	if (off + EXL_WANDB_CHUNK_HDR > blk_end ||
	    off + EXL_WANDB_CHUNK_HDR > r->st.size)
		return 0;
	h = r->bp + (off - r->blk_start);
	len = (size_t)h[4] | (size_t)h[5] << 8;
	if ((h[6] != EXL_WANDB_FULL && h[6] != EXL_WANDB_FIRST) ||
	    off + EXL_WANDB_CHUNK_HDR + len > blk_end ||
	    off + EXL_WANDB_CHUNK_HDR + len > r->st.size)
		return 0;
	return le32(h) == exl_wandb_chunk_crc(h[6], h + EXL_WANDB_CHUNK_HDR, len);
}

/* Checksums tried when looking for intact chunks after a bad tail. */
#define TAIL_SCAN_BUDGET 4096

/* intact_after: 1 if an intact FULL or FIRST chunk starts anywhere after
 * off (byte by byte, since lengths there cannot be trusted), so that the
 * damage at off is not just a torn tail.  The number of checksums tried
 * is bounded: a hostile tail cannot make this slow. */
static int intact_after(struct exl_wandb_reader *r, uint64_t off,
			struct exl_err *err)
{
	unsigned budget = TAIL_SCAN_BUDGET;
	uint64_t p;

	for (p = off + 1; p + EXL_WANDB_CHUNK_HDR <= r->st.size && budget; p++) {
		uint64_t start = p - p % EXL_WANDB_BLOCK_LEN;
		const uint8_t *h;

		if (p - start > EXL_WANDB_BLOCK_LEN - EXL_WANDB_CHUNK_HDR)
			continue;
		if (load_block(r, start, err) < 0)
			return -1;
		h = r->bp + (p - start);
		if (h[6] != EXL_WANDB_FULL && h[6] != EXL_WANDB_FIRST)
			continue;
		budget--;
		if (intact_start_at(r, p))
			return 1;
	}
	return 0;
}

/* finish: the end of the file; classify what is left and fix st.end. */
static int finish(struct exl_wandb_reader *r, struct exl_err *err)
{
	int torn;

	if (r->in_rec)
		start_damage(r, r->rec_start, "record without its last chunk", 1);
	if (r->in_damage) {
		/* an interrupted write, unless something intact follows it;
		 * other damage only when nothing but zeros follows */
		if (r->tail_like) {
			torn = intact_after(r, r->bad_off, err);
			if (torn >= 0)
				torn = !torn;
		} else {
			torn = zeros_from(r, r->bad_off, err);
		}
		if (torn < 0)
			return -1;
		if (torn) {
			r->st.tail_offset = r->bad_off;
			add_problem(r, "incomplete tail at offset %llu (%llu byte%s): %s",
				    (unsigned long long)r->bad_off,
				    (unsigned long long)(r->st.size - r->bad_off),
				    r->st.size - r->bad_off == 1 ? "" : "s",
				    r->bad_reason);
			if (r->st.end == EXL_WANDB_END_CLEAN)
				r->st.end = EXL_WANDB_END_TORN;
		} else {
			end_damage(r, r->st.size);
		}
		r->in_damage = 0;
	}
	if (r->st.corrupt)
		r->st.end = EXL_WANDB_END_CORRUPT;
	r->done = 1;
	return 0;
}

/* bad_chunk: a chunk at off cannot be trusted; its header claims it ends
 * at declared_end.  Skip it alone when an intact chunk follows there,
 * else drop the rest of the block. */
static void bad_chunk(struct exl_wandb_reader *r, uint64_t off,
		      const char *reason, uint64_t declared_end)
{
	start_damage(r, off, reason, declared_end >= r->st.size);
	if (intact_start_at(r, declared_end))
		r->pos = declared_end;
	else
		r->pos = r->blk_start + EXL_WANDB_BLOCK_LEN;
}

/* rec_append: add a chunk's payload to the record being assembled. */
static int rec_append(struct exl_wandb_reader *r, const uint8_t *p,
		      size_t len)
{
	if (len == 0)	/* a zero-length FIRST: nothing yet, maybe no buffer */
		return 0;
	if (r->rec_len + len > r->rec_cap) {
		size_t cap = r->rec_cap ? r->rec_cap : 65536;
		uint8_t *n;

		while (cap < r->rec_len + len)
			cap *= 2;
		if (cap > EXL_WANDB_RECORD_MAX)
			cap = EXL_WANDB_RECORD_MAX;
		n = realloc(r->rec, cap);
		if (!n)
			return -1;
		r->rec = n;
		r->rec_cap = cap;
	}
	memcpy(r->rec + r->rec_len, p, len);
	r->rec_len += len;
	return 0;
}

/* chunk: handle an intact chunk.  Returns 1 when a record is complete,
 * 0 to go on, -1 when out of memory. */
static int chunk(struct exl_wandb_reader *r, uint64_t off, uint8_t type,
		 const uint8_t *p, size_t len, struct exl_wandb_rec *out)
{
	uint64_t end = off + EXL_WANDB_CHUNK_HDR + len;

	r->pos = end;
	if (type == EXL_WANDB_FULL || type == EXL_WANDB_FIRST) {
		if (r->in_rec)
			start_damage(r, off, "record without its last chunk", 0);
		end_damage(r, off);
	} else if (!r->in_rec) {
		/* the rest of a record whose start was lost */
		start_damage(r, off, "chunk continues a record it does not follow", 0);
		return 0;
	}
	switch (type) {
	case EXL_WANDB_FULL:
		out->data = p;
		out->len = len;
		out->offset = off;
		r->st.valid_until = end;
		return 1;
	case EXL_WANDB_FIRST:
		r->in_rec = 1;
		r->rec_start = off;
		r->rec_len = 0;
		/* fall through */
	case EXL_WANDB_MIDDLE:
	case EXL_WANDB_LAST:
		if (r->rec_len + len > EXL_WANDB_RECORD_MAX) {
			start_damage(r, off, "record larger than the 64 MiB limit", 0);
			return 0;
		}
		if (rec_append(r, p, len) < 0)
			return -1;
		if (type != EXL_WANDB_LAST)
			return 0;
		r->in_rec = 0;
		out->data = r->rec;
		out->len = r->rec_len;
		out->offset = r->rec_start;
		r->st.valid_until = end;
		return 1;
	}
	return 0;
}

int exl_wandb_next(struct exl_wandb_reader *r, struct exl_wandb_rec *out,
		   struct exl_err *err)
{
	char why[64];

	while (!r->done) {
		uint64_t off = r->pos, size = r->st.size;
		size_t in_blk = (size_t)(off % EXL_WANDB_BLOCK_LEN);
		size_t left = EXL_WANDB_BLOCK_LEN - in_blk, len;
		const uint8_t *h;
		uint8_t type;
		int rc;

		if (off >= size)
			return finish(r, err) < 0 ? -1 : 0;
		if (left < EXL_WANDB_CHUNK_HDR) {
			r->pos += left;	/* block padding; readers ignore it */
			continue;
		}
		if (size - off < EXL_WANDB_CHUNK_HDR) {
			start_damage(r, off, "chunk header cut short", 1);
			r->pos = size;
			continue;
		}
		if (load_block(r, off - in_blk, err) < 0)
			return -1;
		h = r->bp + in_blk;
		len = (size_t)h[4] | (size_t)h[5] << 8;
		type = h[6];
		if (type < EXL_WANDB_FULL || type > EXL_WANDB_LAST) {
			snprintf(why, sizeof(why), "bad chunk type %u", type);
			bad_chunk(r, off, why, off + EXL_WANDB_CHUNK_HDR + len);
			continue;
		}
		if (EXL_WANDB_CHUNK_HDR + len > left) {
			bad_chunk(r, off, "chunk crosses a block boundary",
				  off + EXL_WANDB_CHUNK_HDR + len);
			continue;
		}
		if (off + EXL_WANDB_CHUNK_HDR + len > size) {
			start_damage(r, off, "chunk cut short", 1);
			r->pos = size;
			continue;
		}
		if (le32(h) != exl_wandb_chunk_crc(type, h + EXL_WANDB_CHUNK_HDR,
						   len)) {
			bad_chunk(r, off, "bad checksum",
				  off + EXL_WANDB_CHUNK_HDR + len);
			continue;
		}
		rc = chunk(r, off, type, h + EXL_WANDB_CHUNK_HDR, len, out);
		if (rc < 0)
			return exl_errnof(err, ENOMEM, "couldn't read %s", r->name);
		if (rc > 0) {
			r->st.records++;
			return 1;
		}
	}
	return 0;
}

/* check_header: the 7 bytes at offset 0; a bad one ends the pass. */
static int check_header(struct exl_wandb_reader *r, struct exl_err *err)
{
	uint8_t h[EXL_WANDB_HEADER_LEN];
	uint64_t size = r->st.size;

	r->st.valid_until = EXL_WANDB_HEADER_LEN;
	if (size == 0) {
		r->st.end = EXL_WANDB_END_EMPTY;
		r->st.valid_until = 0;
		add_problem(r, "empty file (W&B wrote nothing)");
		r->done = 1;
		return 0;
	}
	if (size < EXL_WANDB_HEADER_LEN) {
		r->st.end = EXL_WANDB_END_BAD_HEADER;
		r->st.valid_until = 0;
		add_problem(r, "incomplete header (%llu byte%s)",
			    (unsigned long long)size, size == 1 ? "" : "s");
		r->done = 1;
		return 0;
	}
	if (read_at(r, 0, h, sizeof(h), err) < 0)
		return -1;
	if (memcmp(h, exl_wandb_file_header, 6) != 0 || h[6] != 0) {
		r->st.end = EXL_WANDB_END_BAD_HEADER;
		r->st.valid_until = 0;
		if (memcmp(h, exl_wandb_file_header, 4) != 0)
			add_problem(r, "not a W&B record log (bad header)");
		else if (memcmp(h + 4, exl_wandb_file_header + 4, 2) != 0)
			add_problem(r, "bad magic number in header");
		else
			add_problem(r, "unsupported format version %u", h[6]);
		r->done = 1;
		return 0;
	}
	r->pos = EXL_WANDB_HEADER_LEN;
	return 0;
}

static struct exl_wandb_reader *reader_new(const char *name, uint64_t size,
					   int fd, const void *mem,
					   struct exl_err *err)
{
	struct exl_wandb_reader *r = calloc(1, sizeof(*r));

	if (!r || (fd >= 0 && !(r->buf = malloc(EXL_WANDB_BLOCK_LEN)))) {
		free(r);
		exl_errnof(err, ENOMEM, "couldn't read %s", name);
		return NULL;
	}
	r->fd = fd;
	r->mem = mem;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->st.size = size;
	if (check_header(r, err) < 0) {
		exl_wandb_reader_free(r);
		return NULL;
	}
	return r;
}

struct exl_wandb_reader *exl_wandb_reader_fd(int fd, const char *name,
					     struct exl_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		exl_errnof(err, errno, "couldn't stat %s", name);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		exl_errf(err, "%s: not a regular file", name);
		return NULL;
	}
	return reader_new(name, (uint64_t)st.st_size, fd, NULL, err);
}

struct exl_wandb_reader *exl_wandb_reader_mem(const void *buf, size_t len,
					      const char *name,
					      struct exl_err *err)
{
	return reader_new(name, len, -1, buf, err);
}

const struct exl_wandb_log_state *
exl_wandb_reader_state(const struct exl_wandb_reader *r)
{
	return &r->st;
}

void exl_wandb_reader_free(struct exl_wandb_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->rec);
	free(r);
}
