/* test_wandb_log.c - the .wandb framing reader and the record decoder on
 * files built by our own writer (01-python-cross.t checks the same code
 * against files built by the independent Python producer). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "sized.h"
#include "wandb/wandb_log.h"
#include "wandb/wandb_names.h"
#include "wandb/wandb_records.h"
#include "wandb/wandb_write.h"

/* A file built in memory, record by record. */
struct mfile {
	uint8_t *p;
	size_t len;
	size_t rec_off[64];	/* where each record's chunks start */
	int nrec;
};

static void mf_init(struct mfile *m)
{
	memset(m, 0, sizeof(*m));
	m->p = malloc(EXL_WANDB_HEADER_LEN);
	memcpy(m->p, exl_wandb_file_header, EXL_WANDB_HEADER_LEN);
	m->len = EXL_WANDB_HEADER_LEN;
}

/* mf_add: frame a record (freed) and append it. */
static void mf_add(struct mfile *m, struct exl_wandb_blob rec)
{
	size_t n, pad;
	uint8_t *f = rec.p ? exl_wandb_frame(m->len, rec.p, rec.len, &n) : NULL;

	if (!f)
		abort();
	/* the record starts after any padding the frame begins with */
	pad = EXL_WANDB_BLOCK_LEN - m->len % EXL_WANDB_BLOCK_LEN;
	if (m->nrec < 64)
		m->rec_off[m->nrec++] = m->len + (pad < 7 ? pad : 0);
	m->p = realloc(m->p, m->len + n);
	memcpy(m->p + m->len, f, n);
	m->len += n;
	free(f);
	free(rec.p);
}

static void mf_run(struct mfile *m, const char *id)
{

	mf_add(m, exl_wandb_enc_header("test"));
	mf_add(m, exl_wandb_enc_run(id, "ent", "proj", "name", 1767225600, 0));
}

static void mf_history(struct mfile *m, int64_t step)
{

	mf_add(m, exl_wandb_enc_history(step, "loss", "0.5", 0));
}

static int summarize(const struct mfile *m, struct exl_wandb_summary *s)
{
	struct exl_err e;
	int rc = exl_wandb_summarize_mem(m->p, m->len, s, &e);

	if (rc < 0)
		diag("summarize: %s", e.text);
	return rc;
}

static void test_well_formed(void)
{
	struct exl_wandb_summary s;
	struct mfile m;
	int i;

	mf_init(&m);
	mf_run(&m, "abc123");
	for (i = 0; i < 10; i++)
		mf_history(&m, i * 10);
	mf_add(&m, exl_wandb_enc_exit(3, 120, 0));
	mf_add(&m, exl_wandb_enc_final(0));
	ok(summarize(&m, &s) == 0, "well-formed: summarize");
	is_str(exl_wandb_end_name(s.log.end), "clean", "well-formed: clean");
	is_int(s.records, 14, "well-formed: 14 records");
	is_str(s.run_id, "abc123", "well-formed: run id");
	is_str(s.entity, "ent", "well-formed: entity");
	is_str(s.project, "proj", "well-formed: project");
	is_str(s.display_name, "name", "well-formed: display name");
	is_str(s.producer, "test", "well-formed: producer from header");
	is_int(s.start_time, 1767225600, "well-formed: start time");
	ok(s.has_exit && s.exit_code == 3 && s.runtime_s == 120,
	   "well-formed: exit code and runtime");
	is_str(exl_wandb_run_state(&s), "failed", "well-formed: nonzero exit is failed");
	ok(s.has_step && s.last_step == 90, "well-formed: last step 90");
	is_int(s.kinds[EXL_WK_HISTORY], 10, "well-formed: 10 history records");
	ok(s.has_final, "well-formed: final record");
	is_int(s.log.valid_until, m.len, "well-formed: valid to the end");
	is_int(s.log.nproblems, 0, "well-formed: no problems");
	exl_wandb_summary_free(&s);
	free(m.p);
}

