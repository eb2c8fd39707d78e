/* passport_hash.c - parallel file hashing (see passport_hash.h).
 *
 * Threads: the caller, up to `jobs` workers, and one reader per worker.
 * A worker claims the next file (largest first, so the long ones start
 * early), opens it, checks it is still the file the scan saw, and hashes
 * it:
 *   - from PASSPORT_LARGE_MIN bytes on, in pieces at known offsets.
 *     While every CPU hashes (8 shards on 2 cores), a window that is in
 *     the page cache is hashed from a mapping (passport_map.h): no copy
 *     out of the page cache on a busy CPU.  A window mostly on disk is
 *     read with pread() in PASSPORT_READ_CHUNK pieces, so the kernel's
 *     readahead overlaps the disk with hashing.
 *   - As soon as a CPU idles (fewer workers hashing than CPUs: one big
 *     file, or the last files of a checkpoint) and two chunks or more are
 *     left, the worker's reader thread reads the next chunks into a ring
 *     of PASSPORT_RING buffers on that CPU while the worker hashes the
 *     ones already read, so the copy overlaps SHA-256 on a CPU that would
 *     idle.  Once every CPU hashes again, the worker goes back to the
 *     mapping.
 *   - below that size with read() to the end, which also sees growth.
 * An earlier design mapped the one big file from a separate mapper
 * thread with MAP_POPULATE; it won on the machine it was tuned on and
 * lost to `openssl dgst` on a fresh one.  The mapping here is only used
 * where the copy it saves would cost a busy CPU, and a file cut short
 * under it is an error (SIGBUS guarded), as a short read is.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "passport/passport_hash.h"
#include "passport/passport_map.h"
#include "util/sha256file.h"

#define JOBS_MAX 256

struct pool {
	int rootfd;
	struct passport_entry **order;	/* largest first */
	size_t n;
	unsigned cpus;		/* CPUs of the allocation */
	atomic_uint hashing;	/* workers hashing a file right now */
	atomic_size_t next;
	atomic_long failed;
	int mapping;		/* the SIGBUS guard is on: windows may be mapped */
	const EVP_MD *md;
	const struct passport_hash_opts *o;
};

/* One buffer of the reader's ring. */
struct slot {
	char *buf;		/* PASSPORT_READ_CHUNK bytes, page-aligned */
	size_t len;		/* bytes read; 0: the file ended early */
	int err;		/* errno of a failed read, else 0 */
	uint64_t off;		/* where the chunk starts in the file */
};

/* The reader: reads chunks of one file ahead of its worker. */
struct reader {
	pthread_t thread;
	int started;		/* the thread runs */
	int synced;		/* lock and cond are initialized */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;			/* file to read; valid while busy */
	uint64_t start, size;	/* read [start, size) */
	int busy;		/* the reader works on fd until it clears this */
	int stop;		/* the worker gave up on the file */
	int quit;
	unsigned produced, consumed;
	struct slot ring[PASSPORT_RING];
};

struct worker {
	struct pool *pool;
	pthread_t thread;
	EVP_MD_CTX *ctx;
	char *buf;		/* PASSPORT_READ_CHUNK bytes, page-aligned */
	struct reader rd;
};

unsigned passport_default_jobs(void)
{
	const char *s = getenv("SLURM_CPUS_ON_NODE");
	cpu_set_t set;
	long n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	if (s && *s) {
		char *end;
		long v;

		errno = 0;
		v = strtol(s, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0 && v < n)
			n = v;
	}
	return n > JOBS_MAX ? JOBS_MAX : (unsigned)n;
}

static void report(const struct pool *p, uint64_t bytes, unsigned files)
{
	if (p->o && p->o->progress)
		p->o->progress(p->o->progress_arg, bytes, files);
}

/* fail: record why entry e could not be hashed. */
static void __attribute__((format(printf, 2, 3)))
fail(struct passport_entry *e, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(e->error);
	e->error = msg ? msg : strdup("couldn't hash (out of memory)");
}

