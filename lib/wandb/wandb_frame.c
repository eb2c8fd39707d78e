/* wandb_frame.c - CRC and chunk layout of the .wandb log (wandb_log.h). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "wandb/wandb_log.h"

/* ":W&B", magic 0xBEE1 little-endian, version 0 (WANDB-FORMAT.md 1). */
const uint8_t exl_wandb_file_header[EXL_WANDB_HEADER_LEN] = {
	0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00
};

uint32_t exl_wandb_chunk_crc(uint8_t type, const void *data, size_t len)
{
	uLong crc = crc32(0L, &type, 1);
	const Bytef *p = data;

	/* zlib takes uInt lengths; chunks are < 64 KiB, but stay general */
	while (len > 0) {
		uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;

		crc = crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return (uint32_t)crc;
}

static void put_chunk(uint8_t *out, uint8_t type, const uint8_t *data,
		      size_t len)
{
	uint32_t crc = exl_wandb_chunk_crc(type, data, len);

	out[0] = (uint8_t)crc;
	out[1] = (uint8_t)(crc >> 8);
	out[2] = (uint8_t)(crc >> 16);
	out[3] = (uint8_t)(crc >> 24);
	out[4] = (uint8_t)len;
	out[5] = (uint8_t)(len >> 8);
	out[6] = type;
	if (len)
		memcpy(out + EXL_WANDB_CHUNK_HDR, data, len);
}

/* framed_len: bytes exl_wandb_frame produces (the same walk, dry). */
static size_t framed_len(uint64_t size, size_t len)
{
	size_t left = EXL_WANDB_BLOCK_LEN - (size_t)(size % EXL_WANDB_BLOCK_LEN);
	size_t total = 0;

	if (left < EXL_WANDB_CHUNK_HDR) {
		total += left;
		left = EXL_WANDB_BLOCK_LEN;
	}
	for (;;) {
		size_t n = left - EXL_WANDB_CHUNK_HDR;

		if (len <= n)
			return total + EXL_WANDB_CHUNK_HDR + len;
		total += left;		/* this chunk fills the block */
		len -= n;
		left = EXL_WANDB_BLOCK_LEN;
	}
}

uint8_t *exl_wandb_frame(uint64_t size, const void *data, size_t len,
			 size_t *outlen)
{
	const uint8_t *p = data;
	size_t left, n, off = 0, total;
	uint8_t *out, type;
	int first = 1;

	if (len > EXL_WANDB_RECORD_MAX)
		return NULL;
	total = framed_len(size, len);
	out = calloc(1, total ? total : 1);
	if (!out)
		return NULL;
	left = EXL_WANDB_BLOCK_LEN - (size_t)(size % EXL_WANDB_BLOCK_LEN);
	if (left < EXL_WANDB_CHUNK_HDR) {
		off += left;		/* calloc'd zeros are the padding */
		left = EXL_WANDB_BLOCK_LEN;
	}
	for (;;) {
		n = left - EXL_WANDB_CHUNK_HDR;
		if (len <= n) {
			n = len;
			type = first ? EXL_WANDB_FULL : EXL_WANDB_LAST;
		} else {
			type = first ? EXL_WANDB_FIRST : EXL_WANDB_MIDDLE;
		}
		put_chunk(out + off, type, p, n);
		off += EXL_WANDB_CHUNK_HDR + n;
		p += n;
		len -= n;
		if (type == EXL_WANDB_FULL || type == EXL_WANDB_LAST)
			break;
		first = 0;
		left = EXL_WANDB_BLOCK_LEN;
	}
	*outlen = off;
	return out;
}
