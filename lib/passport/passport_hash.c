/* passport_hash.c - parallel, zero-copy file hashing (see passport_hash.h).
 *
 * Threads: the caller, up to `jobs` workers, and one mapper per worker.
 * A worker claims the next file (largest first, so the long ones start
 * early), opens it, checks it is still the file the scan saw, and hashes
 * it:
 *   - from PASSPORT_MAP_MIN bytes on, with pread() of PASSPORT_READ_CHUNK
 *     pieces while every CPU hashes: the kernel copies cached pages
 *     through its own linear map, which costs less CPU than mapping them
 *     into this process and faulting them in (measured on 2 cores: 4 GiB
 *     in 1.36 s with 1 MiB reads against 1.41 s through mmap windows).
 *     As soon as a CPU idles (fewer workers hashing than CPUs: one big
 *     file, or the last files of a checkpoint) and two windows or more
 *     are left, the worker's mapper thread maps the next PASSPORT_WINDOW
 *     windows ahead on that CPU (MAP_POPULATE, which reads what is not
 *     cached yet, and POSIX_FADV_WILLNEED for the window after) while
 *     the worker hashes them, so even one big file keeps a core busy
 *     with SHA-256 alone.  A window that cannot be mapped sends the
 *     worker back to pread().
 *   - below that size with read() to the end, which also sees growth.
 *
 * A file cut short while mapped raises SIGBUS on the next access.  The
 * worker arms a per-thread jump buffer around each window; the handler
 * jumps back and the file fails as changed.  The digest context is then
 * in an unknown state, which the next file's EVP_DigestInit_ex resets.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "passport/passport_hash.h"
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
	const EVP_MD *md;
	const struct passport_hash_opts *o;
};

/* Windows mapped ahead of the worker. */
#define WINDOWS_AHEAD 3

struct window {
	void *addr;		/* NULL: mmap failed with err */
	size_t len;
	int err;
};

/* The mapper: maps windows of one file ahead of its worker. */
struct mapper {
	pthread_t thread;
	int started;		/* the thread runs */
	int synced;		/* lock and cond are initialized */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;			/* file to map; valid while busy */
	uint64_t start, size;	/* map [start, size) */
	int busy;		/* the mapper works on fd until it clears this */
	int stop;		/* the worker gave up on the file */
	int quit;
	unsigned produced, consumed;
	struct window ring[WINDOWS_AHEAD];
};

struct worker {
	struct pool *pool;
	pthread_t thread;
	EVP_MD_CTX *ctx;
	char *buf;		/* PASSPORT_READ_CHUNK bytes for read(), page-aligned */
	struct mapper mp;
};

/* The jump buffer of the window this thread is hashing, NULL outside. */
static __thread sigjmp_buf *volatile bus_jump;

static pthread_mutex_t bus_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned bus_users;
static struct sigaction bus_saved;

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

/* on_sigbus: back to the worker whose mapped file shrank.  A SIGBUS that
 * is not ours gets the old disposition and is raised again. */
static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	sigjmp_buf *jb = bus_jump;

	(void)si;
	(void)ctx;
	if (jb)
		siglongjmp(*jb, 1);
	sigaction(sig, &bus_saved, NULL);
	raise(sig);
}

/* bus_guard: install (on) or restore (off) the SIGBUS handler; nested
 * pools share one installation. */
static void bus_guard(int on)
{
	struct sigaction sa;

	pthread_mutex_lock(&bus_lock);
	if (on && bus_users++ == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &bus_saved);
	} else if (!on && --bus_users == 0) {
		sigaction(SIGBUS, &bus_saved, NULL);
	}
	pthread_mutex_unlock(&bus_lock);
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
	}
}

/* map_window: map and populate [off, off + len) of fd and ask the
 * kernel to start reading the window after it. */
static struct window map_window(int fd, uint64_t off, uint64_t size)
{
	struct window win = { 0 };

	win.len = size - off < PASSPORT_WINDOW ? (size_t)(size - off) :
		  PASSPORT_WINDOW;
	win.addr = mmap(NULL, win.len, PROT_READ, MAP_SHARED | MAP_POPULATE, fd,
			(off_t)off);
	if (win.addr == MAP_FAILED) {
		win.err = errno;
		win.addr = NULL;
	} else if (off + win.len < size) {
		(void)posix_fadvise(fd, (off_t)(off + win.len), PASSPORT_WINDOW,
				    POSIX_FADV_WILLNEED);
	}
	return win;
}