/* hash_read: read and hash fd to its end.  Returns the bytes hashed, or
 * -1 with ->error set.  Stops early once more than size bytes came (the
 * caller reports the growth). */
static int64_t hash_read(struct worker *w, struct passport_entry *e, int fd,
			 uint64_t size)
{
	uint64_t total = 0;

	for (;;) {
		ssize_t n = read(fd, w->buf, PASSPORT_READ_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail(e, "couldn't read: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return (int64_t)total;
		if (!EVP_DigestUpdate(w->ctx, w->buf, (size_t)n)) {
			fail(e, "couldn't hash (OpenSSL error)");
			return -1;
		}
		total += (uint64_t)n;
		report(w->pool, (uint64_t)n, 0);
		if (total > size)
			return (int64_t)total;
		/* a short read of a regular file is its end: no second
		 * read() for the 0 (growth later shows in the fstat after) */
		if (total == size && (size_t)n < PASSPORT_READ_CHUNK)
			return (int64_t)total;
	}
}

/* read_chunk: pread the chunk of [off, size) that starts at off into
 * buf.  Returns the bytes read (0: the file ended early), or -1 with
 * errno set. */
static ssize_t read_chunk(int fd, char *buf, uint64_t off, uint64_t size)
{
	size_t want = size - off < PASSPORT_READ_CHUNK ? (size_t)(size - off) :
		      PASSPORT_READ_CHUNK;
	size_t got = 0;

	while (got < want) {
		ssize_t n = pread(fd, buf + got, want - got,
				  (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		uint64_t off;

		while (!r->quit && !r->busy)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->quit)
			break;
		off = r->start;
		while (!r->stop && off < r->size) {
			struct slot *s;
			ssize_t n;

			while (r->produced - r->consumed == PASSPORT_RING &&
			       !r->stop)
				pthread_cond_wait(&r->cond, &r->lock);
			if (r->stop)
				break;
			s = &r->ring[r->produced % PASSPORT_RING];
			pthread_mutex_unlock(&r->lock);
			n = read_chunk(r->fd, s->buf, off, r->size);
			s->err = n < 0 ? errno : 0;
			s->len = n < 0 ? 0 : (size_t)n;
			s->off = off;
			pthread_mutex_lock(&r->lock);
			r->produced++;
			pthread_cond_broadcast(&r->cond);
			if (n <= 0)
				break;	/* the worker reports it */
			off += (uint64_t)n;
		}
		r->busy = 0;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* next_slot: the next chunk the reader read; the worker hands it back
 * with slot_done once hashed. */
static struct slot *next_slot(struct reader *r)
{
	struct slot *s;

	pthread_mutex_lock(&r->lock);
	while (r->produced == r->consumed)
		pthread_cond_wait(&r->cond, &r->lock);
	s = &r->ring[r->consumed % PASSPORT_RING];
	pthread_mutex_unlock(&r->lock);
	return s;
}

static void slot_done(struct reader *r)
{
	pthread_mutex_lock(&r->lock);
	r->consumed++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* reader_release: stop the reader on this file and drop what it read
 * ahead; the descriptor is the worker's again afterwards. */
static void reader_release(struct reader *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_broadcast(&r->cond);
	while (r->busy)
		pthread_cond_wait(&r->cond, &r->lock);
	r->consumed = r->produced;
	pthread_mutex_unlock(&r->lock);
}

/* reader_start: let the reader read fd's chunks from off on. */
static void reader_start(struct reader *r, int fd, uint64_t off, uint64_t size)
{
	pthread_mutex_lock(&r->lock);
	r->fd = fd;
	r->start = off;
	r->size = size;
	r->produced = r->consumed = 0;
	r->stop = 0;
	r->busy = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* want_reader: a CPU is idle and at least two chunks are left, so
 * reading ahead on it shortens the wall time.  While every CPU hashes,
 * a reader would only add thread switches. */
static int want_reader(const struct worker *w, uint64_t left)
{
	return w->rd.started && left >= 2 * (uint64_t)PASSPORT_READ_CHUNK &&
	       atomic_load(&w->pool->hashing) < w->pool->cpus;
}

/* cut_short: fail e as cut short while hashed, somewhere before off:
 * where fstat says fd ends now, else at off.  Returns -1. */
static int cut_short(struct passport_entry *e, int fd, uint64_t off)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size < off)
		off = (uint64_t)st.st_size;
	fail(e, "changed while hashed (cut short at byte %llu): is "
	     "something still writing it?", (unsigned long long)off);
	return -1;
}

/* hash_chunk: check and hash one chunk of fd read at off.  Returns the
 * bytes hashed, or -1 with ->error set. */
static int64_t hash_chunk(struct worker *w, struct passport_entry *e, int fd,
			  const char *buf, ssize_t n, int err, uint64_t off)
{
	if (n < 0) {
		fail(e, "couldn't read: %s", strerror(err));
		return -1;
	}
	if (n == 0)
		return cut_short(e, fd, off);
	if (!EVP_DigestUpdate(w->ctx, buf, (size_t)n)) {
		fail(e, "couldn't hash (OpenSSL error)");
		return -1;
	}
	report(w->pool, (uint64_t)n, 0);
	return n;
}

/* hash_mapped: hash the window of fd at off from a mapping when it is
 * in the page cache.  Returns the bytes hashed, 0 to read the window
 * instead, or -1 with ->error set. */
static int64_t hash_mapped(struct worker *w, struct passport_entry *e, int fd,
			   uint64_t off, uint64_t size)
{
	size_t len = size - off < PASSPORT_MAP_WINDOW ? (size_t)(size - off) :
		     PASSPORT_MAP_WINDOW;
	ssize_t n;

	if (!w->pool->mapping)
		return 0;
	n = passport_map_hash(fd, off, len, w->ctx);
	if (n < 0 && errno == EFAULT)
		return cut_short(e, fd, off + len);
	if (n < 0) {
		fail(e, "couldn't hash (OpenSSL error)");
		return -1;
	}
	if (n > 0)
		report(w->pool, (uint64_t)n, 0);
	return n;
}

/* hash_large: hash the first size bytes of fd (see the top of this
 * file): while every CPU hashes, from a mapping where the window is in
 * the page cache and with pread() where it is not; once a CPU idles,
 * read ahead by the reader.  Returns size, or -1 with ->error set. */
static int64_t hash_large(struct worker *w, struct passport_entry *e, int fd,
			  uint64_t size)
{
	struct reader *r = &w->rd;
	uint64_t off = 0, read_to = 0;
	int64_t rc = (int64_t)size;
	int piped = 0;

	while (off < size) {
		int64_t n;

		if (!piped && want_reader(w, size - off)) {
			reader_start(r, fd, off, size);
			piped = 1;
		} else if (piped && size - off >= 2 * (uint64_t)PASSPORT_READ_CHUNK &&
			   !want_reader(w, size - off)) {
			/* every CPU hashes again (the workers started one
			 * after another): the reader's copy would cost a
			 * busy CPU; what it read ahead is dropped */
			reader_release(r);
			piped = 0;
		}
		if (piped) {
			struct slot *s = next_slot(r);

			n = hash_chunk(w, e, fd, s->buf,
				       s->err ? -1 : (ssize_t)s->len,
				       s->err, s->off);
			slot_done(r);
		} else if (off >= read_to &&
			   (n = hash_mapped(w, e, fd, off, size)) != 0) {
			/* hashed from the page cache, or failed */
		} else {
			ssize_t got = read_chunk(fd, w->buf, off, size);

			/* not in the page cache: read the window's chunks */
			if (off >= read_to)
				read_to = off + PASSPORT_MAP_WINDOW;
			n = hash_chunk(w, e, fd, w->buf, got, errno, off);
		}
		if (n < 0) {
			rc = -1;
			break;
		}
		off += (uint64_t)n;
	}
	if (piped)
		reader_release(r);
	return rc;
}

static int same_mtime(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* hash_fd: hash an open file, checking it did not change meanwhile.
 * Returns 0, or -1 with ->error set. */
static int hash_fd(struct worker *w, struct passport_entry *e, int fd)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct stat before, after;
	int64_t got;
	uint64_t size;

	if (fstat(fd, &before) < 0) {
		fail(e, "couldn't stat: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(before.st_mode)) {
		fail(e, "is no longer a regular file");
		return -1;
	}
	if (e->ino && (before.st_dev != e->dev || before.st_ino != e->ino)) {
		fail(e, "was replaced by another file while being read");
		return -1;
	}
	size = (uint64_t)before.st_size;
	if (size != e->size) {
		fail(e, "changed while hashed (size %llu, then %llu)",
		     (unsigned long long)e->size, (unsigned long long)size);
		return -1;
	}
	if (size >= PASSPORT_LARGE_MIN)	/* a small file is one read anyway */
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (!EVP_DigestInit_ex(w->ctx, w->pool->md, NULL)) {
		fail(e, "couldn't start a sha256 (OpenSSL error)");
		return -1;
	}
	if (size >= PASSPORT_LARGE_MIN)
		got = hash_large(w, e, fd, size);
	else
		got = hash_read(w, e, fd, size);
	if (got < 0)
		return -1;
	if (fstat(fd, &after) < 0) {
		fail(e, "couldn't stat: %s", strerror(errno));
		return -1;
	}
	if ((uint64_t)got != size || (uint64_t)after.st_size != size ||
	    !same_mtime(&before, &after)) {
		fail(e, "changed while hashed (size %llu, read %llu, now %llu%s): "
		     "is something still writing it?", (unsigned long long)size,
		     (unsigned long long)got, (unsigned long long)after.st_size,
		     same_mtime(&before, &after) ? "" : ", modified");
		return -1;
	}
	if (!EVP_DigestFinal_ex(w->ctx, md, &mdlen)) {
		fail(e, "couldn't finish the sha256 (OpenSSL error)");
		return -1;
	}
	exl_hex_encode(md, mdlen, e->sha256);
	return 0;
}

static int hash_entry(struct worker *w, struct passport_entry *e)
{
	int fd, rc;

	e->sha256[0] = '\0';
	fd = passport_open_beneath(w->pool->rootfd, e->path,
				   O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			fail(e, "is now a symlink (not followed)");
		else
			fail(e, "couldn't open: %s", strerror(errno));
		return -1;
	}
	rc = hash_fd(w, e, fd);
	close(fd);
	report(w->pool, 0, 1);
	return rc;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);

		if (i >= p->n)
			break;
		atomic_fetch_add(&p->hashing, 1);
		if (hash_entry(w, p->order[i]) < 0)
			atomic_fetch_add(&p->failed, 1);
		atomic_fetch_sub(&p->hashing, 1);
	}
	return NULL;
}

/* worker_init: buffers, digest context and the reader thread.  A reader
 * that cannot start only costs the overlap: the worker reads itself.
 * The buffers are page-aligned: the kernel's copy into a buffer 16 bytes
 * off a page boundary (where malloc puts large blocks) costs about a
 * tenth more.  Pages of the ring are only touched once the reader runs. */
static int worker_init(struct worker *w, struct pool *p)
{
	unsigned k;

	memset(w, 0, sizeof(*w));
	w->pool = p;
	w->ctx = EVP_MD_CTX_new();
	w->buf = aligned_alloc(4096, PASSPORT_READ_CHUNK);
	if (!w->ctx || !w->buf || pthread_mutex_init(&w->rd.lock, NULL))
		return -1;
	if (pthread_cond_init(&w->rd.cond, NULL)) {
		pthread_mutex_destroy(&w->rd.lock);
		return -1;
	}
	w->rd.synced = 1;
	for (k = 0; k < PASSPORT_RING; k++) {
		w->rd.ring[k].buf = aligned_alloc(4096, PASSPORT_READ_CHUNK);
		if (!w->rd.ring[k].buf)
			return 0;	/* no reader: read in the worker */
	}
	w->rd.started = pthread_create(&w->rd.thread, NULL, reader_main,
				       &w->rd) == 0;
	return 0;
}

static void worker_fini(struct worker *w)
{
	unsigned k;

	if (w->rd.started) {
		pthread_mutex_lock(&w->rd.lock);
		w->rd.quit = 1;
		pthread_cond_broadcast(&w->rd.cond);
		pthread_mutex_unlock(&w->rd.lock);
		pthread_join(w->rd.thread, NULL);
	}
	if (w->rd.synced) {
		pthread_cond_destroy(&w->rd.cond);
		pthread_mutex_destroy(&w->rd.lock);
	}
	for (k = 0; k < PASSPORT_RING; k++)
		free(w->rd.ring[k].buf);
	free(w->buf);
	EVP_MD_CTX_free(w->ctx);
}

static int by_size_desc(const void *a, const void *b)
{
	const struct passport_entry *x = *(struct passport_entry *const *)a;
	const struct passport_entry *y = *(struct passport_entry *const *)b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->path, y->path);
}

long passport_hash_entries(int rootfd, struct passport_entry **items, size_t n,
			   const struct passport_hash_opts *o,
			   struct exl_err *err)
{
	struct pool p = { .rootfd = rootfd, .n = n, .o = o };
	struct passport_map_guard guard = { .on = 0 };
	struct worker *w = NULL;
	unsigned jobs = o && o->jobs ? o->jobs : passport_default_jobs();
	unsigned i, made = 0, running = 0;
	EVP_MD *fetched = NULL;
	long rc = -1;

	if (n == 0)
		return 0;
	if (jobs > n)
		jobs = (unsigned)n;
	if (jobs > JOBS_MAX)
		jobs = JOBS_MAX;
	atomic_init(&p.next, 0);
	atomic_init(&p.failed, 0);
	atomic_init(&p.hashing, 0);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	fetched = EVP_MD_fetch(NULL, "SHA256", NULL);	/* once, not per file */
	p.md = fetched;
#endif
	if (!p.md)
		p.md = EVP_sha256();
	p.order = malloc(n * sizeof(*p.order));
	w = calloc(jobs, sizeof(*w));
	if (!p.order || !w) {
		exl_errnof(err, ENOMEM, "couldn't start hashing");
		goto out;
	}
	memcpy(p.order, items, n * sizeof(*p.order));
	qsort(p.order, n, sizeof(*p.order), by_size_desc);
	for (i = 0; i < jobs; i++, made++)
		if (worker_init(&w[i], &p) < 0)
			break;
	if (made == 0) {
		exl_errnof(err, ENOMEM, "couldn't start hashing");
		goto out;
	}
	p.cpus = passport_default_jobs();
	p.mapping = passport_map_guard(&guard) == 0;
	if (o && o->begin) {
		uint64_t total = 0;
		size_t k;

		for (k = 0; k < n; k++)
			total += items[k]->size;
		o->begin(o->progress_arg, total, n, made);
	}
	for (i = 0; i < made; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0)
			break;
		running++;
	}
	if (running == 0)
		worker_main(&w[0]);	/* no threads at all: do it here */
	for (i = 0; i < running; i++)
		pthread_join(w[i].thread, NULL);
	passport_map_unguard(&guard);
	rc = atomic_load(&p.failed);
out:
	for (i = 0; w && i < jobs; i++)
		worker_fini(&w[i]);
	free(w);
	free(p.order);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	EVP_MD_free(fetched);
#endif
	return rc;
}
