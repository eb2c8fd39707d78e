/* sha256file.h - sha256 of a file as lowercase hex (OpenSSL EVP). */
#ifndef EXL_SHA256FILE_H
#define EXL_SHA256FILE_H

#include <stddef.h>

#include "util/exl_err.h"

#define EXL_SHA256_HEX 65	/* 64 hex digits + NUL */

/* Hash a regular file (never through a symlink) into hex. */
int exl_sha256_file(const char *path, char hex[EXL_SHA256_HEX],
		    struct exl_err *err);

/* Hash a buffer into hex. */
int exl_sha256_buf(const void *buf, size_t len, char hex[EXL_SHA256_HEX]);

/* Lowercase hex of n digest bytes into hex (2n + 1 bytes). */
void exl_hex_encode(const unsigned char *md, unsigned int n, char *hex);

#endif
