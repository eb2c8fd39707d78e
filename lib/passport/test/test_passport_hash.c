/* Unit tests: parallel hashing - known answers, chunk boundaries, jobs,
 * progress, and files that change, vanish or get swapped meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "passport_fixture.h"
#include "passport/passport_hash.h"
#include "passport/passport_map.h"
#include "util/sha256file.h"
#include "tap.h"

#define MiB (1u << 20)
/* the bytes of a full ring of the reader thread */
#define RING_BYTES (PASSPORT_RING * PASSPORT_READ_CHUNK)
#define A16MIB1 "422a9e5e816110dadfa124eb2cf93a83fba87ab1cf10596fd9c4037aa6891503"

/* scan_and_hash: scan the scratch tree and hash all regular files. */
static long scan_and_hash(struct passport_list *l, unsigned jobs,
			  const struct passport_hash_opts *o0)
{
	struct passport_hash_opts o = { .jobs = jobs };
	struct passport_entry *todo[64];
	struct exl_err err;
	size_t i, n = 0;
	long rc;
	int fd = open(fx_root, O_RDONLY | O_DIRECTORY);

	if (o0)
		o = *o0;
	if (passport_scan(fd, fx_root, l, &err) < 0) {
		diag("%s", err.text);
		close(fd);
		return -2;
	}
	for (i = 0; i < l->n && n < 64; i++)
		if (l->v[i].kind == PASSPORT_REG)
			todo[n++] = &l->v[i];
	rc = passport_hash_entries(fd, todo, n, &o, &err);
	close(fd);
	return rc;
}

static const char *sha_of(struct passport_list *l, const char *path)
{
	const struct passport_entry *e = passport_list_find(l, path);

	return e ? (e->error ? e->error : e->sha256) : "(absent)";
}

static void known_answers(void)
{
	static const struct { const char *name, *sha, *what; } kat[] = {
		{ "empty", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		  "the empty file" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		  "'abc' (FIPS 180-2)" },
		{ "abc448", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		  "the 448-bit message (FIPS 180-2)" },
		{ "a1m", "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		  "a million 'a' (FIPS 180-2)" },
		{ "a3mib", "6f850bc94ae6f7de14297c01616c36d712d22864497b28a63b81d776b035e656",
		  "3 MiB of 'a' (three chunks)" },
		{ "a16mib1", A16MIB1,
		  "16 MiB + 1 of 'a' (chunks read ahead)" },
	};
	struct passport_list l;
	char *a3 = malloc(16 * MiB + 1);
	size_t i;

	fx_clean();
	memset(a3, 'a', 16 * MiB + 1);
	fx_write_str("empty", "");
	fx_write_str("abc", "abc");
	fx_write_str("abc448",
		     "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
	fx_write("a1m", a3, 1000000);
	fx_write("a3mib", a3, 3 * MiB);
	fx_write("a16mib1", a3, 16 * MiB + 1);
	free(a3);
	is_int(scan_and_hash(&l, 2, NULL), 0, "known answers hashed");
	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++)
		is_str(sha_of(&l, kat[i].name), kat[i].sha, "sha256 of %s",
		       kat[i].what);
	passport_list_free(&l);
}

struct counts {
	atomic_ullong bytes;
	atomic_uint files;
	uint64_t begin_bytes;
	size_t begin_files;
	unsigned begin_jobs;
};

static void count_begin(void *arg, uint64_t bytes, size_t files, unsigned jobs)
{
	struct counts *c = arg;

	c->begin_bytes = bytes;
	c->begin_files = files;
	c->begin_jobs = jobs;
}

static void count_progress(void *arg, uint64_t bytes, unsigned files)
{
	struct counts *c = arg;

	atomic_fetch_add(&c->bytes, bytes);
	atomic_fetch_add(&c->files, files);
}

/* boundaries: sizes around the read, chunk and ring thresholds agree
 * with the plain one-thread exl_sha256_file, for 1 and 4 workers. */
static void boundaries(void)
{
	static const size_t sizes[] = {
		1, PASSPORT_LARGE_MIN - 1, PASSPORT_LARGE_MIN, PASSPORT_LARGE_MIN + 1,
		PASSPORT_READ_CHUNK - 1, PASSPORT_READ_CHUNK + 1,
		RING_BYTES - 1, RING_BYTES, RING_BYTES + 1,
		2 * RING_BYTES - 1, 2 * RING_BYTES,
		3 * RING_BYTES + 123,
	};
	struct counts c = { 0 };
	struct passport_hash_opts o = { .jobs = 4, .begin = count_begin,
					.progress = count_progress,
					.progress_arg = &c };
	struct passport_list l1, l4;
	uint64_t total = 0;
	size_t i;

	fx_clean();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char name[32];

		snprintf(name, sizeof(name), "f%zu", i);
		fx_write_pattern(name, sizes[i], (unsigned)i + 1);
		total += sizes[i];
	}
	is_int(scan_and_hash(&l1, 1, NULL), 0, "one worker");
	is_int(scan_and_hash(&l4, 4, &o), 0, "four workers");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char name[32], want[EXL_SHA256_HEX];

		snprintf(name, sizeof(name), "f%zu", i);
		if (exl_sha256_file(fx(name), want, NULL) < 0)
			want[0] = '\0';
		is_str(sha_of(&l1, name), want, "%zu bytes, one worker", sizes[i]);
		is_str(sha_of(&l4, name), want, "%zu bytes, four workers", sizes[i]);
	}
	is_int(c.begin_bytes, total, "begin: total bytes announced");
	is_int(c.begin_files, 12, "begin: file count announced");
	is_int(c.begin_jobs, 4, "begin: workers announced");
	is_int(atomic_load(&c.bytes), total, "progress adds up to every byte");
	is_int(atomic_load(&c.files), 12, "progress counts every file");
	passport_list_free(&l1);
	passport_list_free(&l4);
}

