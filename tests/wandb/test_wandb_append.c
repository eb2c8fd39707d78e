/* test_wandb_append.c - exl_wandb_append_exit and exl_wandb_finalize_dir:
 * what they append, and every case where they must leave a file alone. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../include/tap.h"
#include "util/fileio.h"
#include "sized.h"
#include "wandb/wandb_append.h"
#include "wandb/wandb_log.h"
#include "wandb/wandb_records.h"
#include "wandb/wandb_write.h"

static char tmp[64];

static char *tpath(const char *name)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, name);
	return buf[i];
}

/* mkfile: a run file with steps history rows, optionally an exit; num
 * numbers the records (0: unset).  Returns its size. */
static long mkfile(const char *path, int steps, int with_exit, int64_t num,
		   time_t start)
{
	struct exl_err e;
	struct exl_wandb_writer *w = exl_wandb_writer_create(path, &e);
	long size;
	int i, rc = 0;

	if (!w) {
		diag("%s", e.text);
		return -1;
	}
	rc |= exl_wandb_writer_take(w, exl_wandb_enc_header("t"), &e);
	rc |= exl_wandb_writer_take(w, exl_wandb_enc_run("r1", "ent", "proj", NULL,
							 start, num), &e);
	for (i = 0; i < steps; i++)
		rc |= exl_wandb_writer_take(w, exl_wandb_enc_history(i, "loss", "1.5",
								     num ? num + 1 + i : 0),
					    &e);
	if (with_exit)
		rc |= exl_wandb_writer_take(w, exl_wandb_enc_exit(0, 10, 0), &e);
	size = (long)exl_wandb_writer_size(w);
	if (exl_wandb_writer_close(w, &e) < 0 || rc) {
		diag("%s: %s", path, e.text);
		return -1;
	}
	return size;
}

static char *slurp(const char *path, size_t *len)
{
	struct exl_err e;
	char *buf = NULL;

	if (exl_read_file(path, 1 << 26, &buf, len, &e) < 0)
		diag("%s", e.text);
	return buf;
}

/* same_bytes: the file still holds exactly before[0..len). */
static int same_bytes(const char *path, const char *before, size_t len)
{
	size_t n;
	char *now = slurp(path, &n);
	int same = now && n == len && memcmp(now, before, len) == 0;

	free(now);
	return same;
}

static int append(const char *path, int code, int runtime, unsigned flags,
		  struct exl_err *e)
{
	memset(e, 0, sizeof(*e));
	return exl_wandb_append_exit(path, code, runtime, flags, e);
}

static void test_clean(void)
{
	struct exl_wandb_summary s;
	struct exl_err e;
	char *p = tpath("run-clean.wandb"), *before;
	size_t len;

	ok(mkfile(p, 4, 0, 0, 1767225600) > 0, "clean: built");
	is_int(append(p, 137, 3600, 0, &e), EXL_WANDB_APPENDED, "clean: appended");
	ok(exl_wandb_summarize(p, &s, &e) == 0, "clean: reads back");
	is_str(exl_wandb_end_name(s.log.end), "clean", "clean: still clean");
	ok(s.has_exit && s.exit_code == 137 && s.runtime_s == 3600,
	   "clean: exit 137 after 3600 s");
	ok(s.has_final, "clean: final record follows the exit");
	is_int(s.records, 8, "clean: two records added");
	is_int(s.last_step, 3, "clean: history untouched");
	exl_wandb_summary_free(&s);
	before = slurp(p, &len);
	is_int(append(p, 1, 1, 0, &e), EXL_WANDB_ALREADY_FINAL,
	       "clean: second append says already finalized");
	ok(strstr(e.text, "code 137") != NULL, "clean: names the code: %s", e.text);
	ok(same_bytes(p, before, len), "clean: second append changed nothing");
	free(before);
}

