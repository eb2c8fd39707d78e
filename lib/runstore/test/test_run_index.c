/* Unit tests: the run index (run_index.h): names, the open -> ended
 * lifecycle, the keep window, hostile entries, rename, sync, prune. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "runstore/run_index.h"
#include "tap.h"
#include "tmpdir.h"

#define DAY 86400
/* one byte over the largest entry run_index.c reads */
#define ENTRY_BIG 4097

static char root[256];

/* exists: is root/rel there (not following a symlink)? */
static int exists(const char *rel)
{
	char p[1024];
	struct stat st;

	snprintf(p, sizeof(p), "%s/.exp-log/index/%s", root, rel);
	return lstat(p, &st) == 0;
}

/* ino: the inode of index entry rel (0: none). */
static ino_t ino(const char *rel)
{
	char p[1024];
	struct stat st;

	snprintf(p, sizeof(p), "%s/.exp-log/index/%s", root, rel);
	return lstat(p, &st) == 0 ? st.st_ino : 0;
}

/* has_end: entry rel's text names its end. */
static int has_end(const char *rel)
{
	char p[1024], buf[256] = "";
	FILE *f;

	snprintf(p, sizeof(p), "%s/.exp-log/index/%s", root, rel);
	if (!(f = fopen(p, "r")))
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "\"end\"") != NULL;
}

/* find: the entry of l with key, or NULL. */
static const struct exl_index_entry *find(const struct exl_index_list *l,
					  const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	return NULL;
}