/* The file to tamper with from inside the progress callback. */
struct tamper {
	const char *path;
	int mode;		/* 0: append, 1: older mtime, 2: cut short */
	atomic_int done;
};

static void tamper_progress(void *arg, uint64_t bytes, unsigned files)
{
	struct tamper *t = arg;
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	int fd;

	if (!bytes || files || atomic_exchange(&t->done, 1))
		return;
	fd = open(t->path, O_WRONLY | O_APPEND);
	if (fd < 0)
		return;
	if (t->mode == 0) {
		if (write(fd, "more", 4) != 4)
			diag("append failed");
	} else if (t->mode == 1) {
		if (futimens(fd, old) < 0)
			diag("futimens failed");
	} else if (ftruncate(fd, MiB) < 0) {
		diag("ftruncate failed");
	}
	close(fd);
}

/* changing_files: a file appended to, touched, or cut short (a short
 * read) while it is hashed, small and large. */
static void changing_files(void)
{
	static const char *const how[] = { "appended", "touched", "cut short" };
	static const size_t sizes[] = { 2 * MiB, 3 * RING_BYTES };
	struct tamper t = { 0 };
	struct passport_hash_opts o = { .jobs = 1, .progress = tamper_progress,
					.progress_arg = &t };
	struct passport_list l;
	size_t k;
	int mode;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (mode = 0; mode < 3; mode++) {
			fx_clean();
			fx_write_pattern("changing", sizes[k], 7);
			t.path = fx("changing");
			t.mode = mode;
			atomic_store(&t.done, 0);
			is_int(scan_and_hash(&l, 1, &o), 1, "%zu MiB %s: one failure",
			       sizes[k] / MiB, how[mode]);
			ok(strstr(sha_of(&l, "changing"), "changed while hashed") != NULL,
			   "%zu MiB %s while hashed: reported", sizes[k] / MiB,
			   how[mode]);
			diag("%s", sha_of(&l, "changing"));
			ok(passport_list_find(&l, "changing")->sha256[0] == '\0',
			   "no hash recorded for a changed file");
			passport_list_free(&l);
		}
	}
	fx_write_pattern("after", 3 * RING_BYTES, 8);
	is_int(scan_and_hash(&l, 1, NULL), 0, "the pool works on after a file cut short");
	passport_list_free(&l);
}

static void vanishing_files(void)
{
	struct passport_hash_opts o = { .jobs = 2 };
	struct passport_entry *todo[3];
	struct passport_list l;
	struct exl_err err;
	int fd;

	fx_clean();
	fx_write_str("gone", "x");
	fx_write_str("swapped", "first");
	fx_write_str("linked", "y");
	fd = open(fx_root, O_RDONLY | O_DIRECTORY);
	ok(passport_scan(fd, fx_root, &l, &err) == 0, "scan");
	unlink(fx("gone"));
	fx_write_str("swapped.new", "other");
	rename(fx("swapped.new"), fx("swapped"));
	unlink(fx("linked"));
	ok(symlink("swapped", fx("linked")) == 0, "file replaced by a link");
	todo[0] = passport_list_find(&l, "gone");
	todo[1] = passport_list_find(&l, "swapped");
	todo[2] = passport_list_find(&l, "linked");
	is_int(passport_hash_entries(fd, todo, 3, &o, &err), 3, "three failures");
	is_str(todo[0]->error, "couldn't open: No such file or directory",
	       "vanished file");
	ok(strstr(todo[1]->error, "replaced") != NULL, "swapped file noticed");
	is_str(todo[2]->error, "is now a symlink (not followed)",
	       "symlink planted after the scan is not followed");
	passport_list_free(&l);
	close(fd);
}