static void test_truncated_tail(void)
{
	struct exl_wandb_summary s;
	struct mfile m;
	size_t cut, full;

	mf_init(&m);
	mf_run(&m, "t1");
	mf_history(&m, 1);
	mf_history(&m, 2);
	full = m.len;
	/* cut inside the last chunk's payload, then inside its header */
	for (cut = 1; cut <= 12; cut += 11) {
		m.len = full - cut;
		ok(summarize(&m, &s) == 0, "truncated by %zu: summarize", cut);
		is_str(exl_wandb_end_name(s.log.end), "torn",
		       "truncated by %zu: torn tail", cut);
		is_int(s.log.tail_offset, m.rec_off[3],
		       "truncated by %zu: tail starts at the last record", cut);
		is_int(s.log.valid_until, m.rec_off[3],
		       "truncated by %zu: valid until the last record", cut);
		ok(s.has_step && s.last_step == 1, "truncated by %zu: step 1 kept", cut);
		ok(s.log.nproblems == 1 &&
		   strstr(s.log.problems[0], "incomplete tail at offset"),
		   "truncated by %zu: reported: %s", cut, s.log.problems[0]);
		exl_wandb_summary_free(&s);
	}
	free(m.p);
}

static void test_corrupt_middle(void)
{
	struct exl_wandb_summary s;
	struct mfile m;
	int i;

	mf_init(&m);
	mf_run(&m, "c1");
	for (i = 0; i < 5; i++)
		mf_history(&m, i);
	/* flip a payload byte of the record at index 3 (step 1) */
	m.p[m.rec_off[3] + EXL_WANDB_CHUNK_HDR + 1] ^= 0x40;
	ok(summarize(&m, &s) == 0, "corrupt crc: summarize");
	is_str(exl_wandb_end_name(s.log.end), "corrupt", "corrupt crc: corrupt");
	is_int(s.records, 6, "corrupt crc: the other 6 records read");
	ok(s.has_step && s.last_step == 4, "corrupt crc: later steps read");
	is_int(s.log.corrupt, 1, "corrupt crc: one damaged region");
	ok(s.log.nproblems == 1 && strstr(s.log.problems[0], "bad checksum"),
	   "corrupt crc: problem names the checksum: %s", s.log.problems[0]);
	{
		char want[64];

		snprintf(want, sizeof(want), "offset %zu ", m.rec_off[3]);
		ok(strstr(s.log.problems[0], want) != NULL,
		   "corrupt crc: problem names offset %zu", m.rec_off[3]);
	}
	exl_wandb_summary_free(&s);

	/* damage in the length field: the rest of the block is dropped */
	m.p[m.rec_off[3] + EXL_WANDB_CHUNK_HDR + 1] ^= 0x40;
	m.p[m.rec_off[3] + 5] = 0x7f;
	ok(summarize(&m, &s) == 0, "bad length: summarize");
	is_str(exl_wandb_end_name(s.log.end), "corrupt",
	       "bad length: intact records follow, so not a torn tail");
	is_int(s.records, 3, "bad length: records before the damage read");
	exl_wandb_summary_free(&s);
	free(m.p);
}

static void test_bad_header(void)
{
	static const uint8_t magic[] = { ':', 'W', '&', 'B', 0xe1, 0xbf, 0 };
	static const uint8_t ver[] = { ':', 'W', '&', 'B', 0xe1, 0xbe, 1 };
	struct exl_wandb_summary s;
	struct mfile m;

	mf_init(&m);
	mf_run(&m, "h1");
	m.p[0] = 'X';
	ok(summarize(&m, &s) == 0, "wrong ident: summarize");
	is_str(exl_wandb_end_name(s.log.end), "bad-header", "wrong ident: bad header");
	is_int(s.records, 0, "wrong ident: nothing read");
	is_str(exl_wandb_run_state(&s), "unreadable", "wrong ident: unreadable");
	exl_wandb_summary_free(&s);
	memcpy(m.p, magic, 7);
	summarize(&m, &s);
	ok(s.log.end == EXL_WANDB_END_BAD_HEADER &&
	   strstr(s.log.problems[0], "magic"), "wrong magic: %s", s.log.problems[0]);
	exl_wandb_summary_free(&s);
	memcpy(m.p, ver, 7);
	summarize(&m, &s);
	ok(s.log.end == EXL_WANDB_END_BAD_HEADER &&
	   strstr(s.log.problems[0], "version 1"), "wrong version: %s",
	   s.log.problems[0]);
	exl_wandb_summary_free(&s);
	m.len = 4;
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_BAD_HEADER,
	   "short header: bad header");
	exl_wandb_summary_free(&s);
	m.len = 1;
	ok(summarize(&m, &s) == 0 && s.log.nproblems == 1 &&
	   strcmp(s.log.problems[0], "incomplete header (1 byte)") == 0,
	   "one-byte file: '1 byte', singular: %s", s.log.problems[0]);
	exl_wandb_summary_free(&s);
	m.len = 0;
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_EMPTY,
	   "empty file: empty");
	exl_wandb_summary_free(&s);
	m.len = 7;
	memcpy(m.p, exl_wandb_file_header, 7);
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CLEAN &&
	   s.records == 0, "header only: clean, no records");
	exl_wandb_summary_free(&s);
	free(m.p);
}

