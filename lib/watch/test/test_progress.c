/* Unit tests: scanning output files, errors, Status text, Results. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "watch/progress.h"
#include "tap.h"
#include "testdir.h"

/* 2024-01-01 12:00:00 UTC: before any real file's mtime, so a scan at T0
 * times what it sees by the fake clock. */
#define T0 ((time_t)1704110400)

static struct exl_patterns pat;
static struct exl_progress *p;
static struct exl_err err;

static void fresh(void)
{
	exl_progress_free(p);
}

static int scan(const char *name, enum exl_src_kind kind, time_t now)
{
	int rc = exl_progress_scan(p, td_path(name), kind, now, &err);

	if (rc < 0)
		diag("scan %s: %s", name, err.text);
	return rc;
}

static const char *status(time_t now, long iv, int stall, int gpu)
{
	static char buf[512];

	if (exl_progress_status_text(p, now, iv, stall, gpu, buf,
				     sizeof(buf)) < 0)
		return "(error)";
	return buf;
}

static double last_train(void)
{
	const struct exl_loss_point *l = exl_series_last(exl_progress_train(p));

	return l ? l->value : -1;
}

static void test_incremental(void)
{
	fresh();
	td_write("out", "starting\nstep 10 loss 2.0\nstep 20 lo", "w");
	is_int(scan("out", EXL_SRC_STDOUT, T0), 0, "scan reads to the end");
	ok(p->have_step && p->last_step == 10 && last_train() == 2.0,
	   "complete lines parsed");
	is_int(p->src[EXL_SRC_STDOUT].lines, 2, "partial line held back");
	td_write("out", "ss 1.5\n", "a");
	scan("out", EXL_SRC_STDOUT, T0 + 10);
	ok(p->last_step == 20 && last_train() == 1.5,
	   "partial line completed by the next scan");
	is_int(p->src[EXL_SRC_STDOUT].lines, 3, "each line counted once");
	is_int(p->src[EXL_SRC_STDOUT].matched, 2, "matched lines counted");
	scan("out", EXL_SRC_STDOUT, T0 + 20);
	is_int(exl_progress_train(p)->count, 2, "rescan reads nothing twice");
	is_int(p->last_progress, T0 + 10, "progress timed by the scan");
	td_write("out", "step 30 loss 1.0\nstep 40 loss 0.5\n", "a");
	scan("out", EXL_SRC_STDOUT, T0 + 30);
	ok(p->last_step == 40 && exl_progress_train(p)->count == 4,
	   "growing file: new lines only");
}

static void test_tqdm(void)
{
	fresh();
	td_write("err", "\r  0%|          | 0/1000 [00:00<?, ?it/s]"
		 "\r 10%|#         | 100/1000 [00:01<00:09, 99.0it/s, loss=0.9]"
		 "\r 20%|##        | 200/1000 [00:02<00:08, 99.0it/s, loss=0.8]"
		 "\r 30%|###       | 300/1000 [00:03", "w");
	scan("err", EXL_SRC_STDERR, T0);
	ok(p->last_step == 200 && last_train() == 0.8,
	   "tqdm redraws are lines; the bar being drawn waits");
	is_int(exl_progress_train(p)->count, 2, "two loss values");
	td_write("err", "<00:07, 99.0it/s, loss=0.7]\r\n", "a");
	scan("err", EXL_SRC_STDERR, T0 + 1);
	ok(p->last_step == 300 && last_train() == 0.7, "\\r\\n ends a line");
	td_write("err", "\x1b[31mstep 400\x1b[0m \x1b[1mloss\x1b[0m 0.6\n"
		 "\x1b]0;title\x07step 500 loss 0.5\n", "a");
	scan("err", EXL_SRC_STDERR, T0 + 2);
	ok(p->last_step == 500 && last_train() == 0.5,
	   "ANSI colours and titles removed before matching");
}

