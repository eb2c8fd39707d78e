/* passport_hash.h - sha256 of many files at once, as fast as the machine
 * allows.
 *
 * A pool of worker threads (one per CPU of the allocation) takes files
 * largest first and hashes them with OpenSSL EVP, which uses SHA-NI where
 * the CPU has it.  While every CPU hashes, the windows of a large file
 * that are in the page cache are hashed from a mapping (no copy); the
 * rest is read() into page-aligned buffers of PASSPORT_READ_CHUNK bytes
 * (POSIX_FADV_SEQUENTIAL, so the kernel reads ahead from disk).  When a
 * CPU is idle a worker's reader thread reads the next chunks of a large
 * file while the worker hashes, so the copy overlaps hashing.  Files are
 * opened below the checkpoint directory
 * without following any symlink, must still be the file the scan saw,
 * and are checked before and after hashing: a size or mtime change, a
 * byte count that disagrees with the size, or a short read fails that
 * file as "changed while hashed".
 */
#ifndef EXL_PASSPORT_HASH_H
#define EXL_PASSPORT_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "util/exl_err.h"
#include "passport/passport_tree.h"

/* Called from worker threads after each chunk (bytes hashed) and after
 * each file (files = 1); must be thread-safe. */
typedef void (*passport_progress_fn)(void *arg, uint64_t bytes,
				     unsigned files);

/* Called once, from the calling thread, before hashing starts: what is
 * to come, and how many workers will do it. */
typedef void (*passport_begin_fn)(void *arg, uint64_t bytes, size_t files,
				  unsigned jobs);

struct passport_hash_opts {
	unsigned jobs;		/* worker threads; 0: passport_default_jobs() */
	passport_begin_fn begin;	/* may be NULL */
	passport_progress_fn progress;	/* may be NULL */
	void *progress_arg;	/* for both */
};

/* Files from this size on are hashed in pieces at known offsets: mapped
 * windows of PASSPORT_MAP_WINDOW bytes or PASSPORT_READ_CHUNK reads by
 * the worker, or (a CPU idle) reads by its reader thread into a ring of
 * PASSPORT_RING buffers; smaller ones are read to their end.  Memory:
 * (1 + PASSPORT_RING) chunks per worker, and one mapped window of page
 * cache. */
#define PASSPORT_LARGE_MIN (256u << 10)
#define PASSPORT_READ_CHUNK (1u << 20)
#define PASSPORT_RING 3

/* Worker threads to use: SLURM_CPUS_ON_NODE when set (the allocation),
 * bounded by the CPUs this process may run on (sched_getaffinity). */
unsigned passport_default_jobs(void);

/* Hash the n regular-file entries items[] below rootfd.  Each gets its
 * sha256, or an error text in ->error.  Returns how many failed (0: all
 * hashed), or -1 with err set when the pool could not run at all. */
long passport_hash_entries(int rootfd, struct passport_entry **items, size_t n,
			   const struct passport_hash_opts *o,
			   struct exl_err *err);

#endif
