/* passport_map.h - hash a window of a file that sits in the page cache
 * straight from a mapping, without the copy a read() makes.
 *
 * While every CPU hashes (8 shards on 2 cores), the copy out of the page
 * cache is paid on a busy CPU: about a fifth of the CPU time with SHA-NI
 * (measured: 0.65 s of kernel time for 4 GiB read, 0.28 s mapped).  A window that is in the page cache is mapped, its pages are
 * entered in one call (MADV_POPULATE_READ where the kernel has it), hashed
 * and unmapped.  A window that is not (a checkpoint read from disk) is
 * left to read(), whose readahead overlaps the disk with hashing.
 *
 * A mapped file cut short under the mapping raises SIGBUS on the first
 * page past its new end.  passport_map_guard() installs a handler that
 * turns exactly that fault, in a window this thread is hashing, into an
 * error return; any other SIGBUS goes to the handler that was there.
 */
#ifndef EXL_PASSPORT_MAP_H
#define EXL_PASSPORT_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>

/* Bytes mapped at once.  Mapped page-cache pages count in the resident
 * set (16 MiB per worker), and each window costs a map, a page-table fill
 * and an unmap whose TLB flush reaches the other workers' CPUs: on 2
 * cores with SHA-NI, 4 MiB windows cost a quarter more kernel time
 * than 16 MiB ones, and 64 MiB ones about as much as 16. */
#define PASSPORT_MAP_WINDOW (16u << 20)

/* Whether passport_map_guard() installed its handler (the one it
 * replaced is kept in passport_map.c, where the handler needs it). */
struct passport_map_guard {
	int on;
};

/* Install the SIGBUS handler for the hashing that follows; call
 * passport_map_unguard() once no thread hashes any more.  Returns 0, or
 * -1 (errno set): then passport_map_hash() must not be called. */
int passport_map_guard(struct passport_map_guard *g);
void passport_map_unguard(struct passport_map_guard *g);

/* Hash [off, off + len) of fd into ctx from a mapping, when the window
 * is in the page cache.  off is a multiple of the page size.  Returns
 * len; 0 when the window is not in the page cache or cannot be mapped
 * (read it instead); -1 with errno EFAULT when the file was cut short
 * while hashed, or EIO when OpenSSL failed.  Needs passport_map_guard().
 */
ssize_t passport_map_hash(int fd, uint64_t off, size_t len, EVP_MD_CTX *ctx);

/* Hash len mapped bytes at m into ctx under the guard (the core of
 * passport_map_hash, for tests): returns len, or -1 with errno EFAULT
 * when a page of m faulted with SIGBUS, or EIO when OpenSSL failed. */
ssize_t passport_map_update(EVP_MD_CTX *ctx, const void *m, size_t len);

#endif