static void test_json_and_metrics(void)
{
	const struct exl_loss_point *l;

	fresh();
	td_write("out", "{\"step\": 100, \"loss\": 3.0, \"val_loss\": 3.5}\n"
		 "step 200 loss 2.5\n", "w");
	scan("out", EXL_SRC_STDOUT, T0);
	ok(p->last_step == 200 && last_train() == 2.5 &&
	   exl_series_last(exl_progress_val(p))->value == 3.5,
	   "JSON lines on stdout");
	td_write("m.jsonl", "{\"global_step\": 150, \"train/loss\": 2.9}\n"
		 "not json\n{\"step\": 250, \"loss\": 2.4}\n", "w");
	scan("m.jsonl", EXL_SRC_METRICS, T0 + 1);
	l = exl_series_last(exl_progress_train(p));
	ok(l && l->step == 250 && l->value == 2.4 &&
	   exl_progress_train(p)->count == 2,
	   "train series from the metrics file once it has one");
	ok(exl_series_last(exl_progress_val(p))->value == 3.5,
	   "val still from stdout (metrics has none)");
	is_int(p->src[EXL_SRC_METRICS].matched, 2, "metrics lines matched");
	is_int(p->src[EXL_SRC_METRICS].lines, 3, "metrics lines counted");
	scan("out", EXL_SRC_STDOUT, T0 + 100);
	scan("m.jsonl", EXL_SRC_METRICS, T0 + 100);
	ok(p->last_step == 250 && p->last_progress == T0 + 1,
	   "files at different steps are not progress by turns");
	td_write("out", "step 300\n", "a");
	scan("out", EXL_SRC_STDOUT, T0 + 200);
	ok(p->last_step == 300 && p->last_progress == T0 + 200,
	   "last step from the file that moved last");
}

static void test_restart(void)
{
	fresh();
	td_write("out", "step 1 loss 1\nstep 2 loss 0.9\n", "w");
	scan("out", EXL_SRC_STDOUT, T0);
	td_write("out", "step 7 loss 5\n", "w");
	scan("out", EXL_SRC_STDOUT, T0 + 1);
	ok(p->last_step == 7 && last_train() == 5,
	   "truncated file read again from the start");
	td_write("out", "step 8 loss 4\n", "a");
	ok(rename(td_path("out"), td_path("out.1")) == 0, "rotate");
	td_write("out", "step 9 loss 3\n", "w");
	scan("out", EXL_SRC_STDOUT, T0 + 2);
	ok(p->last_step == 9 && last_train() == 3,
	   "rotated file (new inode) read from the start");
	/* rewritten in place, longer than before, other first bytes */
	td_write("out.2", "step 9 loss 3\n", "w");
	scan("out.2", EXL_SRC_STDOUT, T0 + 3);
	td_write_len("out.2", "step 11 loss 2\nstep 12 loss 1\n", 30, "r+");
	scan("out.2", EXL_SRC_STDOUT, T0 + 4);
	ok(p->last_step == 12 && last_train() == 1,
	   "file rewritten in place noticed by its first bytes");
	scan("out", EXL_SRC_STDOUT, T0 + 5);
	ok(p->last_step == 9, "another path is another file");
}

static void test_long_lines(void)
{
	size_t big = EXL_LINE_MAX + 5000;
	char *junk = malloc(big + 1);

	fresh();
	memset(junk, 'x', big);
	junk[big] = '\0';
	memcpy(junk + 100, " step 999 loss 9 ", 17);
	td_write("out", "step 1 loss 1\n", "w");
	td_write("out", junk, "a");
	td_write("out", "\nstep 2 loss 0.5\n", "a");
	scan("out", EXL_SRC_STDOUT, T0);
	ok(p->last_step == 2 && last_train() == 0.5,
	   "complete long line skipped, the next one read");
	is_int(p->src[EXL_SRC_STDOUT].long_lines, 1, "long line counted");
	/* an unterminated long line across scans */
	td_write("out", junk, "a");
	scan("out", EXL_SRC_STDOUT, T0 + 1);
	ok(p->src[EXL_SRC_STDOUT].skipping, "skipping an unfinished long line");
	td_write("out", "still junk step 500 loss 7\nstep 3 loss 0.25\n", "a");
	scan("out", EXL_SRC_STDOUT, T0 + 2);
	ok(p->last_step == 3 && last_train() == 0.25,
	   "resynchronised at the long line's end");
	is_int(p->src[EXL_SRC_STDOUT].long_lines, 2, "counted once");
	free(junk);
}

static void test_cap(void)
{
	int rc, calls = 0;

	fresh();
	p->scan_max = 20;
	td_write("out", "step 1 loss 1\nstep 2 loss 0.9\nstep 3 loss 0.8\n", "w");
	rc = scan("out", EXL_SRC_STDOUT, T0);
	is_int(rc, 2, "byte cap reached: call again");
	is_int(p->last_step, 1, "only what fit was read");
	while ((rc = scan("out", EXL_SRC_STDOUT, T0)) == 2 && calls++ < 10)
		;
	ok(rc == 0 && p->last_step == 3, "later calls finish the file");
	p->scan_max = 0;
}

