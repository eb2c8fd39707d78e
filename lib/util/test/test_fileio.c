/* Unit tests: atomic writes, exclusive create, locks, no-follow rules. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/jsonfile.h"
#include "tap.h"

static char dir[] = "/tmp/exl-fileio-XXXXXX";

static char *p(const char *name)
{
	return tap_path(dir, name);
}

static int count_entries(void)
{
	char cmd[300];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

/* exl_json_from_pairs: statepoints as a JSON object of strings. */
static void pairs(void)
{
	json_object *o = exl_json_from_pairs("lr=0.01,seed=3,bare,x=a=b");

	is_str(o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) :
	       NULL, "{\"lr\":\"0.01\",\"seed\":\"3\",\"x\":\"a=b\"}",
	       "pairs: strings, a pair without '=' skipped, '=' in a value kept");
	json_object_put(o);
	o = exl_json_from_pairs(NULL);
	ok(o && json_object_object_length(o) == 0, "pairs: none, an empty object");
	json_object_put(o);
}

/* A writer's view of "has the file changed since I read it?", with a
 * person who saves at the worst moment: right after a look said no. */
struct saver {
	struct stat loaded;
	int looks, saves_after;	/* save after look number saves_after */
};

static int unchanged(const struct stat *a, const char *path)
{
	struct stat now;

	return lstat(path, &now) == 0 && now.st_ino == a->st_ino &&
	       now.st_dev == a->st_dev;
}

static int changed_then_save(void *arg, const char *path)
{
	struct saver *s = arg;
	int changed = !unchanged(&s->loaded, path);
	FILE *f;

	if (++s->looks == s->saves_after) {
		/* the editor's save: a new file renamed over the old one */
		f = fopen(p("person.tmp"), "w");
		if (!f || fputs("person's save\n", f) < 0 || fclose(f) != 0 ||
		    rename(p("person.tmp"), p("w.md")) < 0)
			return 1;
	}
	return changed;
}

/* exl_write_atomic_unless never overwrites a save, wherever it lands. */
static void unless(void)
{
	struct exl_err err;
	struct saver s;
	char *buf = NULL;
	size_t len;
	int rc;

	ok(exl_write_atomic(p("w.md"), "v1\n", 3, 0644, &err) == 0,
	   "unless: first version");
	memset(&s, 0, sizeof(s));
	ok(lstat(p("w.md"), &s.loaded) == 0, "unless: loaded");
	rc = exl_write_atomic_unless(p("w.md"), "mine\n", 5, 0644,
				     changed_then_save, &s, &err);
	is_int(rc, 0, "unless: nobody saved, written");
	ok(exl_read_file(p("w.md"), 100, &buf, &len, &err) == 0 &&
	   strcmp(buf, "mine\n") == 0, "unless: our version in place");
	free(buf);

	/* the save lands between the last look and the swap */
	memset(&s, 0, sizeof(s));
	s.saves_after = 1;
	ok(lstat(p("w.md"), &s.loaded) == 0, "unless: loaded again");
	rc = exl_write_atomic_unless(p("w.md"), "mine 2\n", 7, 0644,
				     changed_then_save, &s, &err);
	is_int(rc, 1, "unless: a save in the window is seen");
	is_int(s.looks, 2, "unless: seen on the displaced file");
	buf = NULL;
	rc = exl_read_file(p("w.md"), 100, &buf, &len, &err);
	ok(rc == 0 && strcmp(buf, "person's save\n") == 0,
	   "unless: the person's save is kept: %s", rc == 0 ? buf : err.text);
	free(buf);

	/* a save before the last look: nothing is swapped */
	memset(&s, 0, sizeof(s));
	ok(lstat(p("w.md"), &s.loaded) == 0, "unless: loaded a third time");
	ok(exl_write_atomic(p("w.md"), "someone else\n", 13, 0644, &err) == 0,
	   "unless: saved before the look");
	rc = exl_write_atomic_unless(p("w.md"), "mine 3\n", 7, 0644,
				     changed_then_save, &s, &err);
	is_int(rc, 1, "unless: the earlier save is seen");
	ok(exl_read_file(p("w.md"), 100, &buf, &len, &err) == 0 &&
	   strcmp(buf, "someone else\n") == 0, "unless: and kept");
	free(buf);
	ok(unlink(p("w.md")) == 0, "unless: no temp file left beside it");
}

/* ino: path's inode number, 0 when there is none */
static ino_t ino(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? st.st_ino : 0;
}