static void *mapper_main(void *arg)
{
	struct mapper *m = arg;

	pthread_mutex_lock(&m->lock);
	for (;;) {
		uint64_t off;

		while (!m->quit && !m->busy)
			pthread_cond_wait(&m->cond, &m->lock);
		if (m->quit)
			break;
		off = m->start;
		while (!m->stop && off < m->size) {
			struct window win;

			while (m->produced - m->consumed == WINDOWS_AHEAD && !m->stop)
				pthread_cond_wait(&m->cond, &m->lock);
			if (m->stop)
				break;
			pthread_mutex_unlock(&m->lock);
			win = map_window(m->fd, off, m->size);
			pthread_mutex_lock(&m->lock);
			m->ring[m->produced % WINDOWS_AHEAD] = win;
			m->produced++;
			pthread_cond_broadcast(&m->cond);
			if (!win.addr)
				break;
			off += win.len;
		}
		m->busy = 0;
		pthread_cond_broadcast(&m->cond);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

/* next_window: the next window the mapper mapped. */
static struct window next_window(struct worker *w)
{
	struct mapper *m = &w->mp;
	struct window win;

	pthread_mutex_lock(&m->lock);
	while (m->produced == m->consumed)
		pthread_cond_wait(&m->cond, &m->lock);
	win = m->ring[m->consumed % WINDOWS_AHEAD];
	m->consumed++;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	return win;
}

/* mapper_release: stop the mapper on this file and unmap what it mapped
 * ahead; the descriptor is the worker's again afterwards. */
static void mapper_release(struct mapper *m)
{
	pthread_mutex_lock(&m->lock);
	m->stop = 1;
	pthread_cond_broadcast(&m->cond);
	while (m->busy)
		pthread_cond_wait(&m->cond, &m->lock);
	for (; m->consumed != m->produced; m->consumed++) {
		struct window *win = &m->ring[m->consumed % WINDOWS_AHEAD];

		if (win->addr)
			munmap(win->addr, win->len);
	}
	pthread_mutex_unlock(&m->lock);
}

/* mapper_start: let the mapper map fd's windows from off on. */
static void mapper_start(struct mapper *m, int fd, uint64_t off, uint64_t size)
{
	pthread_mutex_lock(&m->lock);
	m->fd = fd;
	m->start = off;
	m->size = size;
	m->produced = m->consumed = 0;
	m->stop = 0;
	m->busy = 1;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

/* want_mapper: a CPU is idle and at least two windows are left, so
 * mapping ahead on it shortens the wall time.  While every CPU hashes,
 * a mapper would only add thread switches. */
static int want_mapper(const struct worker *w, uint64_t left)
{
	return w->mp.started && left >= 2 * (uint64_t)PASSPORT_WINDOW &&
	       atomic_load(&w->pool->hashing) < w->pool->cpus;
}

/* hash_chunk: pread the next piece of [off, size) of fd into the
 * worker's buffer and hash it.  Returns the bytes hashed, or -1 with
 * ->error set. */
static int64_t hash_chunk(struct worker *w, struct passport_entry *e, int fd,
			  uint64_t off, uint64_t size)
{
	size_t want = size - off < PASSPORT_READ_CHUNK ? (size_t)(size - off) :
		      PASSPORT_READ_CHUNK;
	ssize_t n;

	do
		n = pread(fd, w->buf, want, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		fail(e, "couldn't read: %s", strerror(errno));
		return -1;
	}
	if (n == 0) {
		fail(e, "changed while hashed (cut short at byte %llu): is "
		     "something still writing it?", (unsigned long long)off);
		return -1;
	}
	if (!EVP_DigestUpdate(w->ctx, w->buf, (size_t)n)) {
		fail(e, "couldn't hash (OpenSSL error)");
		return -1;
	}
	report(w->pool, (uint64_t)n, 0);
	return n;
}

/* hash_large: hash the first size bytes of fd, read while every CPU
 * hashes and mapped ahead by the mapper once one idles (see the top of
 * this file).  Returns size, or -1 with ->error set. */
static int64_t hash_large(struct worker *w, struct passport_entry *e, int fd,
			  uint64_t size)
{
	struct mapper *m = &w->mp;
	volatile struct window cur = { 0 };
	volatile uint64_t off = 0;
	volatile int64_t rc = (int64_t)size;
	volatile int piped = 0, no_map = 0;
	sigjmp_buf jb;

	if (sigsetjmp(jb, 1)) {
		bus_jump = NULL;
		fail(e, "changed while hashed (cut short at or after byte %llu, "
		     "or an I/O error): is something still writing it?",
		     (unsigned long long)off);
		rc = -1;
		goto out;
	}
	while (off < size) {
		struct window win;
		int64_t n;
		int ok;

		if (!piped && !no_map && want_mapper(w, size - off)) {
			mapper_start(m, fd, off, size);
			piped = 1;
		}
		if (!piped) {
			n = hash_chunk(w, e, fd, off, size);
			if (n < 0) {
				rc = -1;
				break;
			}
			off += (uint64_t)n;
			continue;
		}
		win = next_window(w);
		if (!win.addr) {
			/* not mappable (a filesystem without mmap, no
			 * address space left): read the rest */
			mapper_release(m);
			piped = 0;
			no_map = 1;
			continue;
		}
		cur.addr = win.addr;
		cur.len = win.len;
		bus_jump = &jb;
		ok = EVP_DigestUpdate(w->ctx, win.addr, win.len);
		bus_jump = NULL;
		cur.addr = NULL;
		munmap(win.addr, win.len);
		if (!ok) {
			fail(e, "couldn't hash (OpenSSL error)");
			rc = -1;
			break;
		}
		off += win.len;
		report(w->pool, win.len, 0);
	}
out:
	if (cur.addr)
		munmap(cur.addr, cur.len);
	if (piped)
		mapper_release(m);
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
	if (size >= PASSPORT_MAP_MIN)	/* a small file is one read anyway */
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (!EVP_DigestInit_ex(w->ctx, w->pool->md, NULL)) {
		fail(e, "couldn't start a sha256 (OpenSSL error)");
		return -1;
	}
	if (size >= PASSPORT_MAP_MIN)
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

/* worker_init: buffer, digest context and the mapper thread.  A mapper
 * that cannot start only costs the overlap: the worker maps itself. */
static int worker_init(struct worker *w, struct pool *p)
{
	memset(w, 0, sizeof(*w));
	w->pool = p;
	w->ctx = EVP_MD_CTX_new();
	/* page-aligned: the kernel's copy into a buffer 16 bytes off a
	 * page boundary (where malloc puts large blocks) costs about a
	 * tenth more */
	w->buf = aligned_alloc(4096, PASSPORT_READ_CHUNK);
	if (!w->ctx || !w->buf || pthread_mutex_init(&w->mp.lock, NULL))
		return -1;
	if (pthread_cond_init(&w->mp.cond, NULL)) {
		pthread_mutex_destroy(&w->mp.lock);
		return -1;
	}
	w->mp.synced = 1;
	w->mp.started = pthread_create(&w->mp.thread, NULL, mapper_main,
				       &w->mp) == 0;
	return 0;
}

static void worker_fini(struct worker *w)
{
	if (w->mp.started) {
		pthread_mutex_lock(&w->mp.lock);
		w->mp.quit = 1;
		pthread_cond_broadcast(&w->mp.cond);
		pthread_mutex_unlock(&w->mp.lock);
		pthread_join(w->mp.thread, NULL);
	}
	if (w->mp.synced) {
		pthread_cond_destroy(&w->mp.cond);
		pthread_mutex_destroy(&w->mp.lock);
	}
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
	if (o && o->begin) {
		uint64_t total = 0;
		size_t k;

		for (k = 0; k < n; k++)
			total += items[k]->size;
		o->begin(o->progress_arg, total, n, made);
	}
	bus_guard(1);
	for (i = 0; i < made; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0)
			break;
		running++;
	}
	if (running == 0)
		worker_main(&w[0]);	/* no threads at all: do it here */
	for (i = 0; i < running; i++)
		pthread_join(w[i].thread, NULL);
	bus_guard(0);
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