static void test_files(void)
{
	fresh();
	is_int(scan("missing", EXL_SRC_STDOUT, T0), 1, "missing file: 1");
	ok(p->started == T0, "watching starts with the first scan");
	td_write("real", "step 5\n", "w");
	ok(symlink(td_path("real"), td_path("link")) == 0, "make a symlink");
	ok(exl_progress_scan(p, td_path("link"), EXL_SRC_STDOUT, T0, &err) < 0 &&
	   strstr(err.text, "symlink"), "symlink refused: %s", err.text);
	ok(exl_progress_scan(p, td_root, EXL_SRC_STDOUT, T0, &err) < 0 &&
	   strstr(err.text, "not a regular file"), "directory refused");
	ok(exl_progress_scan(p, td_path("real"), (enum exl_src_kind)7, T0,
			     &err) < 0, "bad kind refused");
}

static void test_mtime(void)
{
	struct timespec ts[2] = { { T0 - 600, 0 }, { T0 - 600, 0 } };

	fresh();
	td_write("old", "step 5 loss 1\n", "w");
	ok(utimensat(AT_FDCWD, td_path("old"), ts, 0) == 0, "age the file");
	scan("old", EXL_SRC_STDOUT, T0);
	is_int(p->last_progress, T0 - 600,
	       "progress found in an old file is timed by its mtime");
}

/* The final scan (the program is done) reads to EOF: a last line
 * without a newline, written just before exit, is quoted too, from a
 * separate stderr file as from stdout. */
static void test_final_scan(void)
{
	char line[512];

	fresh();
	td_write("out2", "step 5 loss 0.5\nRuntimeError: CUDA out of memory", "w");
	td_write("err2", "step 6\nNCCL error in: nccl.cpp:1 rank 0", "w");
	scan("out2", EXL_SRC_STDOUT, T0);
	scan("err2", EXL_SRC_STDERR, T0);
	is_int(p->n_errors, 0, "while running, an unterminated line waits");
	p->at_end = 1;
	scan("out2", EXL_SRC_STDOUT, T0 + 1);
	scan("err2", EXL_SRC_STDERR, T0 + 1);
	is_int(p->n_errors, 2, "the final scan takes the last lines");
	ok(exl_progress_take_errors(p, line, sizeof(line)) == 1 &&
	   strcmp(line, "error in stdout: `RuntimeError: CUDA out of memory`") == 0,
	   "stdout's last line quoted: %s", line);
	ok(exl_progress_take_errors(p, line, sizeof(line)) == 1 &&
	   strstr(line, "error in stderr: `NCCL error in: nccl.cpp:1 rank 0`"),
	   "stderr file's last line quoted: %s", line);
	is_int(p->src[EXL_SRC_STDOUT].lines, 2, "counted once");
	scan("out2", EXL_SRC_STDOUT, T0 + 2);
	is_int(p->src[EXL_SRC_STDOUT].lines, 2, "not read twice");
	p->at_end = 0;
}

