/* Unit tests: finding the newest checkpoint by globs. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch/checkpoint_find.h"
#include "config/config.h"
#include "tap.h"
#include "testdir.h"

#define T0 ((time_t)1704110400)

static struct exl_err err;
static char out[4200];

/* touch: create td_root/name (parents must exist) with mtime t + ns. */
static void touch(const char *name, time_t t, long ns)
{
	struct timespec ts[2] = { { t, ns }, { t, ns } };

	td_write(name, "w", "w");
	utimensat(AT_FDCWD, td_path(name), ts, AT_SYMLINK_NOFOLLOW);
}

static void mkdirs(const char *name)
{
	mkdir(td_path(name), 0755);
}

/* newest: search base (relative to td_root) for one or two globs. */
static int newest(const char *base, const char *g1, const char *g2,
		  time_t since)
{
	char *globs[2] = { (char *)g1, (char *)g2 };

	return exl_checkpoint_newest(td_path(base), globs, g2 ? 2 : 1, since,
				     NULL, out, sizeof(out), &err);
}

/* rel: out without the td_root/base/ prefix. */
static const char *rel(const char *base)
{
	size_t n = strlen(td_path(base));

	return strncmp(out, td_path(base), n) == 0 ? out + n + 1 : out;
}

static void test_basic(void)
{
	mkdirs("run");
	mkdirs("run/ckpt");
	touch("run/ckpt/step_999.pt", T0, 0);
	touch("run/ckpt/step_1000.pt", T0, 0);
	touch("run/ckpt/step_final.pt", T0 - 50, 0);
	touch("run/ckpt/.hidden.pt", T0 + 500, 0);
	is_int(newest("run", "ckpt/*.pt", NULL, 0), 0, "found");
	is_str(rel("run"), "ckpt/step_1000.pt",
	       "same mtime: the name that sorts last by version wins");
	touch("run/ckpt/step_5.pt", T0, 1000);
	newest("run", "ckpt/*.pt", NULL, 0);
	is_str(rel("run"), "ckpt/step_5.pt", "nanoseconds decide");
	touch("run/ckpt/step_5.pt", T0 - 100, 0);
	newest("run", "ckpt/step_[0-9]*.pt", NULL, 0);
	is_str(rel("run"), "ckpt/step_1000.pt", "[...] class");
	newest("run", "ckpt/step_fina?.pt", NULL, 0);
	is_str(rel("run"), "ckpt/step_final.pt", "? wildcard");
	is_int(newest("run", "ckpt/*.pt", NULL, T0 + 1), 1,
	       "since: nothing new enough");
	is_int(newest("run", "ckpt/*.safetensors", NULL, 0), 1, "no match");
	is_int(newest("run", "nope/*.pt", NULL, 0), 1, "missing subdir: none");
	touch("run/last.ckpt", T0 + 10, 0);
	is_int(newest("run", "ckpt/*.pt", "last.ckpt", 0), 0, "two globs");
	is_str(rel("run"), "last.ckpt", "newest across globs");
	ok(exl_checkpoint_newest(td_path("run/"), (char *[]){ "./last.ckpt" }, 1,
				 0, NULL, out, sizeof(out), &err) == 0 &&
	   strcmp(out, td_path("run/last.ckpt")) == 0,
	   "trailing slash and ./ normalised: %s", out);
}