static void names(void)
{
	char key[32], key2[32], day[16];
	char longkey[EXL_INDEX_KEY_MAX + 2];

	ok(exl_index_valid_key("12345") == 0, "job id is a key");
	ok(exl_index_valid_key("12345_7") == 0, "array task id");
	ok(exl_index_valid_key("local:vm:42") == 0, "local id");
	ok(exl_index_valid_key("+r0123456789abcdef") == 0, "hash key");
	ok(exl_index_valid_key(".hidden") < 0, "no leading dot");
	ok(exl_index_valid_key("a/b") < 0, "no slash");
	ok(exl_index_valid_key("") < 0 && exl_index_valid_key(NULL) < 0,
	   "empty and NULL refused");
	memset(longkey, 'a', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	ok(exl_index_valid_key(longkey) < 0, "longer than %d refused",
	   EXL_INDEX_KEY_MAX);
	longkey[EXL_INDEX_KEY_MAX] = '\0';
	ok(exl_index_valid_key(longkey) == 0, "exactly %d allowed",
	   EXL_INDEX_KEY_MAX);

	ok(exl_index_valid_rel("g/2026-03-11_a.md") == 0, "group/name.md");
	ok(exl_index_valid_rel("2026-03-11_a.md") == 0, "flat name.md");
	ok(exl_index_valid_rel("../x.md") < 0, "no ..");
	ok(exl_index_valid_rel("/etc/x.md") < 0, "no absolute path");
	ok(exl_index_valid_rel("a/b/c.md") < 0, "one level of group only");
	ok(exl_index_valid_rel("g/timeline.md") < 0, "timeline is no run log");
	ok(exl_index_valid_rel("g/x.txt") < 0, "not markdown");
	ok(exl_index_valid_rel(NULL) < 0, "NULL refused");

	exl_index_hash_key("g/a.md", key, sizeof(key));
	exl_index_hash_key("g/a.md", key2, sizeof(key2));
	ok(strlen(key) == 18 && strncmp(key, "+r", 2) == 0 &&
	   exl_index_valid_key(key) == 0, "hash key +r and 16 hex (%s)", key);
	is_str(key, key2, "stable");
	exl_index_hash_key("g/b.md", key2, sizeof(key2));
	ok(strcmp(key, key2) != 0, "differs by path");

	exl_index_day(0, day, sizeof(day));
	is_str(day, "1970-01-01", "day of the epoch");
	exl_index_day(1773241200, day, sizeof(day));
	is_str(day, "2026-03-11", "a day in UTC");
}

static void lifecycle(time_t now)
{
	struct exl_index_list l;
	struct exl_err err;
	char day[16], old[16];
	ino_t opened;

	ok(exl_index_ready(root) == 0, "no index yet: not ready");
	ok(exl_index_init(root, 0, &err) == 0, "init without stamp");
	ok(exl_index_ready(root) == 0, "not ready without a stamp");
	ok(exl_index_init(root, 1, &err) == 0 && exl_index_ready(root) == 1,
	   "stamped: ready");

	ok(exl_index_open(root, "101", "101", "g/2026-03-11_a.md", &err) == 0,
	   "open 101");
	ok(exl_index_open(root, "102", NULL, "2026-03-11_b.md", &err) == 0,
	   "open 102 without job id");
	ok(exl_index_open(root, "bad/key", NULL, "g/a.md", &err) < 0 &&
	   strstr(err.text, "key"), "a bad key refused: %s", err.text);
	ok(exl_index_open(root, "103", NULL, "../a.md", &err) < 0,
	   "a path outside the root refused: %s", err.text);

	ok(exl_index_read(root, 0, &l, &err) == 0 && l.n == 2 && !l.skipped,
	   "read: two open entries");
	ok(find(&l, "101") && find(&l, "101")->job_id &&
	   strcmp(find(&l, "101")->rel, "g/2026-03-11_a.md") == 0 &&
	   find(&l, "101")->day[0] == '\0', "101 open, its run log");
	ok(find(&l, "102") && !find(&l, "102")->job_id, "102 has no job id");
	exl_index_list_free(&l);

	/* drop only when the key still names the run */
	ok(exl_index_drop(root, "101", "g/other.md", &err) == 0 &&
	   exists("open/101"), "drop naming another run keeps the entry");
	ok(exl_index_drop(root, "999", NULL, &err) == 0, "dropping a missing "
	   "entry is fine");

	exl_index_day(now - DAY, day, sizeof(day));
	opened = ino("open/101");
	ok(exl_index_end(root, "101", "101", "g/2026-03-11_a.md", now - DAY,
			 now, &err) == 0, "end 101 yesterday");
	ok(!exists("open/101"), "open entry gone");
	{
		char p[64];

		snprintf(p, sizeof(p), "ended/%s/101", day);
		ok(exists(p), "ended entry under %s", day);
		ok(opened && ino(p) == opened && !has_end(p),
		   "the open entry itself moved there (no file made), its "
		   "end in its mtime");
	}
	ok(exl_index_read(root, now - 3600, &l, &err) == 0 && l.n == 1 &&
	   find(&l, "102"), "since an hour ago: only the open run");
	exl_index_list_free(&l);
	ok(exl_index_read(root, now - 2 * DAY, &l, &err) == 0 && l.n == 2 &&
	   find(&l, "101") && find(&l, "101")->end == now - DAY &&
	   strcmp(find(&l, "101")->day, day) == 0,
	   "since two days: both, the moved entry's end read from its mtime");
	exl_index_list_free(&l);

	/* an end older than the keep window is not recorded */
	exl_index_day(now - 30 * DAY, old, sizeof(old));
	ok(exl_index_end(root, "102", NULL, "2026-03-11_b.md", now - 30 * DAY,
			 now, &err) == 0 && !exists("open/102"),
	   "a month-old end: open entry goes");
	{
		char p[64];

		snprintf(p, sizeof(p), "ended/%s", old);
		ok(!exists(p), "and nothing is filed under %s", old);
	}

	/* prune removes old days when an end is recorded */
	ok(mkdir(".exp-log/index/ended/2000-01-01", 0755) == 0 &&
	   tmpdir_put(root, ".exp-log/index/ended/2000-01-01/7",
		      "{\"job_id\":\"7\",\"run_log\":\"x.md\",\"end\":1}\n") == 0,
	   "an ended day from 2000");
	ok(exl_index_open(root, "104", "104", "g/2026-03-11_c.md", &err) == 0 &&
	   exl_index_end(root, "104", "104", "g/2026-03-11_c.md", 0, now,
			 &err) == 0, "end 104 now");
	ok(!exists("ended/2000-01-01"), "the old day was pruned");

	/* an open entry that names another run log is not moved: the end
	 * is written in a new entry's text, the other run's entry stays */
	exl_index_day(now - 60, day, sizeof(day));
	ok(exl_index_open(root, "107", "107", "g/2026-03-11_other.md",
			  &err) == 0 &&
	   exl_index_end(root, "107", "107", "g/2026-03-11_g.md", now - 60,
			 now, &err) == 0 && exists("open/107"),
	   "an end for another run log keeps the open entry");
	{
		char p[64];

		snprintf(p, sizeof(p), "ended/%s/107", day);
		ok(exists(p) && has_end(p), "and writes its end in the text");
	}
	ok(exl_index_drop(root, "107", NULL, &err) == 0, "107 dropped");

	/* rename follows a run log to its new name */
	ok(exl_index_rename(root, "g/2026-03-11_c.md", "g/2026-03-11_d.md",
			    &err) == 0, "rename");
	ok(exl_index_read(root, 0, &l, &err) == 0 && find(&l, "104") &&
	   strcmp(find(&l, "104")->rel, "g/2026-03-11_d.md") == 0 &&
	   find(&l, "104")->end > 0, "the ended entry names the new file");
	exl_index_list_free(&l);
	ok(exl_index_rename(root, "g/2026-03-11_d.md", "../x.md", &err) < 0,
	   "renaming to a path outside refused");
}

static void hostile(time_t now)
{
	struct exl_index_list l;
	struct exl_err err;
	char big[ENTRY_BIG + 64];
	struct utimbuf tb = { now - 7200, now - 7200 };

	ok(symlink("/etc/passwd", ".exp-log/index/open/evil") == 0,
	   "a symlink entry");
	tmpdir_put(root, ".exp-log/index/open/garbage", "not json\n");
	tmpdir_put(root, ".exp-log/index/open/escape",
		   "{\"job_id\":\"1\",\"run_log\":\"../../etc/x.md\"}\n");
	tmpdir_put(root, ".exp-log/index/open/withend",
		   "{\"job_id\":\"1\",\"run_log\":\"a.md\",\"end\":5}\n");
	tmpdir_put(root, ".exp-log/index/open/badid",
		   "{\"job_id\":\"../x\",\"run_log\":\"a.md\"}\n");
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "{\"run_log\":\"a.md\"}", 18);
	tmpdir_put(root, ".exp-log/index/open/big", big);
	ok(mkdir(".exp-log/index/open/adir", 0755) == 0, "a directory");
	tmpdir_put(root, ".exp-log/index/open/.tmp.1.0.stale", "x");
	ok(utime(".exp-log/index/open/.tmp.1.0.stale", &tb) == 0,
	   "a temp file two hours old");
	tmpdir_put(root, ".exp-log/index/open/.tmp.2.0.fresh", "x");
	tmpdir_put(root, ".exp-log/index/open/ok1",
		   "{\"job_id\":\"ok1\",\"run_log\":\"g/2026-03-11_e.md\"}\n");

	ok(exl_index_read(root, 0, &l, &err) == 0, "read with hostile entries");
	ok(find(&l, "ok1") != NULL, "the good entry is read");
	ok(!find(&l, "evil") && !find(&l, "garbage") && !find(&l, "escape") &&
	   !find(&l, "withend") && !find(&l, "badid") && !find(&l, "big"),
	   "the others are not");
	is_int((int)l.skipped, 7, "skipped and counted");
	exl_index_list_free(&l);

	ok(exl_index_prune(root, now, &err) == 0, "prune");
	ok(!exists("open/evil") && !exists("open/garbage") &&
	   !exists("open/escape") && !exists("open/withend") &&
	   !exists("open/badid") && !exists("open/big"),
	   "prune removes what is not an entry");
	ok(access("/etc/passwd", F_OK) == 0, "and not what a symlink names");
	ok(!exists("open/.tmp.1.0.stale") && exists("open/.tmp.2.0.fresh"),
	   "a stale temp file goes, a writer's fresh one stays");
	ok(exists("open/ok1") && exists("open/adir"),
	   "good entries and directories stay");

	/* writing over a symlink replaces the name, never its target */
	ok(symlink("/etc/hostname", ".exp-log/index/open/105") == 0,
	   "a symlink where an entry goes");
	ok(exl_index_open(root, "105", "105", "g/2026-03-11_f.md", &err) == 0,
	   "open over it");
	{
		struct stat st;

		ok(lstat(".exp-log/index/open/105", &st) == 0 &&
		   S_ISREG(st.st_mode), "the entry is a regular file now");
	}

	/* a symlinked index directory is not followed */
	ok(rename(".exp-log/index/open", "open.real") == 0 &&
	   symlink("../../open.real", ".exp-log/index/open") == 0,
	   "index/open made a symlink");
	ok(exl_index_read(root, 0, &l, &err) < 0 &&
	   (errno == ELOOP || errno == ENOTDIR),
	   "read refuses it: %s", err.text);
	exl_index_list_free(&l);
	ok(exl_index_ready(root) == 0, "not ready");
	ok(exl_index_open(root, "106", NULL, "a.md", &err) < 0,
	   "a writer refuses it too");
	ok(unlink(".exp-log/index/open") == 0 &&
	   rename("open.real", ".exp-log/index/open") == 0, "restored");
}