static void test_torn(void)
{
	struct exl_wandb_summary s;
	struct exl_err e;
	char *p = tpath("run-torn.wandb"), *before, *side, *sbuf;
	long size = mkfile(p, 3, 0, 0, 1767225600);
	uint64_t tail;
	size_t len, slen;

	ok(size > 0 && truncate(p, size - 5) == 0, "torn: built and cut");
	ok(exl_wandb_summarize(p, &s, &e) == 0 && s.log.end == EXL_WANDB_END_TORN,
	   "torn: reader sees a torn tail");
	tail = s.log.tail_offset;
	exl_wandb_summary_free(&s);
	before = slurp(p, &len);
	is_int(append(p, 2, 5, 0, &e), EXL_WANDB_REFUSED_TORN,
	       "torn: refused without repair");
	ok(strstr(e.text, "incomplete tail at offset") != NULL,
	   "torn: says why: %s", e.text);
	ok(same_bytes(p, before, len), "torn: file untouched");

	is_int(append(p, 2, 5, EXL_WANDB_REPAIR_TAIL, &e), EXL_WANDB_APPENDED,
	       "torn: repaired and appended when allowed");
	if (asprintf(&side, "%s.torn-%llu", p, (unsigned long long)tail) < 0)
		abort();
	sbuf = slurp(side, &slen);
	ok(sbuf && slen == len - tail && memcmp(sbuf, before + tail, slen) == 0,
	   "torn: the cut bytes were saved to %s", exl_basename(side));
	ok(exl_wandb_summarize(p, &s, &e) == 0 && s.log.end == EXL_WANDB_END_CLEAN &&
	   s.has_exit && s.exit_code == 2 && s.last_step == 1,
	   "torn: clean afterwards, steps before the tail kept");
	exl_wandb_summary_free(&s);
	free(sbuf);
	free(side);
	free(before);
}

static void test_refused(void)
{
	struct exl_err e;
	char *p = tpath("run-bad.wandb"), *before;
	long size = mkfile(p, 5, 0, 0, 1767225600);
	size_t len;
	int fd;

	/* damage in the middle: a payload byte of the first history row */
	fd = open(p, O_RDWR);
	ok(size > 0 && fd >= 0 && pwrite(fd, "\xff", 1, 60) == 1, "corrupt: damaged");
	close(fd);
	before = slurp(p, &len);
	is_int(append(p, 1, 1, EXL_WANDB_REPAIR_TAIL, &e),
	       EXL_WANDB_REFUSED_DAMAGED, "corrupt: refused even with repair");
	ok(strstr(e.text, "corrupt") != NULL, "corrupt: says why: %s", e.text);
	ok(same_bytes(p, before, len), "corrupt: file untouched");
	free(before);

	p = tpath("run-empty.wandb");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	close(fd);
	is_int(append(p, 1, 1, 0, &e), EXL_WANDB_REFUSED_DAMAGED, "empty: refused");
	ok(strstr(e.text, "empty") != NULL, "empty: says why: %s", e.text);

	p = tpath("run-hdr.wandb");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	ok(write(fd, "XW&B\xe1\xbe", 7) == 7, "bad header: written");
	close(fd);
	is_int(append(p, 1, 1, 0, &e), EXL_WANDB_REFUSED_DAMAGED, "bad header: refused");

	p = tpath("run-norun.wandb");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	ok(write(fd, exl_wandb_file_header, 7) == 7, "header only: written");
	close(fd);
	is_int(append(p, 1, 1, 0, &e), EXL_WANDB_REFUSED_NO_RUN,
	       "header only: no run record, refused");
	is_int(append(tpath("missing.wandb"), 1, 1, 0, &e), -1,
	       "missing file: error");

	ok(symlink(tpath("run-clean.wandb"), tpath("run-link.wandb")) == 0,
	   "symlink: made");
	is_int(append(tpath("run-link.wandb"), 1, 1, 0, &e), -1,
	       "symlink: refused");
	ok(strstr(e.text, "symlink") != NULL, "symlink: says why: %s", e.text);
}