static void test_recursive(void)
{
	char deep[256] = "tree";
	int i;

	mkdirs("tree");
	mkdirs("tree/a");
	mkdirs("tree/a/b");
	mkdirs("tree/.git");
	touch("tree/top.pt", T0, 0);
	touch("tree/a/b/mid.pt", T0 + 5, 0);
	touch("tree/.git/newest.pt", T0 + 99, 0);
	touch("tree/a/notes.txt", T0 + 50, 0);
	newest("tree", "**/*.pt", NULL, 0);
	is_str(rel("tree"), "a/b/mid.pt", "** spans levels, skips .git");
	newest("tree", "**", NULL, 0);
	is_str(rel("tree"), "a/notes.txt", "a lone ** matches every file");
	ok(newest("tree", "a/**", NULL, 0) == 0 &&
	   strcmp(rel("tree"), "a/notes.txt") == 0, "dir/** below dir only");
	is_int(newest("tree", "a/**", NULL, T0 + 51), 1,
	       "dir/** with since: nothing new enough");
	ok(newest("tree", "a/**/mid.pt", NULL, 0) == 0 &&
	   strcmp(rel("tree"), "a/b/mid.pt") == 0, "dir/**/name");
	ok(newest("tree", "**/top.pt", NULL, 0) == 0 &&
	   strcmp(rel("tree"), "top.pt") == 0, "** matches zero levels");
	for (i = 0; i < 10; i++) {
		strcat(deep, "/d");
		mkdirs(deep);
	}
	strcat(deep, "/bottom.pt");
	touch(deep, T0 + 1000, 0);
	newest("tree", "**/*.pt", NULL, 0);
	is_str(rel("tree"), "a/b/mid.pt", "** stops after 8 levels");
	{
		char *g[] = { "**/bottom.pt" };
		struct exl_ckpt_query q = {
			.base_dir = td_path("tree"), .globs = g, .n_globs = 1,
			.max_depth = 12,
		};

		ok(exl_checkpoint_search(&q, out, sizeof(out), &err) == 0 &&
		   strstr(out, "/d/d/d/d/d/d/d/d/d/d/bottom.pt"),
		   "deeper with a larger depth limit");
		q.max_entries = 5;
		ok(exl_checkpoint_search(&q, out, sizeof(out), &err) < 0 &&
		   strstr(err.text, "more than 5 entries"), "entry cap: %s",
		   err.text);
	}
}

static void test_symlinks(void)
{
	mkdirs("outside");
	touch("outside/evil.pt", T0 + 9999, 0);
	mkdirs("s");
	touch("s/real.pt", T0, 0);
	ok(symlink(td_path("outside"), td_path("s/linked")) == 0 &&
	   symlink("real.pt", td_path("s/latest.pt")) == 0, "make symlinks");
	ok(newest("s", "**/*.pt", NULL, 0) == 0 &&
	   strcmp(rel("s"), "real.pt") == 0, "** does not enter a symlinked dir");
	is_int(newest("s", "linked/*.pt", NULL, 0), 1,
	       "a literal symlinked dir is not entered");
	is_int(newest("s", "latest.pt", NULL, 0), 1, "a symlinked file is no file");
	touch("s/dir.pt", T0, 0);
	unlink(td_path("s/dir.pt"));
	mkdirs("s/dir.pt");
	ok(newest("s", "*.pt", NULL, 0) == 0 && strcmp(rel("s"), "real.pt") == 0,
	   "directories are not checkpoints");
}

/* The default globs (config.c) find weights where programs write them:
 * ckpt/model.bin, ckpt/step_N.pt, Hugging Face's checkpoint-500/, a
 * Keras .h5, while old files, logs and hidden folders do not count. */
static void test_defaults(void)
{
	struct exl_config c;

	ok(exl_config_defaults(&c) == 0, "default config");
	mkdirs("w");
	mkdirs("w/ckpt");
	mkdirs("w/out");
	mkdirs("w/out/checkpoint-500");
	mkdirs("w/.cache");
	touch("w/ckpt/model.bin", T0 + 10, 0);
	touch("w/train.log", T0 + 90, 0);
	touch("w/.cache/x.pt", T0 + 95, 0);
	touch("w/old.pt", T0 - 100, 0);
#define FIND() exl_checkpoint_newest(td_path("w"), c.checkpoint_patterns, \
				     c.n_checkpoint_patterns, T0, NULL, out, \
				     sizeof(out), &err)
	ok(FIND() == 0 && strcmp(rel("w"), "ckpt/model.bin") == 0,
	   "ckpt/model.bin found by default: %s", out);
	touch("w/ckpt/step_20.pt", T0 + 20, 0);
	ok(FIND() == 0 && strcmp(rel("w"), "ckpt/step_20.pt") == 0,
	   "ckpt/step_N.pt found by default: %s", out);
	touch("w/out/checkpoint-500/model.safetensors", T0 + 30, 0);
	touch("w/out/checkpoint-500/trainer_state.json", T0 + 29, 0);
	touch("w/out/checkpoint-500/rng_state.pth", T0 + 31, 0);
	ok(FIND() == 0 && strcmp(rel("w"), "out/checkpoint-500/") == 0,
	   "Hugging Face checkpoint-500/ found, as the directory: %s", out);
	mkdirs("w/checkpoints");
	mkdirs("w/checkpoints/final");
	touch("w/checkpoints/final/model-00001-of-00002.safetensors",
	      T0 + 32, 0);
	touch("w/checkpoints/final/config.json", T0 + 33, 0);
	ok(FIND() == 0 && strcmp(rel("w"), "checkpoints/final/") == 0,
	   "a final/ whose newest file is its config.json: %s", out);
	touch("w/checkpoints/last.ckpt", T0 + 34, 0);
	ok(FIND() == 0 && strcmp(rel("w"), "checkpoints/last.ckpt") == 0,
	   "a file in a folder of many checkpoints is itself: %s", out);
	touch("w/ckpt/weights.h5", T0 + 40, 0);
	ok(FIND() == 0 && strcmp(rel("w"), "ckpt/weights.h5") == 0,
	   "a .h5 found: %s", out);