/* evicted: drop name's pages from the page cache (fdatasync, then
 * POSIX_FADV_DONTNEED: no root needed); 1 when at most a tenth of them
 * stayed, 0 where the filesystem keeps them (tmpfs), -1 on error. */
static int evicted(const char *name, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = (len + (size_t)page - 1) / (size_t)page, k, in = 0;
	unsigned char *vec = malloc(pages);
	void *m = MAP_FAILED;
	int fd = open(fx(name), O_RDONLY), rc = -1;

	if (fd >= 0 && vec && fdatasync(fd) == 0 &&
	    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0)
		m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED && mincore(m, len, vec) == 0) {
		for (k = 0; k < pages; k++)
			in += vec[k] & 1;
		rc = in <= pages / 10;
	}
	if (m != MAP_FAILED)
		munmap(m, len);
	if (fd >= 0)
		close(fd);
	free(vec);
	return rc;
}

/* cold_files: files on disk, not in the page cache, while every CPU
 * hashes: their windows are not mapped but read (a window is judged by
 * its pages' residency), lengths on and off the chunk and window
 * boundaries, and the digests are those of a plain read. */
static void cold_files(void)
{
	static const size_t sizes[] = {
		2 * PASSPORT_READ_CHUNK, 2 * PASSPORT_READ_CHUNK + 1,
		3 * RING_BYTES + 123, PASSPORT_MAP_WINDOW + 4097,
		2 * PASSPORT_MAP_WINDOW + 5,
	};
	char want[5][EXL_SHA256_HEX], name[32];
	struct passport_list l;
	size_t i, n = sizeof(sizes) / sizeof(sizes[0]);
	int cold = 1;

	fx_clean();
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "c%zu", i);
		fx_write_pattern(name, sizes[i], (unsigned)i + 40);
		if (exl_sha256_file(fx(name), want[i], NULL) < 0)
			want[i][0] = '\0';
	}
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "c%zu", i);
		if (evicted(name, sizes[i]) != 1)
			cold = 0;
	}
	if (!cold) {
		ok(1, "cold files # SKIP this filesystem keeps their pages");
		return;
	}
	is_int(scan_and_hash(&l, 2, NULL), 0, "cold files hashed");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "c%zu", i);
		is_str(sha_of(&l, name), want[i], "%zu bytes read cold",
		       sizes[i]);
	}
	passport_list_free(&l);
}

static void default_jobs(void)
{
	cpu_set_t set;
	unsigned cpus = 1;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		cpus = (unsigned)CPU_COUNT(&set);
	unsetenv("SLURM_CPUS_ON_NODE");
	is_int(passport_default_jobs(), cpus, "default: CPUs we may run on");
	setenv("SLURM_CPUS_ON_NODE", "1", 1);
	is_int(passport_default_jobs(), 1, "the Slurm allocation bounds it");
	setenv("SLURM_CPUS_ON_NODE", "100000", 1);
	is_int(passport_default_jobs(), cpus, "never more than the CPU affinity");
	setenv("SLURM_CPUS_ON_NODE", "2x", 1);
	is_int(passport_default_jobs(), cpus, "garbage in the variable ignored");
	unsetenv("SLURM_CPUS_ON_NODE");
}

int main(void)
{
	if (fx_start() < 0)
		return 1;
	known_answers();
	boundaries();
	changing_files();
	/* one CPU: every worker always finds the CPUs busy, so large files
	 * go through pread() in the worker, never the reader */
	if (setenv("SLURM_CPUS_ON_NODE", "1", 1) == 0) {
		diag("SLURM_CPUS_ON_NODE=1: the read path");
		boundaries();
		changing_files();
		/* and files read cold, from disk */
		cold_files();
		unsetenv("SLURM_CPUS_ON_NODE");
	}
	vanishing_files();
	default_jobs();
	fx_finish();
	return done_testing();
}
