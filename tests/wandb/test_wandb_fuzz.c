/* test_wandb_fuzz.c - hostile input: mutated, truncated and random .wandb
 * bytes.  The reader must never crash or over-read (run this under
 * valgrind or ASan: `make check` runs it plain, the valgrind target in
 * tests/wandb runs it again under memcheck), and must keep its
 * invariants; the appender must either refuse and leave the bytes alone
 * or leave a file that reads clean with an exit record.
 *
 * WANDB_FUZZ_ITERS (default 3000) and WANDB_FUZZ_SEED vary the run.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../include/tap.h"
#include "wandb/wandb_append.h"
#include "wandb/wandb_log.h"
#include "wandb/wandb_records.h"
#include "wandb/wandb_write.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct buf {
	uint8_t *p;
	size_t len;
};

static void add(struct buf *b, struct exl_wandb_blob rec)
{
	size_t n;
	uint8_t *f = rec.p ? exl_wandb_frame(b->len, rec.p, rec.len, &n) : NULL;

	if (!f)
		abort();
	b->p = realloc(b->p, b->len + n);
	memcpy(b->p + b->len, f, n);
	b->len += n;
	free(f);
	free(rec.p);
}

/* base_file: header, run, history rows and one record spanning blocks. */
static struct buf base_file(void)
{
	struct buf b = { malloc(EXL_WANDB_HEADER_LEN), EXL_WANDB_HEADER_LEN };
	char *big = malloc(40001);
	int i;

	memcpy(b.p, exl_wandb_file_header, EXL_WANDB_HEADER_LEN);
	memset(big, 'b', 40000);
	big[40000] = '\0';
	add(&b, exl_wandb_enc_header("fuzz"));
	add(&b, exl_wandb_enc_run("fz", "e", "p", "n", 1767225600, 0));
	for (i = 0; i < 40; i++)
		add(&b, exl_wandb_enc_history(i, "loss", "0.125", 0));
	add(&b, exl_wandb_enc_history(40, "blob", big, 0));
	for (i = 41; i < 60; i++)
		add(&b, exl_wandb_enc_history(i, "loss", "0.125", 0));
	free(big);
	return b;
}

/* mutate: 1 to 8 random edits of a copy of src. */
static struct buf mutate(const struct buf *src)
{
	struct buf b = { malloc(src->len + 4096), src->len };
	int n = 1 + (int)(rnd() % 8), i;

	memcpy(b.p, src->p, src->len);
	for (i = 0; i < n && b.len > 0; i++) {
		size_t at = (size_t)(rnd() % b.len), k, cnt;

		switch (rnd() % 6) {
		case 0:		/* flip bits */
			b.p[at] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1:		/* random byte */
			b.p[at] = (uint8_t)rnd();
			break;
		case 2:		/* truncate */
			b.len = at;
			break;
		case 3:		/* zero a range */
			cnt = (size_t)(rnd() % 200);
			for (k = at; k < b.len && k < at + cnt; k++)
				b.p[k] = 0;
			break;
		case 4:		/* random bytes over a chunk header's fields */
			for (k = at; k < b.len && k < at + 7; k++)
				b.p[k] = (uint8_t)rnd();
			break;
		default:	/* append garbage */
			cnt = (size_t)(rnd() % 64);
			for (k = 0; k < cnt; k++)
				b.p[b.len++] = (uint8_t)rnd();
			break;
		}
	}
	return b;
}

/* check: summarise b; invariants that must hold for any input. */
static int check(const struct buf *b, uint64_t max_records)
{
	struct exl_wandb_summary s;
	struct exl_err e;
	int good;

	if (exl_wandb_summarize_mem(b->p, b->len, &s, &e) < 0)
		return 0;
	good = s.log.valid_until <= s.log.size && s.log.size == b->len &&
	       s.records <= max_records + 64 &&
	       s.log.end <= EXL_WANDB_END_EMPTY &&
	       (s.log.end != EXL_WANDB_END_CLEAN ? s.log.nproblems > 0 :
		s.log.nproblems == (s.kinds[EXL_WK_UNDECODABLE] ? 1u : 0u)) &&
	       (s.log.end != EXL_WANDB_END_TORN ||
		s.log.tail_offset <= s.log.size);
	if (!good)
		diag("invariant broken: end %s size %llu valid %llu records %llu",
		     exl_wandb_end_name(s.log.end), (unsigned long long)s.log.size,
		     (unsigned long long)s.log.valid_until,
		     (unsigned long long)s.records);
	exl_wandb_summary_free(&s);
	return good;
}