#undef FIND
	exl_config_free(&c);
}

/* the run-log root (run_logs/ in the submit directory by default) is
 * passed over: a checkpoint-like file there is not the run's, and its
 * entries do not count against max_entries */
static void test_skip_root(void)
{
	struct exl_ckpt_query q = { 0 };
	char *globs[] = { "**/*.pt" }, base[4096], logs[4096], none[4096];
	int i;

	mkdirs("sub");
	mkdirs("sub/run_logs");
	mkdirs("sub/run_logs/grp");
	mkdirs("sub/models");
	touch("sub/models/a.pt", T0 + 1, 0);
	touch("sub/run_logs/grp/b.pt", T0 + 9, 0);
	for (i = 0; i < 30; i++) {
		char name[64];

		snprintf(name, sizeof(name), "sub/run_logs/2026-01-01_t_%d.md", i);
		touch(name, T0, 0);
	}
	ok(exl_checkpoint_newest(td_path("sub"), globs, 1, 0, NULL, out,
				 sizeof(out), &err) == 0 &&
	   strcmp(rel("sub"), "run_logs/grp/b.pt") == 0,
	   "without skip_dir the run-log root is searched: %s", out);
	ok(exl_checkpoint_newest(td_path("sub"), globs, 1, 0,
				 td_path("sub/run_logs"), out, sizeof(out),
				 &err) == 0 &&
	   strcmp(rel("sub"), "models/a.pt") == 0,
	   "skip_dir passed over: %s", out);
	snprintf(base, sizeof(base), "%s", td_path("sub"));
	snprintf(logs, sizeof(logs), "%s", td_path("sub/run_logs"));
	snprintf(none, sizeof(none), "%s", td_path("sub/missing"));
	q.base_dir = base;
	q.globs = globs;
	q.n_globs = 1;
	q.max_entries = 10;
	ok(exl_checkpoint_search(&q, out, sizeof(out), &err) < 0,
	   "30 run logs exceed 10 entries: %s", err.text);
	q.skip_dir = logs;
	ok(exl_checkpoint_search(&q, out, sizeof(out), &err) == 0 &&
	   strcmp(rel("sub"), "models/a.pt") == 0,
	   "its entries are not counted when passed over");
	q.skip_dir = none;
	ok(exl_checkpoint_search(&q, out, sizeof(out), &err) < 0,
	   "a skip_dir that does not exist skips nothing");
}

/* other run-log roots below the base (a directory holding .exp-log/:
 * earlier arrays' roots beside the job's own) are passed over too, and
 * their entries not counted; the base itself is searched even when it
 * is a root (--exp-log=. in the directory the job runs in) */
static void test_skip_other_roots(void)
{
	struct exl_ckpt_query q = { 0 };
	static const char *const dirs[] = { "proj", "proj/logs_a",
		"proj/logs_a/.exp-log", "proj/logs_a/grp", "proj/logs_b",
		"proj/logs_b/.exp-log", "proj/notroot", "proj/notroot/.exp-logx",
		"proj/out", NULL };
	char *globs[] = { "**/*.pt" }, base[4096];
	int i, rc;

	for (i = 0; dirs[i]; i++)
		mkdirs(dirs[i]);
	touch("proj/out/a.pt", T0 + 1, 0);
	touch("proj/logs_a/grp/newer.pt", T0 + 9, 0);
	touch("proj/logs_b/newer.pt", T0 + 9, 0);
	for (i = 0; i < 30; i++) {
		char name[64];

		snprintf(name, sizeof(name), "proj/logs_a/grp/2026-01-01_t_%d.md",
			 i);
		touch(name, T0, 0);
	}
	snprintf(base, sizeof(base), "%s", td_path("proj"));
	q.base_dir = base;
	q.globs = globs;
	q.n_globs = 1;
	q.max_entries = 20;
	rc = exl_checkpoint_search(&q, out, sizeof(out), &err);
	ok(rc == 0 && strcmp(rel("proj"), "out/a.pt") == 0,
	   "roots holding .exp-log/ passed over, entries not counted: %s",
	   rc == 0 ? out : err.text);
	touch("proj/notroot/c.pt", T0 + 5, 0);
	is_int(exl_checkpoint_search(&q, out, sizeof(out), &err), 0,
	       "a look-alike hidden name is no root");
	is_str(rel("proj"), "notroot/c.pt", "so it is searched");
	mkdirs("proj/.exp-log");
	q.max_entries = 0;
	is_int(exl_checkpoint_search(&q, out, sizeof(out), &err), 0,
	       "the base searched though it is a root");
	is_str(rel("proj"), "notroot/c.pt", "found in the base root");
}