static void sync_group(time_t now)
{
	struct exl_index_run runs[] = {
		{ "s/2026-03-11_open.md", "201", 1, 0 },
		{ "s/2026-03-11_done.md", "202", 0, 0 },
		{ "s/2026-03-11_hand.md", NULL, 1, 0 },
		{ "s/2026-03-11_ancient.md", "204", 0, 0 },
	};
	struct exl_index_list cur, l;
	struct exl_err err;
	size_t changed;
	char hkey[32];

	runs[1].end = now - 3600;
	runs[3].end = now - 30 * DAY;
	/* 201 has a job index naming its log; 202's names another file */
	tmpdir_put(root, ".exp-log/jobs/201.json",
		   "{\"run_log\":\"s/2026-03-11_open.md\"}\n");
	tmpdir_put(root, ".exp-log/jobs/202.json",
		   "{\"run_log\":\"s/2026-03-11_other.md\"}\n");
	/* stale entries of the group, and one of another group */
	ok(exl_index_open(root, "299", "299", "s/2026-03-10_gone.md", &err) == 0 &&
	   exl_index_open(root, "300", "300", "t/2026-03-10_keep.md", &err) == 0,
	   "a stale entry in s, one in t");

	ok(exl_index_read(root, 0, &cur, &err) == 0, "read");
	ok(exl_index_sync(root, "s", runs, 4, &cur, now, &changed, &err) == 0,
	   "sync group s");
	exl_index_list_free(&cur);
	is_int((int)changed, 4, "three written, one removed");
	ok(exl_index_read(root, 0, &l, &err) == 0, "read again");
	ok(find(&l, "201") && !find(&l, "201")->day[0], "201 open, by job id");
	exl_index_hash_key("s/2026-03-11_done.md", hkey, sizeof(hkey));
	ok(find(&l, hkey) && find(&l, hkey)->day[0] &&
	   find(&l, hkey)->end == now - 3600,
	   "202's job index names another log: hash key, ended");
	exl_index_hash_key("s/2026-03-11_hand.md", hkey, sizeof(hkey));
	ok(find(&l, hkey) && !find(&l, hkey)->day[0], "hand-written: hash key");
	ok(!find(&l, "204"), "ancient run not listed");
	ok(!find(&l, "299"), "stale entry of s removed");
	ok(find(&l, "300") != NULL, "t untouched");

	ok(exl_index_sync(root, "s", runs, 4, &l, now, &changed, &err) == 0 &&
	   changed == 0, "a second sync changes nothing");
	exl_index_list_free(&l);
}

int main(void)
{
	time_t now = time(NULL);

	if (!tmpdir_make(root, sizeof(root)) || chdir(root) < 0 ||
	    mkdir(".exp-log", 0755) < 0)
		return 1;
	names();
	lifecycle(now);
	hostile(now);
	sync_group(now);
	if (chdir("/") == 0)
		tmpdir_remove(root);
	return done_testing();
}