/* check_append: write b to a file, finalize it; either untouched or a
 * clean file with an exit record afterwards. */
static int check_append(const struct buf *b, const char *path)
{
	struct exl_wandb_summary s;
	struct exl_err e;
	uint8_t *after;
	int fd, rc, good;
	ssize_t n;

	fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0600);
	if (fd < 0 || write(fd, b->p, b->len) != (ssize_t)b->len) {
		close(fd);
		return 0;
	}
	close(fd);
	rc = exl_wandb_append_exit(path, 3, 10, EXL_WANDB_REPAIR_TAIL, &e);
	if (rc < 0)
		return 0;
	if (rc != EXL_WANDB_APPENDED) {
		/* refused or already final: the bytes must be unchanged */
		after = malloc(b->len + 1);
		fd = open(path, O_RDONLY);
		n = read(fd, after, b->len + 1);
		close(fd);
		good = n == (ssize_t)b->len && memcmp(after, b->p, b->len) == 0;
		free(after);
		return good;
	}
	if (exl_wandb_summarize(path, &s, &e) < 0)
		return 0;
	good = s.log.end == EXL_WANDB_END_CLEAN && s.has_exit && s.exit_code == 3;
	exl_wandb_summary_free(&s);
	return good;
}

int main(void)
{
	const char *it = getenv("WANDB_FUZZ_ITERS"), *seed = getenv("WANDB_FUZZ_SEED");
	struct buf base = base_file(), b;
	int iters = it ? atoi(it) : 3000, i, bad = 0, bad_app = 0, trunc_bad = 0;
	char dir[] = "/tmp/exl-wfuzz-XXXXXX", path[80];
	struct exl_wandb_summary s;
	struct exl_err e;
	size_t cut;

	if (seed)
		rng = strtoull(seed, NULL, 0) | 1;
	diag("seed %#llx, %d iterations", (unsigned long long)rng, iters);
	ok(check(&base, 62), "base file reads");
	ok(exl_wandb_summarize_mem(base.p, base.len, &s, &e) == 0 &&
	   s.records == 62 && s.log.end == EXL_WANDB_END_CLEAN, "base file: 62 records");
	exl_wandb_summary_free(&s);

	/* every truncation: clean (at a record end) or torn, never corrupt */
	for (cut = 0; cut < base.len; cut += cut < 4096 ? 1 : 97) {
		b.p = base.p;
		b.len = cut;
		if (exl_wandb_summarize_mem(b.p, b.len, &s, &e) < 0 ||
		    s.log.end == EXL_WANDB_END_CORRUPT || !check(&b, 62))
			trunc_bad++;
		exl_wandb_summary_free(&s);
	}
	is_int(trunc_bad, 0, "truncation anywhere is never reported as corruption");

	for (i = 0; i < iters; i++) {
		b = mutate(&base);
		if (!check(&b, 62))
			bad++;
		free(b.p);
	}
	is_int(bad, 0, "%d mutated files: no crash, invariants hold", iters);

	bad = 0;
	for (i = 0; i < iters / 4; i++) {
		size_t k, n = (size_t)(rnd() % 70000);

		b.p = malloc(n + EXL_WANDB_HEADER_LEN);
		b.len = n + EXL_WANDB_HEADER_LEN;
		memcpy(b.p, exl_wandb_file_header, EXL_WANDB_HEADER_LEN);
		for (k = 0; k < n; k++)
			b.p[EXL_WANDB_HEADER_LEN + k] = (uint8_t)rnd();
		if (!check(&b, b.len / 7))
			bad++;
		free(b.p);
	}
	is_int(bad, 0, "%d random files with a valid header: no crash", iters / 4);

	ok(mkdtemp(dir) != NULL, "temp dir");
	for (i = 0; i < iters / 10; i++) {
		/* a new name each time: a repair leaves a .torn-N file */
		snprintf(path, sizeof(path), "%s/run-fz%d.wandb", dir, i);
		b = mutate(&base);
		if (!check_append(&b, path))
			bad_app++;
		free(b.p);
	}
	is_int(bad_app, 0, "%d mutated files: append refuses or ends clean",
	       iters / 10);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("couldn't remove %s", dir);
	}
	free(base.p);
	return done_testing();
}