/* chunk_at: type and length of the chunk header at off. */
static void chunk_at(const struct mfile *m, size_t off, int *type, int *len)
{
	*len = m->p[off + 4] | m->p[off + 5] << 8;
	*type = m->p[off + 6];
}

static void test_multi_block(void)
{
	struct exl_wandb_summary s;
	struct mfile m;
	size_t big = 100000, off;
	char *v = malloc(big + 3);
	int type, clen, middles = 0;

	memset(v, 'q', big + 2);
	v[0] = v[big + 1] = '"';
	v[big + 2] = '\0';
	mf_init(&m);
	mf_run(&m, "m1");
	mf_add(&m, exl_wandb_enc_history(7, "blob", v, 0));
	mf_history(&m, 8);
	chunk_at(&m, m.rec_off[2], &type, &clen);
	is_int(type, EXL_WANDB_FIRST, "multi-block: record starts with FIRST");
	is_int(m.rec_off[2] + 7 + (size_t)clen, EXL_WANDB_BLOCK_LEN,
	       "multi-block: FIRST fills block 0");
	for (off = EXL_WANDB_BLOCK_LEN;; off += EXL_WANDB_BLOCK_LEN) {
		chunk_at(&m, off, &type, &clen);
		if (type != EXL_WANDB_MIDDLE)
			break;
		middles++;
		is_int(clen, EXL_WANDB_BLOCK_LEN - 7, "multi-block: MIDDLE is a full block");
	}
	is_int(middles, 2, "multi-block: two MIDDLE chunks");
	is_int(type, EXL_WANDB_LAST, "multi-block: then LAST");
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CLEAN,
	   "multi-block: clean");
	ok(s.records == 4 && s.last_step == 8, "multi-block: all records read");
	exl_wandb_summary_free(&s);

	/* lose the middle of the big record: it is skipped, the rest reads */
	m.p[EXL_WANDB_BLOCK_LEN + 100] ^= 1;
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CORRUPT,
	   "multi-block damaged: corrupt");
	ok(s.records == 3 && s.last_step == 8,
	   "multi-block damaged: the record after it still read");
	is_int(s.log.skipped, m.rec_off[3] - m.rec_off[2],
	       "multi-block damaged: exactly the big record skipped");
	exl_wandb_summary_free(&s);
	free(m.p);
	free(v);
}

/* fill_to: add a history record so that exactly left bytes remain in the
 * block afterwards. */
static void fill_to(struct mfile *m, size_t left)
{
	mf_add(m, history_of_size(EXL_WANDB_BLOCK_LEN - m->len % EXL_WANDB_BLOCK_LEN -
				  7 - left));
}