/* text_is: path holds exactly want */
static int text_is(const char *path, const char *want)
{
	struct exl_err err;
	char *buf = NULL;
	size_t len;
	int same;

	if (exl_read_file(path, 4096, &buf, &len, &err) < 0)
		return 0;
	same = len == strlen(want) && memcmp(buf, want, len) == 0;
	free(buf);
	return same;
}

/* exl_write_atomic_spare: after the first rewrite the same two files
 * take turns (no file created or freed per write), the spare holds the
 * version replaced, and a spare that is not a plain file of ours is
 * never written through. */
static void spare(void)
{
	struct exl_err err;
	struct saver s = { 0 };
	char cmd[300];
	ino_t a, b;
	int i, rc = 0;

	if (mkdir(p("sp"), 0755) < 0 || mkdir(p("sp/state"), 0755) < 0)
		tap_bail("mkdir");
	ok(exl_write_atomic(p("sp/log.md"), "v1\n", 3, 0644, &err) == 0,
	   "spare: the first version");
	a = ino(p("sp/log.md"));
	ok(exl_write_atomic_spare(p("sp/log.md"), p("sp/state/.prev"), "v2\n",
				  3, 0644, NULL, NULL, &err) == 0 &&
	   text_is(p("sp/log.md"), "v2\n") &&
	   text_is(p("sp/state/.prev"), "v1\n"),
	   "spare: the replaced version is kept as the spare");
	is_int((long)ino(p("sp/state/.prev")), (long)a,
	       "spare: the spare is the file that was replaced");
	b = ino(p("sp/log.md"));
	for (i = 3; i <= 6; i++) {
		char v[8];

		snprintf(v, sizeof(v), "v%d\n", i);
		rc |= exl_write_atomic_spare(p("sp/log.md"), p("sp/state/.prev"),
					     v, 3, 0644, NULL, NULL, &err);
	}
	ok(rc == 0 && text_is(p("sp/log.md"), "v6\n") &&
	   text_is(p("sp/state/.prev"), "v5\n"),
	   "spare: four more writes, each replacing the last");
	ok((ino(p("sp/log.md")) == a && ino(p("sp/state/.prev")) == b) ||
	   (ino(p("sp/log.md")) == b && ino(p("sp/state/.prev")) == a),
	   "spare: the same two files took turns (no new file per write)");
	snprintf(cmd, sizeof(cmd), "test $(ls -A %s/sp | wc -l) = 2 && "
		 "test $(ls -A %s/sp/state | wc -l) = 1", dir, dir);
	ok(system(cmd) == 0, "spare: no temp file left behind");

	/* a symlink as the spare: removed, its target untouched */
	if (exl_write_atomic(p("sp/victim"), "keep\n", 5, 0644, &err) < 0 ||
	    unlink(p("sp/state/.prev")) < 0 ||
	    symlink(p("sp/victim"), p("sp/state/.prev")) < 0)
		tap_bail("symlink");
	ok(exl_write_atomic_spare(p("sp/log.md"), p("sp/state/.prev"), "v7\n",
				  3, 0644, NULL, NULL, &err) == 0 &&
	   text_is(p("sp/log.md"), "v7\n") && text_is(p("sp/victim"), "keep\n"),
	   "spare: a symlink is never written through");
	ok(text_is(p("sp/state/.prev"), "v6\n"),
	   "spare: a fresh one took the symlink's place");
	/* a second link to the spare: the other name keeps its text */
	if (link(p("sp/state/.prev"), p("sp/other")) < 0)
		tap_bail("link");
	ok(exl_write_atomic_spare(p("sp/log.md"), p("sp/state/.prev"), "v8\n",
				  3, 0644, NULL, NULL, &err) == 0 &&
	   text_is(p("sp/log.md"), "v8\n") && text_is(p("sp/other"), "v6\n"),
	   "spare: a file with another link is never written through");
	/* a person's save that landed meanwhile stays */
	s.saves_after = 1;
	if (lstat(p("sp/log.md"), &s.loaded) < 0)
		tap_bail("lstat");
	if (rename(p("sp/log.md"), p("w.md")) < 0)
		tap_bail("rename");
	rc = exl_write_atomic_spare(p("w.md"), p("sp/state/.prev"), "mine\n",
				    5, 0644, changed_then_save, &s, &err);
	ok(rc == 1 && text_is(p("w.md"), "person's save\n"),
	   "spare: a person's save is never overwritten (%d)", rc);
	unlink(p("w.md"));
}

