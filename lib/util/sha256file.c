/* sha256file.c - file and buffer sha256 (see sha256file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/crypto_load.h"
#include "util/sha256file.h"

void exl_hex_encode(const unsigned char *md, unsigned int n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
}

int exl_sha256_buf(const void *buf, size_t len, char hex[EXL_SHA256_HEX])
{
	const struct exl_crypto *c = exl_crypto();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!c || !c->digest(buf, len, md, &n, c->sha256(), NULL))
		return -1;
	exl_hex_encode(md, n, hex);
	return 0;
}

int exl_sha256_file(const char *path, char hex[EXL_SHA256_HEX],
		    struct exl_err *err)
{
	const struct exl_crypto *c = exl_crypto();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *ctx = NULL;
	struct stat st;
	char *buf = NULL;
	ssize_t r;
	int fd, rc = -1;

	if (!c)
		return exl_errf(err, "couldn't hash %s: %s", path,
				exl_crypto_error());
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return exl_errnof(err, errno, "couldn't open %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		exl_errf(err, "%s: not a regular file", path);
		goto out;
	}
	buf = malloc(1 << 20);
	ctx = c->ctx_new();
	if (!buf || !ctx || !c->init(ctx, c->sha256(), NULL)) {
		exl_errf(err, "couldn't hash %s: out of memory", path);
		goto out;
	}
	for (;;) {
		r = read(fd, buf, 1 << 20);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			exl_errnof(err, errno, "couldn't read %s", path);
			goto out;
		}
		if (r == 0)
			break;
		if (!c->update(ctx, buf, (size_t)r)) {
			exl_errf(err, "couldn't hash %s", path);
			goto out;
		}
	}
	if (!c->final(ctx, md, &n)) {
		exl_errf(err, "couldn't hash %s", path);
		goto out;
	}
	exl_hex_encode(md, n, hex);
	rc = 0;
out:
	c->ctx_free(ctx);
	free(buf);
	close(fd);
	return rc;
}