/* build_left: a run file ending want_left bytes before block 1. */
static long build_left(const char *path, size_t want_left)
{
	struct exl_err e;
	struct exl_wandb_writer *w = exl_wandb_writer_create(path, &e);
	long size;
	int rc = 0;

	if (!w)
		return -1;
	rc |= exl_wandb_writer_take(w, exl_wandb_enc_header("t"), &e);
	rc |= exl_wandb_writer_take(w, exl_wandb_enc_run("b1", "e", "p", NULL, 5, 0),
				    &e);
	/* one row sized so that want_left bytes remain */
	rc |= exl_wandb_writer_take(w, history_of_size(EXL_WANDB_BLOCK_LEN -
						       exl_wandb_writer_size(w) -
						       7 - want_left), &e);
	size = (long)exl_wandb_writer_size(w);
	return exl_wandb_writer_close(w, &e) < 0 || rc ? -1 : size;
}

static void test_block_edges(void)
{
	struct exl_wandb_summary s;
	struct exl_err e;
	char *p = tpath("run-left3.wandb"), *buf;
	size_t len;

	is_int(build_left(p, 3), EXL_WANDB_BLOCK_LEN - 3, "3 left: built");
	is_int(append(p, 9, 1, 0, &e), EXL_WANDB_APPENDED, "3 left: appended");
	buf = slurp(p, &len);
	ok(buf && !memcmp(buf + EXL_WANDB_BLOCK_LEN - 3, "\0\0\0", 3) &&
	   buf[EXL_WANDB_BLOCK_LEN + 6] == EXL_WANDB_FULL,
	   "3 left: padded, exit record starts block 1");
	free(buf);
	ok(exl_wandb_summarize(p, &s, &e) == 0 && s.log.end == EXL_WANDB_END_CLEAN &&
	   s.exit_code == 9, "3 left: reads clean");
	exl_wandb_summary_free(&s);

	p = tpath("run-left7.wandb");
	is_int(build_left(p, 7), EXL_WANDB_BLOCK_LEN - 7, "7 left: built");
	is_int(append(p, 8, 1, 0, &e), EXL_WANDB_APPENDED, "7 left: appended");
	buf = slurp(p, &len);
	ok(buf && buf[EXL_WANDB_BLOCK_LEN - 1] == EXL_WANDB_FIRST &&
	   buf[EXL_WANDB_BLOCK_LEN - 3] == 0 && buf[EXL_WANDB_BLOCK_LEN - 2] == 0 &&
	   buf[EXL_WANDB_BLOCK_LEN + 6] == EXL_WANDB_LAST,
	   "7 left: zero-length FIRST, LAST in block 1");
	free(buf);
	ok(exl_wandb_summarize(p, &s, &e) == 0 && s.log.end == EXL_WANDB_END_CLEAN &&
	   s.exit_code == 8 && s.has_final, "7 left: reads clean");
	exl_wandb_summary_free(&s);
}

static void test_num_and_runtime(void)
{
	struct exl_wandb_summary s;
	struct exl_err e;
	char *p = tpath("run-num.wandb");

	ok(mkfile(p, 2, 0, 10, time(NULL) - 100) > 0, "num: built with nums 10..12");
	is_int(append(p, 0, -1, 0, &e), EXL_WANDB_APPENDED, "num: appended");
	ok(exl_wandb_summarize(p, &s, &e) == 0, "num: reads back");
	is_int(s.last_num, 14, "num: exit and final numbered 13 and 14");
	ok(s.runtime_s >= 99 && s.runtime_s < 200,
	   "runtime -1: from the run's start time (%d s)", s.runtime_s);
	is_str(exl_wandb_run_state(&s), "finished", "exit 0: finished");
	exl_wandb_summary_free(&s);
}

static void test_lock(void)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct timespec t0, t1;
	struct exl_err e;
	char *p = tpath("run-lock.wandb");
	int fds[2], fd;
	pid_t pid;
	char c;

	ok(mkfile(p, 1, 0, 0, 5) > 0 && pipe(fds) == 0, "lock: built");
	pid = fork();
	if (pid == 0) {
		fd = open(p, O_RDWR);
		if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0)
			_exit(1);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		usleep(700 * 1000);
		_exit(0);
	}
	ok(read(fds[0], &c, 1) == 1, "lock: held by another process");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(append(p, 4, 1, 0, &e), EXL_WANDB_APPENDED, "lock: appended after it");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok(t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9 > 0.3,
	   "lock: waited for the other holder");
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
}