int main(void)
{
	struct exl_err err;
	struct stat st;
	char *buf = NULL;
	size_t len;
	int fd, fd2, rc;
	pid_t pid;

	pairs();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	ok(exl_write_atomic(p("a.md"), "hello\n", 6, 0640, &err) == 0,
	   "atomic write creates");
	ok(stat(p("a.md"), &st) == 0 && (st.st_mode & 0777) == 0640,
	   "new file gets the requested mode");
	ok(exl_read_file(p("a.md"), 100, &buf, &len, &err) == 0 && len == 6 &&
	   strcmp(buf, "hello\n") == 0, "read back");
	free(buf);
	chmod(p("a.md"), 0600);
	ok(exl_write_atomic(p("a.md"), "bye\n", 4, 0644, &err) == 0,
	   "atomic write replaces");
	ok(stat(p("a.md"), &st) == 0 && (st.st_mode & 0777) == 0600,
	   "replacement keeps the existing mode");
	is_int(count_entries(), 1, "no temp file left behind");
	unless();
	is_int(count_entries(), 1, "unless: no temp file left behind");

	ok(exl_read_file(p("a.md"), 2, &buf, &len, &err) < 0 &&
	   strstr(err.text, "too large"), "size limit enforced: %s", err.text);
	ok(exl_read_file(p("missing"), 100, &buf, &len, &err) < 0 &&
	   errno == ENOENT, "missing file reports ENOENT");

	ok(symlink(p("a.md"), p("link.md")) == 0, "make a symlink");
	ok(exl_read_file(p("link.md"), 100, &buf, &len, &err) < 0 &&
	   strstr(err.text, "symlink"), "read refuses symlink: %s", err.text);
	ok(exl_write_atomic(p("link.md"), "x", 1, 0644, &err) < 0 &&
	   strstr(err.text, "symlink"), "write refuses symlink");
	ok(exl_read_file(p("a.md"), 100, &buf, &len, &err) == 0 &&
	   strcmp(buf, "bye\n") == 0, "symlink target untouched");
	free(buf);
	ok(exl_lock(p("link.md"), 1, &err) < 0, "lock refuses symlink");

	rc = exl_create_exclusive(p("new.md"), "one", 3, 0644, &err);
	is_int(rc, 0, "exclusive create");
	rc = exl_create_exclusive(p("new.md"), "two", 3, 0644, &err);
	is_int(rc, 1, "exclusive create reports existing file");
	ok(exl_read_file(p("new.md"), 100, &buf, &len, &err) == 0 &&
	   strcmp(buf, "one") == 0, "existing file not overwritten");
	free(buf);

	ok(exl_write_replace(p("state.json"), "{}", 2, 0644, &err) == 0 &&
	   exl_write_replace(p("state.json"), "{\"a\":1}", 7, 0644, &err) == 0,
	   "unsynced replace writes, then replaces");
	ok(exl_read_file(p("state.json"), 100, &buf, &len, &err) == 0 &&
	   strcmp(buf, "{\"a\":1}") == 0, "the replaced file is whole");
	free(buf);
	ok(exl_write_replace(p("link.md"), "x", 1, 0644, &err) < 0 &&
	   strstr(err.text, "symlink"), "unsynced replace refuses a symlink");
	ok(mkdir(p("adir"), 0755) == 0 &&
	   exl_write_replace(p("adir"), "x", 1, 0644, &err) < 0 &&
	   strstr(err.text, "not a regular file"),
	   "unsynced replace refuses a directory: %s", err.text);

	rc = exl_create_exclusive_unsynced(p("later.md"), "one", 3, 0644, &err);
	is_int(rc, 0, "exclusive create, directory synced later");
	rc = exl_create_exclusive_unsynced(p("later.md"), "two", 3, 0644, &err);
	is_int(rc, 1, "unsynced create reports existing file");
	ok(exl_read_file(p("later.md"), 100, &buf, &len, &err) == 0 &&
	   strcmp(buf, "one") == 0, "unsynced create left the first file");
	free(buf);
	ok(exl_sync_dir_of(p("later.md"), &err) == 0, "its directory synced");
	ok(exl_sync_path(p("later.md"), &err) == 0, "the file and its directory synced");
	ok(exl_sync_path(p("link.md"), &err) < 0 && strstr(err.text, "link.md"),
	   "sync refuses a symlink: %s", err.text);
	ok(exl_sync_dir_of(p("gone/later.md"), &err) < 0 &&
	   strstr(err.text, "gone/later.md"),
	   "a missing directory is an error naming the path: %s", err.text);

	ok(exl_mkdir_p(p("x/y/z"), 0755, &err) == 0, "mkdir -p");
	ok(exl_mkdir_p(p("x/y/z"), 0755, &err) == 0, "mkdir -p is idempotent");
	ok(exl_mkdir_p(p("x/y/z/a.md"), 0755, &err) == 0 &&
	   exl_mkdir_p(p("x/y/z/a.md"), 0755, &err) == 0,
	   "an existing last directory is taken as it is");
	ok(exl_mkdir_p(p("a.md/sub"), 0755, &err) < 0, "file in the way refused");
	ok(symlink(p("x"), p("xl")) == 0 && exl_mkdir_p(p("xl"), 0755, &err) < 0,
	   "symlink as last component refused");
	ok(exl_mkdir_p(p("xl/y/w"), 0755, &err) == 0,
	   "symlink above the last component tolerated");

	ok(exl_write_atomic(p("x"), "x", 1, 0644, &err) < 0,
	   "write refuses a directory");
	ok(exl_copy_file(p("a.md"), p("copy.md"), 100, &err) == 0,
	   "copy file");

	/* locks: a second process can't take the lock while we hold it */
	fd = exl_lock(p("g.lock"), 5, &err);
	ok(fd >= 0, "take lock");
	pid = fork();
	if (pid == 0) {
		struct exl_err e2;
		int f2 = exl_lock(p("g.lock"), 1, &e2);

		_exit(f2 < 0 && strstr(e2.text, "timed out") ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &rc, 0) == pid && WIFEXITED(rc) &&
	   WEXITSTATUS(rc) == 0, "second locker times out while held");
	exl_unlock(fd);
	fd2 = exl_lock(p("g.lock"), 1, &err);
	ok(fd2 >= 0, "lock free again after unlock");
	exl_unlock(fd2);
	ok(exl_lock_longest_wait_ms() == 0,
	   "no wait recorded without a holder");
	/* a child takes it and holds it for 0.3 s: our wait is recorded */
	{
		int pfd[2];
		char c;

		if (pipe(pfd) < 0)
			return 1;
		pid = fork();
		if (pid == 0) {
			struct timespec hold = { 0, 300 * 1000 * 1000 };
			struct exl_err e2;
			int f2 = exl_lock(p("g.lock"), 5, &e2);

			if (write(pfd[1], "x", 1) != 1)
				_exit(1);
			nanosleep(&hold, NULL);
			exl_unlock(f2);
			_exit(f2 < 0);
		}
		close(pfd[1]);
		fd2 = pid > 0 && read(pfd[0], &c, 1) == 1 ?
		      exl_lock(p("g.lock"), 5, &err) : -1;
		close(pfd[0]);
		ok(fd2 >= 0 && exl_lock_longest_wait_ms() >= 200 &&
		   exl_lock_longest_wait_ms() < 5000,
		   "waited for the holder: %.0f ms recorded",
		   exl_lock_longest_wait_ms());
		if (pid > 0)
			waitpid(pid, &rc, 0);
	}
	exl_unlock(fd2);

	/* unwritable directory: clean error, nothing created */
	if (geteuid() != 0) {
		chmod(p("x"), 0555);
		ok(exl_write_atomic(p("x/f"), "a", 1, 0644, &err) < 0 &&
		   strstr(err.text, "temp file"), "read-only dir: %s", err.text);
		chmod(p("x"), 0755);
	} else {
		diag("running as root: read-only dir case is covered by the cluster tests");
	}

	{
		char *j = exl_path_join("/a/", "b"), *d = exl_dirname("/a/b/c");

		is_str(j, "/a/b", "path join avoids double slash");
		is_str(d, "/a/b", "dirname");
		is_str(exl_basename("/a/b/c.md"), "c.md", "basename");
		free(j);
		free(d);
	}
	{
		const char *js = "{\"jobs\": [1, 2], \"n\": 3}";
		json_object *o = exl_json_parse(js, strlen(js), "test", NULL);
		json_object *a = exl_json_array(o, "jobs");

		ok(a && json_object_array_length(a) == 2, "json array");
		ok(!exl_json_array(o, "n") && !exl_json_array(o, "none") &&
		   !exl_json_array(NULL, "jobs"), "no array: NULL");
		json_object_put(o);
	}
	spare();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("couldn't remove %s", dir);
	}
	return done_testing();
}