static void test_errors(void)
{
	char line[512], text[400];
	int i;

	fresh();
	td_write("err",
		 "Traceback (most recent call last):\n"
		 "  File \"train.py\", line 3, in <module>\n"
		 "INFO:root:not the end\n"
		 "    main()\n"
		 "RuntimeError: CUDA error: device-side `assert` triggered\n"
		 "[rank1]: Traceback (most recent call last):\n"
		 "[rank1]:   File \"t.py\", line 9, in f\n"
		 "[rank1]: torch.OutOfMemoryError: CUDA out of memory. "
		 "Tried to allocate 2.00 GiB (GPU 1)\n", "w");
	for (i = 0; i < 8; i++) {
		snprintf(line, sizeof(line),
			 "NCCL error in: nccl.cpp:1 rank %d\n", 4 + i);
		td_write("err", line, "a");
	}
	td_write("err", "/var/spool/slurm_script: line 5: 77 Killed python t.py\n",
		 "a");
	scan("err", EXL_SRC_STDERR, T0);
	is_int(p->n_errors, 4, "four distinct messages");
	ok(exl_progress_take_errors(p, line, sizeof(line)) == 1, "first quote");
	is_str(line, "traceback in stderr: `RuntimeError: CUDA error: "
	       "device-side 'assert' triggered`",
	       "traceback quoted by its exception; backticks neutralised");
	exl_progress_take_errors(p, line, sizeof(line));
	is_str(line, "traceback in stderr: `torch.OutOfMemoryError: CUDA out "
	       "of memory. Tried to allocate 2.00 GiB (GPU 1)`",
	       "rank prefix stripped");
	exl_progress_take_errors(p, line, sizeof(line));
	is_str(line, "error in stderr: `NCCL error in: nccl.cpp:1 rank 4` "
	       "(seen 8 times)", "repeats differing in numbers counted once");
	exl_progress_take_errors(p, line, sizeof(line));
	is_str(line, "error in stderr: `/var/spool/slurm_script: line 5: 77 "
	       "Killed python t.py`", "Killed quoted");
	is_int(exl_progress_take_errors(p, line, sizeof(line)), 0,
	       "nothing left to report");
	td_write("err", "NCCL error in: nccl.cpp:1 rank 0\n", "a");
	scan("err", EXL_SRC_STDERR, T0 + 1);
	is_int(exl_progress_take_errors(p, line, sizeof(line)), 0,
	       "a repeat is not reported again");
	td_write("err", "2026-03-11 12:00:01 ERROR Traceback (most recent call "
		 "last):\n  File \"a.py\", line 1\nKilled\nwandb: syncing\n"
		 "KeyboardInterrupt\n", "a");
	scan("err", EXL_SRC_STDERR, T0 + 1);
	exl_progress_take_errors(p, line, sizeof(line));
	is_str(line, "error in stderr: `Killed`",
	       "a bare Killed inside a traceback is an error, not its end");
	exl_progress_take_errors(p, line, sizeof(line));
	is_str(line, "traceback in stderr: `KeyboardInterrupt`",
	       "unprefixed lines after a log-prefixed Traceback");

	/* long quotes, invalid UTF-8, too many messages */
	memset(text, 'a', sizeof(text));
	memcpy(text, "CUDA error: ", 12);
	memcpy(text + 197, "\xc3\xa9\xc3\xa9", 4);
	text[300] = '\n';
	text[301] = '\0';
	td_write("out", text, "w");
	td_write("out", "CUDA error: bad \xff\xfe byte\n", "a");
	for (i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "CUDA error: case %c\n", 'a' + i);
		td_write("out", line, "a");
	}
	scan("out", EXL_SRC_STDOUT, T0 + 2);
	exl_progress_take_errors(p, line, sizeof(line));
	ok(strlen(line) < 240 && strstr(line, "aa\xc3\xa9…`") &&
	   strncmp(line, "error in stdout: `CUDA error: aaa", 33) == 0,
	   "long quote cut at a character boundary with …");
	exl_progress_take_errors(p, line, sizeof(line));
	is_str(line, "error in stdout: `CUDA error: bad ?? byte`",
	       "invalid UTF-8 replaced");
	for (i = 0; exl_progress_take_errors(p, line, sizeof(line)) && i < 40;
	     i++)
		;
	is_int(i, 9, "up to 16 messages quoted, then one summary line");
	is_str(line, "12 more error lines in stdout/stderr not quoted "
	       "(only the first 16 messages are)", "the rest counted");
}

