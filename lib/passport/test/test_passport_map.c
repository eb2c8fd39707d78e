/* Unit tests: hashing page-cache windows from a mapping - the same hash
 * as a read, windows left to read(), and a file cut short under the
 * mapping (SIGBUS) turned into an error, with the guard put back. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "passport_fixture.h"
#include "passport/passport_map.h"
#include "util/sha256file.h"
#include "tap.h"

#define MiB (1u << 20)

/* final_hex: finish ctx into hex. */
static void final_hex(EVP_MD_CTX *ctx, char hex[EXL_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_DigestFinal_ex(ctx, md, &n))
		n = 0;
	exl_hex_encode(md, n, hex);
}

/* same_as_read: a whole file in two mapped windows gives sha256sum's
 * answer. */
static void same_as_read(EVP_MD_CTX *ctx)
{
	char want[EXL_SHA256_HEX], got[EXL_SHA256_HEX];
	size_t len = PASSPORT_MAP_WINDOW + MiB / 2;
	int fd;

	fx_write_pattern("two", len, 3);
	ok(exl_sha256_file(fx("two"), want, NULL) == 0, "read hash");
	fd = open(fx("two"), O_RDONLY);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	is_int(passport_map_hash(fd, 0, PASSPORT_MAP_WINDOW, ctx),
	       PASSPORT_MAP_WINDOW, "first window hashed from the mapping");
	is_int(passport_map_hash(fd, PASSPORT_MAP_WINDOW, MiB / 2, ctx),
	       MiB / 2, "the short last window too");
	final_hex(ctx, got);
	is_str(got, want, "the mapped windows give the read's sha256");
	is_int(passport_map_hash(fd, 100, MiB, ctx), 0,
	       "an offset off a page boundary is left to read()");
	is_int(passport_map_hash(fd, 0, PASSPORT_MAP_WINDOW + 4096, ctx), 0,
	       "a window over the limit is left to read()");
	close(fd);
}

/* on_disk: a window whose pages were dropped from the page cache is
 * left to read() (where the filesystem can drop them: not tmpfs). */
static void on_disk(EVP_MD_CTX *ctx)
{
	unsigned char vec[PASSPORT_MAP_WINDOW / 4096];
	size_t k, in = 0;
	void *m;
	int fd;

	fx_write_pattern("cold", PASSPORT_MAP_WINDOW, 4);
	fd = open(fx("cold"), O_RDONLY);
	if (fd < 0 || fdatasync(fd) < 0 ||
	    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
		ok(0, "cold file: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	m = mmap(NULL, PASSPORT_MAP_WINDOW, PROT_READ, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED && mincore(m, PASSPORT_MAP_WINDOW, vec) == 0)
		for (k = 0; k < PASSPORT_MAP_WINDOW / 4096; k++)
			in += vec[k] & 1;
	if (m != MAP_FAILED)
		munmap(m, PASSPORT_MAP_WINDOW);
	if (in > PASSPORT_MAP_WINDOW / 4096 / 2) {
		ok(1, "window on disk # SKIP this filesystem keeps its pages");
	} else {
		EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
		is_int(passport_map_hash(fd, 0, PASSPORT_MAP_WINDOW, ctx), 0,
		       "a window on disk is left to read()");
	}
	close(fd);
}

/* cut_short: the file shrinks under a live mapping; hashing the mapping
 * gets EFAULT instead of dying of SIGBUS, twice (the jump back unblocks
 * SIGBUS), and the next window hashes as usual. */
static void cut_short(EVP_MD_CTX *ctx)
{
	size_t len = 2 * MiB;
	char *m;
	int fd, round;

	fx_write_pattern("shrinks", len, 5);
	fd = open(fx("shrinks"), O_RDWR);
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ok(m != MAP_FAILED, "mapped");
	if (m == MAP_FAILED) {
		close(fd);
		return;
	}
	ok(ftruncate(fd, MiB / 2) == 0, "cut to half a MiB under the mapping");
	for (round = 1; round <= 2; round++) {
		EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
		errno = 0;
		is_int(passport_map_update(ctx, m, len), -1,
		       "round %d: the fault past the end is an error", round);
		is_int(errno, EFAULT, "round %d: EFAULT", round);
	}
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	is_int(passport_map_update(ctx, m, MiB / 2), MiB / 2,
	       "the part still there hashes");
	munmap(m, len);
	close(fd);
}

/* handler_back: unguard puts the handler before it back. */
static void handler_back(void)
{
	struct passport_map_guard g = { .on = 0 };
	struct sigaction sa, now;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGBUS, &sa, NULL);
	ok(passport_map_guard(&g) == 0, "guard on again");
	sigaction(SIGBUS, NULL, &now);
	ok((now.sa_flags & SA_SIGINFO) != 0, "the guard's handler is in place");
	passport_map_unguard(&g);
	sigaction(SIGBUS, NULL, &now);
	ok(!(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_IGN,
	   "the earlier handler is back");
	sa.sa_handler = SIG_DFL;
	sigaction(SIGBUS, &sa, NULL);
}

int main(void)
{
	struct passport_map_guard g = { .on = 0 };
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (fx_start() < 0 || !ctx)
		return 1;
	ok(passport_map_guard(&g) == 0, "guard on");
	same_as_read(ctx);
	on_disk(ctx);
	cut_short(ctx);
	passport_map_unguard(&g);
	handler_back();
	EVP_MD_CTX_free(ctx);
	fx_finish();
	return done_testing();
}
