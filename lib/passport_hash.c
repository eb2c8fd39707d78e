/* passport_hash.c - parallel, read-ahead file hashing (see
 * passport_hash.h).
 *
 * Threads: the caller, up to `jobs` workers, and one reader per worker.
 * A worker claims the next file (largest first, so the long ones start
 * early), opens it, and either reads and hashes it itself (small files)
 * or hands the descriptor to its reader, which fills a ring of
 * PASSPORT_CHUNKS_AHEAD buffers while the worker hashes the oldest one.
 * The worker always waits for its reader to let go of a descriptor
 * before closing it.
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

#include "passport_hash.h"
#include "sha256file.h"

#define JOBS_MAX 256

/* Files smaller than this are read by the worker itself: a handoff to the
 * reader costs more than it saves. */
#define PIPELINE_MIN (2 * (uint64_t)PASSPORT_CHUNK)

struct reader {
	pthread_t thread;
	int started;		/* the thread runs */
	int synced;		/* lock and cond are initialized */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;			/* file to read; valid while busy */
	int busy;		/* reader owns fd until it clears this */
	int stop;		/* the worker gave up on the file */
	int quit;
	unsigned produced, consumed;
	char *buf[PASSPORT_CHUNKS_AHEAD];
	ssize_t len[PASSPORT_CHUNKS_AHEAD];	/* >0 data, 0 EOF, -1 error */
	int rerrno[PASSPORT_CHUNKS_AHEAD];
};

struct pool {
	int rootfd;
	struct passport_entry **order;	/* largest first */
	size_t n;
	atomic_size_t next;
	atomic_long failed;
	const EVP_MD *md;
	const struct passport_hash_opts *o;
};

struct worker {
	struct pool *pool;
	pthread_t thread;
	EVP_MD_CTX *ctx;
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

/* read_some: one read(2), retried on EINTR. */
static ssize_t read_some(int fd, char *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->quit && !r->busy)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->quit)
			break;
		while (!r->stop) {
			unsigned slot;
			ssize_t n;

			while (r->produced - r->consumed == PASSPORT_CHUNKS_AHEAD &&
			       !r->stop)
				pthread_cond_wait(&r->cond, &r->lock);
			if (r->stop)
				break;
			slot = r->produced % PASSPORT_CHUNKS_AHEAD;
			pthread_mutex_unlock(&r->lock);
			n = read_some(r->fd, r->buf[slot], PASSPORT_CHUNK);
			pthread_mutex_lock(&r->lock);
			r->len[slot] = n;
			r->rerrno[slot] = n < 0 ? errno : 0;
			r->produced++;
			pthread_cond_broadcast(&r->cond);
			if (n <= 0)
				break;
		}
		r->busy = 0;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* hash_inline: read and hash fd in this thread.  Returns bytes hashed, or
 * -1 with ->error set.  Stops early once more than size bytes came. */
static int64_t hash_inline(struct worker *w, struct passport_entry *e, int fd,
			   uint64_t size)
{
	uint64_t total = 0;

	for (;;) {
		ssize_t n = read_some(fd, w->rd.buf[0], PASSPORT_CHUNK);

		if (n < 0) {
			fail(e, "couldn't read: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return (int64_t)total;
		if (!EVP_DigestUpdate(w->ctx, w->rd.buf[0], (size_t)n)) {
			fail(e, "couldn't hash (OpenSSL error)");
			return -1;
		}
		total += (uint64_t)n;
		report(w->pool, (uint64_t)n, 0);
		if (total > size)
			return (int64_t)total;	/* grew: the caller reports it */
	}
}

/* hash_pipelined: let the reader fill buffers while this thread hashes.
 * Same contract as hash_inline. */
static int64_t hash_pipelined(struct worker *w, struct passport_entry *e,
			      int fd, uint64_t size)
{
	struct reader *r = &w->rd;
	uint64_t total = 0;
	int64_t rc = -2;

	pthread_mutex_lock(&r->lock);
	r->fd = fd;
	r->produced = r->consumed = 0;
	r->stop = 0;
	r->busy = 1;
	pthread_cond_broadcast(&r->cond);
	while (rc == -2) {
		unsigned slot;
		ssize_t n;

		while (r->produced == r->consumed)
			pthread_cond_wait(&r->cond, &r->lock);
		slot = r->consumed % PASSPORT_CHUNKS_AHEAD;
		n = r->len[slot];
		if (n < 0) {
			fail(e, "couldn't read: %s", strerror(r->rerrno[slot]));
			rc = -1;
			break;
		}
		if (n == 0) {
			rc = (int64_t)total;
			break;
		}
		pthread_mutex_unlock(&r->lock);
		if (!EVP_DigestUpdate(w->ctx, r->buf[slot], (size_t)n)) {
			fail(e, "couldn't hash (OpenSSL error)");
			rc = -1;
		}
		total += (uint64_t)n;
		report(w->pool, (uint64_t)n, 0);
		if (rc == -2 && total > size)
			rc = (int64_t)total;
		pthread_mutex_lock(&r->lock);
		r->consumed++;
		pthread_cond_broadcast(&r->cond);
	}
	/* the descriptor stays ours to close only once the reader let go */
	r->stop = 1;
	pthread_cond_broadcast(&r->cond);
	while (r->busy)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* same_time: st_mtim equality. */
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
	uint64_t size;
	int64_t got;

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
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (!EVP_DigestInit_ex(w->ctx, w->pool->md, NULL)) {
		fail(e, "couldn't start a sha256 (OpenSSL error)");
		return -1;
	}
	if (w->rd.started && size >= PIPELINE_MIN)
		got = hash_pipelined(w, e, fd, size);
	else
		got = hash_inline(w, e, fd, size);
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
		if (hash_entry(w, p->order[i]) < 0)
			atomic_fetch_add(&p->failed, 1);
	}
	return NULL;
}

/* worker_init: buffers, digest context and the reader thread.  A reader
 * that cannot start only costs the overlap: the worker reads itself. */
static int worker_init(struct worker *w, struct pool *p)
{
	int i;

	memset(w, 0, sizeof(*w));
	w->pool = p;
	w->rd.fd = -1;
	w->ctx = EVP_MD_CTX_new();
	if (!w->ctx)
		return -1;
	for (i = 0; i < PASSPORT_CHUNKS_AHEAD; i++)
		if (posix_memalign((void **)&w->rd.buf[i], 4096, PASSPORT_CHUNK))
			return -1;
	if (pthread_mutex_init(&w->rd.lock, NULL))
		return -1;
	if (pthread_cond_init(&w->rd.cond, NULL)) {
		pthread_mutex_destroy(&w->rd.lock);
		return -1;
	}
	w->rd.synced = 1;
	w->rd.started = pthread_create(&w->rd.thread, NULL, reader_main,
				       &w->rd) == 0;
	return 0;
}

static void worker_fini(struct worker *w)
{
	int i;

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
	for (i = 0; i < PASSPORT_CHUNKS_AHEAD; i++)
		free(w->rd.buf[i]);
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
	if (o && o->begin) {
		uint64_t total = 0;
		size_t k;

		for (k = 0; k < n; k++)
			total += items[k]->size;
		o->begin(o->progress_arg, total, n, jobs);
	}
	for (i = 0; i < jobs; i++, made++)
		if (worker_init(&w[i], &p) < 0)
			break;
	if (made == 0) {
		exl_errnof(err, ENOMEM, "couldn't start hashing");
		goto out;
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