static void test_finalize_dir(void)
{
	struct exl_wandb_finalize_report rep;
	struct exl_wandb_summary s;
	struct exl_err e;
	char *wd = strdup(tpath("wd")), *d;
	long size;
	int rc;

	d = tpath("wd/wandb/offline-run-20260101_000000-aa");
	ok(exl_mkdir_p(d, 0755, &e) == 0, "finalize: dirs");
	ok(mkfile(tpath("wd/wandb/offline-run-20260101_000000-aa/run-aa.wandb"),
		  2, 0, 0, 5) > 0, "finalize: unfinished run");
	ok(exl_mkdir_p(tpath("wd/wandb/offline-run-20260101_000001-bb"), 0755, &e) == 0 &&
	   mkfile(tpath("wd/wandb/offline-run-20260101_000001-bb/run-bb.wandb"), 2, 1,
		  0, 5) > 0, "finalize: finished run");
	size = exl_mkdir_p(tpath("wd/wandb/offline-run-20260101_000002-cc"), 0755, &e) ?
	       -1 : mkfile(tpath("wd/wandb/offline-run-20260101_000002-cc/run-cc.wandb"),
			   2, 0, 0, 5);
	ok(size > 0 && truncate(tpath("wd/wandb/offline-run-20260101_000002-cc/run-cc.wandb"),
				size - 3) == 0, "finalize: torn run");
	ok(exl_mkdir_p(tpath("wd/wandb/run-20260101_000003-dd"), 0755, &e) == 0 &&
	   mkfile(tpath("wd/wandb/run-20260101_000003-dd/run-dd.wandb"), 1, 0, 0, 5) > 0,
	   "finalize: online run");
	ok(symlink(tpath("wd/wandb/offline-run-20260101_000000-aa"),
		   tpath("wd/wandb/offline-run-20260101_000004-ee")) == 0,
	   "finalize: symlinked run dir");

	rc = exl_wandb_finalize_dir(wd, 143, 77, 0, &rep, &e);
	is_int(rc, 1, "finalize: 1 because one run was refused");
	ok(rep.runs == 3 && rep.appended == 1 && rep.already == 1 &&
	   rep.refused == 1 && rep.failed == 0,
	   "finalize: 3 runs: appended 1, already 1, refused 1 (%u %u %u %u)",
	   rep.runs, rep.appended, rep.already, rep.refused);
	ok(rep.ndetail == 1 && strstr(rep.detail[0], "run-cc.wandb"),
	   "finalize: the refused file is named: %s", rep.detail[0]);
	ok(exl_wandb_summarize(tpath("wd/wandb/offline-run-20260101_000000-aa/run-aa.wandb"),
			       &s, &e) == 0 && s.exit_code == 143 && s.runtime_s == 77,
	   "finalize: exit code 143 recorded");
	exl_wandb_summary_free(&s);
	ok(exl_wandb_summarize(tpath("wd/wandb/run-20260101_000003-dd/run-dd.wandb"),
			       &s, &e) == 0 && !s.has_exit,
	   "finalize: online run dir left alone");
	exl_wandb_summary_free(&s);

	rc = exl_wandb_finalize_dir(wd, 143, 77, EXL_WANDB_REPAIR_TAIL, &rep, &e);
	ok(rc == 0 && rep.appended == 1 && rep.already == 2,
	   "finalize with repair: the torn run finalized too");
	rc = exl_wandb_finalize_dir(tpath("nope"), 1, 1, 0, &rep, &e);
	ok(rc == 0 && rep.runs == 0, "finalize: missing WANDB_DIR is nothing to do");
	/* runs directly in the given dir are found as well */
	rc = exl_wandb_finalize_dir(tpath("wd/wandb"), 1, 1, 0, &rep, &e);
	ok(rc == 0 && rep.runs == 3 && rep.already == 3,
	   "finalize: a wandb dir itself works too");
	free(wd);
}

int main(void)
{
	char cmd[128];

	snprintf(tmp, sizeof(tmp), "/tmp/exl-wappend-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	test_clean();
	test_torn();
	test_refused();
	test_block_edges();
	test_num_and_runtime();
	test_lock();
	test_finalize_dir();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		diag("couldn't remove %s", tmp);
	return done_testing();
}