static void test_status(void)
{
	const long iv = 1800;

	fresh();
	is_str(status(T0, iv, 3, -1), "running, no progress parsed yet "
	       "(no output yet)", "nothing scanned");
	scan("missing", EXL_SRC_STDOUT, T0);
	td_write("out", "loading data\nbuilding model\nwarming up\n", "w");
	scan("out", EXL_SRC_STDOUT, T0 + 60);
	is_str(status(T0 + 120, iv, 3, 87), "running, no progress parsed yet "
	       "(0 lines matched in 3 lines of stdout), GPU util 87%",
	       "output without progress");
	td_write("err", "step 2400 loss 0.085 val_loss 0.091\n", "w");
	scan("err", EXL_SRC_STDERR, T0 + 120);
	is_str(status(T0 + 300, iv, 3, 87), "running, step 2400, "
	       "train_loss 0.085, val_loss 0.091, last progress 12:02 "
	       "(3 min ago), GPU util 87%", "progress with evidence");
	exl_progress_mark_status(p, T0 + 300);
	td_write("err", "step 3000 loss 0.08\n", "a");
	scan("err", EXL_SRC_STDERR, T0 + 2100);
	is_str(status(T0 + 2100, iv, 3, -1), "running, step 3000 (+600 in "
	       "30 min), train_loss 0.08, val_loss 0.091, last progress "
	       "12:35 (0 s ago)", "step advance since the last Status line");
	exl_progress_mark_status(p, T0 + 2100);
	td_write("err", "epoch done\n", "a");
	scan("err", EXL_SRC_STDERR, T0 + 2100 + 5399);
	ok(strncmp(status(T0 + 2100 + 5399, iv, 3, -1), "running, step 3000, ",
		   20) == 0, "just under 3 intervals: still running");
	is_str(status(T0 + 2100 + 5400, iv, 3, 99), "stalled: no progress for "
	       "3 intervals (90 min); last step 3000 at 12:35, GPU util 99%",
	       "stalled although output and GPU are busy");
	is_str(status(T0 + 2100 + 90000, iv, 3, -1), "stalled: no progress "
	       "for 50 intervals (25 h); last step 3000 at Jan 1 12:35",
	       "other day, long stall");
	ok(strncmp(status(T0 + 2100 + 90000, iv, 0, -1), "running,", 8) == 0,
	   "stall detection off");
	fresh();
	scan("missing", EXL_SRC_STDOUT, T0);
	is_str(status(T0 + 5400, iv, 3, -1), "stalled: no output for 3 "
	       "intervals (90 min); no progress parsed (no output yet)",
	       "nothing ever written");
	fresh();
	td_write("out", "loss: 0.5\nsomething\n", "w");
	scan("out", EXL_SRC_STDOUT, T0);
	td_write("m.jsonl", "{}\n", "w");
	scan("m.jsonl", EXL_SRC_METRICS, T0);
	is_str(status(T0 + 7200, iv, 0, -1), "running, train_loss 0.5, last "
	       "progress 12:00 (2 h ago)", "loss without steps");
	is_str(status(T0 + 7200, iv, 2, -1), "stalled: no progress for 4 "
	       "intervals (2 h); last train_loss 0.5 at 12:00",
	       "stalled without steps");
	td_write("err", "step 9 loss nan\n", "w");
	scan("err", EXL_SRC_STDERR, T0 + 10);
	is_str(status(T0 + 10, iv, 3, -1), "running, step 9, train_loss 0.5, "
	       "NaN/inf loss seen 1 time, last progress 12:00 (0 s ago)",
	       "NaN reported in the status");
}

static void test_results(void)
{
	struct exl_results_fields r;

	fresh();
	ok(exl_progress_results(p, &r) == 0, "results of nothing");
	ok(strcmp(r.final_step, "n/a") == 0 &&
	   strcmp(r.start_train_loss, "n/a") == 0 &&
	   strcmp(r.end_val_loss, "n/a") == 0, "n/a when unknown");
	is_str(r.loss_one_liner, "no loss values found in the output",
	       "empty one-liner");
	td_write("out", "step 0 loss 1.1\nstep 6000 loss 0.3 val_loss 0.2\n"
		 "step 12000 loss 0.085 val_loss 0.12\n", "w");
	scan("out", EXL_SRC_STDOUT, T0);
	ok(exl_progress_results(p, &r) == 0, "results");
	is_str(r.final_step, "12000", "final step");
	ok(strcmp(r.start_train_loss, "1.1") == 0 &&
	   strcmp(r.end_train_loss, "0.085") == 0, "train loss start/end");
	ok(strcmp(r.start_val_loss, "0.2") == 0 &&
	   strcmp(r.end_val_loss, "0.12") == 0, "val loss start/end");
	is_str(r.loss_one_liner, "train loss fell 92% (1.1 → 0.085) over 12k "
	       "steps; val fell 40% (0.2 → 0.12)", "one-liner");
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	if (td_init() < 0 || exl_patterns_default(&pat, &err) < 0)
		return 1;
	p = malloc(sizeof(*p));
	if (!p)
		return 1;
	exl_progress_init(p, &pat);
	test_incremental();
	test_tqdm();
	test_json_and_metrics();
	test_restart();
	test_long_lines();
	test_cap();
	test_files();
	test_mtime();
	test_final_scan();
	test_errors();
	test_status();
	test_results();
	exl_progress_free(p);
	free(p);
	exl_patterns_free(&pat);
	td_cleanup();
	return done_testing();
}