static void test_boundaries(void)
{
	struct exl_wandb_summary s;
	struct mfile m;
	int type, clen;

	/* exactly 7 bytes left: a zero-length FIRST there, LAST after */
	mf_init(&m);
	mf_run(&m, "b7");
	fill_to(&m, 7);
	is_int(m.len, EXL_WANDB_BLOCK_LEN - 7, "7 left: filler ends 7 before the block end");
	mf_history(&m, 5);
	chunk_at(&m, EXL_WANDB_BLOCK_LEN - 7, &type, &clen);
	ok(type == EXL_WANDB_FIRST && clen == 0, "7 left: zero-length FIRST");
	chunk_at(&m, EXL_WANDB_BLOCK_LEN, &type, &clen);
	is_int(type, EXL_WANDB_LAST, "7 left: LAST in the next block");
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CLEAN &&
	   s.last_step == 5, "7 left: reads clean");
	exl_wandb_summary_free(&s);
	free(m.p);

	/* an empty record with exactly 7 bytes left is a FULL chunk */
	mf_init(&m);
	mf_run(&m, "b7e");
	fill_to(&m, 7);
	mf_add(&m, (struct exl_wandb_blob){ calloc(1, 1), 0 });
	chunk_at(&m, EXL_WANDB_BLOCK_LEN - 7, &type, &clen);
	ok(type == EXL_WANDB_FULL && clen == 0, "7 left, empty record: FULL");
	is_int(m.len, EXL_WANDB_BLOCK_LEN, "7 left, empty record: block filled");
	free(m.p);

	/* 3 bytes left: zero padding, the record starts the next block */
	mf_init(&m);
	mf_run(&m, "b3");
	fill_to(&m, 3);
	mf_history(&m, 6);
	ok(m.p[EXL_WANDB_BLOCK_LEN - 3] == 0 && m.p[EXL_WANDB_BLOCK_LEN - 1] == 0,
	   "3 left: zero padding");
	chunk_at(&m, EXL_WANDB_BLOCK_LEN, &type, &clen);
	is_int(type, EXL_WANDB_FULL, "3 left: FULL at the next block");
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CLEAN &&
	   s.last_step == 6, "3 left: reads clean");
	exl_wandb_summary_free(&s);
	/* the file may end inside the padding (nothing written after it) */
	m.len = EXL_WANDB_BLOCK_LEN - 1;
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CLEAN,
	   "ends inside padding: clean");
	exl_wandb_summary_free(&s);
	free(m.p);

	/* a record that exactly fills the block leaves no padding */
	mf_init(&m);
	mf_run(&m, "b0");
	fill_to(&m, 0);
	is_int(m.len, EXL_WANDB_BLOCK_LEN, "0 left: block exactly full");
	mf_add(&m, exl_wandb_enc_exit(0, 1, 0));
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CLEAN &&
	   s.has_exit, "0 left: next record in block 1 reads");
	exl_wandb_summary_free(&s);
	free(m.p);
}

static void test_zero_tail_and_garbage(void)
{
	struct exl_wandb_summary s;
	struct mfile m;
	size_t good;

	/* a crash can leave zeros after the last record (delayed allocation) */
	mf_init(&m);
	mf_run(&m, "z1");
	mf_history(&m, 1);
	good = m.len;
	m.p = realloc(m.p, good + 500);
	memset(m.p + good, 0, 500);
	m.len = good + 500;
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_TORN &&
	   s.log.tail_offset == good, "zeros after the last record: torn tail");
	exl_wandb_summary_free(&s);
	/* garbage that is not zero and does not reach EOF: corrupt */
	memset(m.p + good, 0, 500);
	m.p[good + 6] = 9;	/* chunk type 9, length 0 */
	m.p[good + 100] = 1;
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CORRUPT,
	   "garbage after the last record: corrupt");
	is_int(s.log.valid_until, good, "garbage: valid until the last record");
	exl_wandb_summary_free(&s);
	free(m.p);
}

static void test_orphans_and_nums(void)
{
	struct exl_wandb_summary s;
	struct mfile m;

	mf_init(&m);
	mf_run(&m, "o1");
	mf_add(&m, exl_wandb_enc_history(1, "a", "1", 41));
	mf_add(&m, exl_wandb_enc_history(2, "a", "1", 42));
	ok(summarize(&m, &s) == 0 && s.last_num == 42, "Record.num tracked");
	exl_wandb_summary_free(&s);
	/* turn the FULL chunk of record 2 into a LAST: an orphan */
	{
		size_t off = m.rec_off[2];
		int clen = m.p[off + 4] | m.p[off + 5] << 8;
		uint32_t crc = exl_wandb_chunk_crc(EXL_WANDB_LAST, m.p + off + 7,
						   (size_t)clen);

		m.p[off + 6] = EXL_WANDB_LAST;
		m.p[off] = (uint8_t)crc;
		m.p[off + 1] = (uint8_t)(crc >> 8);
		m.p[off + 2] = (uint8_t)(crc >> 16);
		m.p[off + 3] = (uint8_t)(crc >> 24);
	}
	ok(summarize(&m, &s) == 0 && s.log.end == EXL_WANDB_END_CORRUPT &&
	   s.last_step == 2, "orphan LAST: skipped as damage, next record read");
	exl_wandb_summary_free(&s);
	free(m.p);
}