/* Which directory names are one save's, and the deepest one wins. */
static void test_save_dirs(void)
{
	static const char *const yes[] = { "checkpoint-500", "global_step1000",
		"iter_0001000", "step_20", "epoch=3", "ckpt-7", "1000", "final",
		"Last", "best", "latest", "iteration.4", "ckpt_epoch_3" };
	static const char *const no[] = { "checkpoints", "ckpt", "mp_rank_00",
		"exp42", "seed1", "step_size", "steps", "run-3", "", "v2" };
	struct exl_ckpt_query q = { 0 };
	char *g[] = { "**/*.pt" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ok(exl_checkpoint_save_dir(yes[i], strlen(yes[i])),
		   "a save's directory: %s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ok(!exl_checkpoint_save_dir(no[i], strlen(no[i])),
		   "not a save's directory: '%s'", no[i]);
	mkdirs("mg");
	mkdirs("mg/iter_0000200");
	mkdirs("mg/iter_0000200/mp_rank_00");
	touch("mg/iter_0000200/mp_rank_00/model_optim_rng.pt", T0, 0);
	is_int(newest("mg", "**/*.pt", NULL, 0), 0, "Megatron layout found");
	is_str(rel("mg"), "iter_0000200/", "the iteration's directory, not "
	       "the rank's");
	mkdirs("mg/epoch_1");
	mkdirs("mg/epoch_1/step_300");
	touch("mg/epoch_1/step_300/w.pt", T0 + 1, 0);
	newest("mg", "**/*.pt", NULL, 0);
	is_str(rel("mg"), "epoch_1/step_300/", "the deepest save's directory");
	q.base_dir = td_path("mg");
	q.globs = g;
	q.n_globs = 1;
	ok(exl_checkpoint_search(&q, out, sizeof(out), &err) == 0 &&
	   strcmp(rel("mg"), "epoch_1/step_300/w.pt") == 0,
	   "without save_dirs the file itself: %s", out);
	ok(exl_checkpoint_size(td_path("mg/iter_0000200")) == 1,
	   "a directory's size: its files' bytes");
	ok(exl_checkpoint_size(td_path("mg/epoch_1/step_300/w.pt")) == 1,
	   "a file's size");
	ok(exl_checkpoint_size(td_path("mg/none")) < 0, "nothing there: -1");
}

static void test_errors(void)
{
	static char *const bad[] = { "", "/etc/*", "../x", "a/../b", "./." };
	char small[8];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(exl_checkpoint_newest(td_path("run"), &bad[i], 1, 0, NULL, out,
					 sizeof(out), &err) < 0,
		   "glob '%s' refused: %s", bad[i], err.text);
	ok(exl_checkpoint_newest(td_path("none"), (char *[]){ "*" }, 1, 0, NULL,
				 out,
				 sizeof(out), &err) < 0 &&
	   strstr(err.text, "couldn't open"), "missing base: %s", err.text);
	ok(exl_checkpoint_newest(td_path("run"), (char *[]){ "last.ckpt" }, 1,
				 0, NULL, small, sizeof(small), &err) < 0 &&
	   strstr(err.text, "too long"), "short output buffer");
	is_int(exl_checkpoint_newest(td_path("run"), NULL, 0, 0, NULL, out,
				     sizeof(out), &err), 1, "no globs: none");
}

int main(void)
{
	if (td_init() < 0)
		return 1;
	test_basic();
	test_skip_root();
	test_skip_other_roots();
	test_recursive();
	test_symlinks();
	test_defaults();
	test_save_dirs();
	test_errors();
	td_cleanup();
	return done_testing();
}