static void test_staged(void)
{
	static const char *const paths[] = {
		"/scratch/u/wandb_data/artifacts/staging/tmpab12",
		"/home/u/model.pt",	/* not in staging: ignored */
		"relative/artifacts/staging/x",	/* not absolute: ignored */
	};
	struct exl_wandb_summary s;
	struct mfile m;

	mf_init(&m);
	mf_run(&m, "s1");
	mf_add(&m, exl_wandb_enc_artifact("ckpt", paths, 3));
	ok(summarize(&m, &s) == 0 && s.kinds[EXL_WK_ARTIFACT] == 1,
	   "artifact record counted");
	ok(s.nstaged == 1 && !strcmp(s.staged[0], paths[0]),
	   "only the absolute staging path is kept");
	exl_wandb_summary_free(&s);
	free(m.p);
}

static void test_writer_file(void)
{
	char dir[] = "/tmp/exl-wandb-XXXXXX", path[64];
	struct exl_wandb_summary s;
	struct exl_wandb_writer *w;
	struct exl_err e;

	ok(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/run-w1.wandb", dir);
	w = exl_wandb_writer_create(path, &e);
	ok(w != NULL, "writer: create");
	ok(exl_wandb_writer_take(w, exl_wandb_enc_header("t"), &e) == 0 &&
	   exl_wandb_writer_take(w, exl_wandb_enc_run("w1", "e", "p", NULL, 5, 0), &e) == 0,
	   "writer: header and run");
	ok(exl_wandb_writer_take(w, (struct exl_wandb_blob){ NULL, 0 }, &e) < 0, "writer: NULL record refused");
	ok(exl_wandb_writer_close(w, &e) == 0, "writer: close");
	ok(exl_wandb_writer_create(path, &e) == NULL, "writer: never overwrites");
	ok(exl_wandb_summarize(path, &s, &e) == 0 && s.records == 2 &&
	   !strcmp(s.run_id, "w1") && s.log.end == EXL_WANDB_END_CLEAN,
	   "writer: file reads back");
	exl_wandb_summary_free(&s);
	unlink(path);
	rmdir(dir);
}

/* run directory names: mode, local time and id */
static void test_dir_names(void)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 2, .tm_mday = 11,
			 .tm_hour = 14, .tm_min = 2, .tm_sec = 9, .tm_isdst = -1 };
	const char *id = NULL;
	time_t when = 0;

	ok(exl_wandb_dir_kind("offline-run-20260311_140209-abc1", &when, &id) == 1 &&
	   when == mktime(&tm) && strcmp(id, "abc1") == 0,
	   "dir name: offline run, local time, id");
	ok(exl_wandb_dir_kind("run-20260311_140209-x-2", NULL, &id) == 0 &&
	   strcmp(id, "x-2") == 0, "dir name: online run");
	ok(exl_wandb_dir_kind("run-20261311_140209-x", &when, NULL) < 0 &&
	   exl_wandb_dir_kind("run-20260311_240209-x", &when, NULL) < 0 &&
	   exl_wandb_dir_kind("run-2026031a_140209-x", &when, NULL) < 0 &&
	   exl_wandb_dir_kind("run-20260311_140209-", &when, NULL) < 0 &&
	   exl_wandb_dir_kind("latest-run", &when, NULL) < 0,
	   "dir name: bad dates and shapes refused");
}

int main(void)
{
	test_dir_names();
	test_well_formed();
	test_truncated_tail();
	test_corrupt_middle();
	test_bad_header();
	test_multi_block();
	test_boundaries();
	test_zero_tail_and_garbage();
	test_orphans_and_nums();
	test_staged();
	test_writer_file();
	return done_testing();
}
