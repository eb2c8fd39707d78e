/* Unit tests: the link lock that stands in for fcntl locks (stale
 * holders, breaking, two processes serialising) and the modes of a team
 * root (util/sharemode.h).  fcntl is interposed by tests/fake_nolock (linked
 * in) so that locks can be made to fail with ENOLCK, as on a filesystem
 * without fcntl locks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/linklock.h"
#include "util/sharemode.h"
#include "fake_nolock.h"
#include "tap.h"

static char dir[] = "/tmp/exl-linklock-XXXXXX";

static char *p(const char *name)
{
	return tap_path(dir, name);
}

/* dead_pid: a pid that just exited. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

/* bump: add 1 to the number in counter under the lock, slowly enough
 * that two unlocked writers would lose updates. */
static int bump(int times)
{
	struct exl_err err;
	int i, fd, n;
	char *buf, num[32];

	for (i = 0; i < times; i++) {
		fd = exl_lock(p("g.lock"), 30, &err);
		if (fd < 0 || exl_lock_kind() != EXL_LOCK_LINK)
			return 1;
		if (exl_read_file(p("counter"), 100, &buf, NULL, &err) < 0)
			return 1;
		n = atoi(buf);
		free(buf);
		usleep(200);
		snprintf(num, sizeof(num), "%d\n", n + 1);
		if (exl_write_atomic(p("counter"), num, strlen(num), 0644,
				     &err) < 0)
			return 1;
		exl_unlock(fd);
	}
	return 0;
}

static void test_stale(void)
{
	char host[256], text[512];
	time_t now = time(NULL);

	gethostname(host, sizeof(host));
	host[255] = '\0';
	snprintf(text, sizeof(text), "host=%s\npid=%ld\nboot=B1\n", host,
		 (long)getpid());
	is_int(exl_linklock_stale(text, now - 1000, now, host, "B1"), 0,
	       "same host, live holder: kept, however old");
	is_int(exl_linklock_stale(text, now, now, host, "B2"), 1,
	       "same host, other boot id: stale");
	snprintf(text, sizeof(text), "host=%s\npid=%ld\nboot=B1\n", host,
		 (long)dead_pid());
	is_int(exl_linklock_stale(text, now, now, host, "B1"), 1,
	       "same host, dead holder: stale at once");
	is_int(exl_linklock_stale("host=elsewhere\npid=1\nboot=X\n", now - 5,
				  now, host, "B1"), 0,
	       "other host, fresh: kept");
	is_int(exl_linklock_stale("host=elsewhere\npid=1\nboot=X\n",
				  now - EXL_LINKLOCK_STALE - 1, now, host,
				  "B1"), 1, "other host, past the limit: stale");
	is_int(exl_linklock_stale("garbage", now, now, host, "B1"), 0,
	       "unreadable holder, fresh: kept");
	is_int(exl_linklock_stale("garbage", now - EXL_LINKLOCK_STALE - 1,
				  now, host, "B1"), 1,
	       "unreadable holder, old: stale");
}

static void test_take(void)
{
	struct exl_err err;
	char *tok = NULL, *tok2 = NULL, *held = NULL, text[512], host[256];
	pid_t pid;
	int rc;

	ok(exl_linklock_take(p("a.lock"), 5, &tok, &err) == 0, "take");
	ok(exl_read_file(p("a.lock.held"), 4096, &held, NULL, &err) == 0 &&
	   strstr(held, "pid=") && strstr(held, "host=") &&
	   strstr(held, "boot="), "holder file names host, pid and boot id");
	free(held);
	pid = fork();
	if (pid == 0) {
		char *t = NULL;
		struct exl_err e2;

		_exit(exl_linklock_take(p("a.lock"), 1, &t, &e2) < 0 &&
		      strstr(e2.text, "timed out") ? 0 : 1);
	}
	ok(waitpid(pid, &rc, 0) == pid && WIFEXITED(rc) &&
	   WEXITSTATUS(rc) == 0, "a second process waits and times out");
	exl_linklock_release(p("a.lock"), tok);
	ok(access(p("a.lock.held"), F_OK) < 0, "release removes the holder");
	free(tok);

	/* a holder that died: its lock is broken at once */
	gethostname(host, sizeof(host));
	host[255] = '\0';
	snprintf(text, sizeof(text), "host=%s\npid=%ld\n", host,
		 (long)dead_pid());
	ok(exl_create_exclusive(p("a.lock.held"), text, strlen(text), 0644,
				&err) == 0, "plant a dead holder");
	ok(exl_linklock_take(p("a.lock"), 2, &tok, &err) == 0,
	   "dead holder's lock broken: %s", tok ? "taken" : err.text);
	ok(access(p("a.lock.held.break"), F_OK) < 0, "no breaker file left");
	/* release does not remove a lock that is no longer ours */
	unlink(p("a.lock.held"));
	ok(exl_linklock_take(p("a.lock"), 2, &tok2, &err) == 0,
	   "another holder took it");
	exl_linklock_release(p("a.lock"), tok);
	ok(access(p("a.lock.held"), F_OK) == 0,
	   "releasing a broken lock leaves the new holder's");
	exl_linklock_release(p("a.lock"), tok2);
	free(tok);
	free(tok2);
}

static void test_fallback(void)
{
	struct exl_err err;
	char *buf = NULL;
	pid_t a, b;
	int fd, sa, sb;

	fake_nolock_on = 1;
	fd = exl_lock(p("g.lock"), 5, &err);
	ok(fd >= 0 && exl_lock_kind() == EXL_LOCK_LINK,
	   "fcntl ENOLCK: exl_lock falls back to the link lock");
	ok(access(p("g.lock.held"), F_OK) == 0, "held while locked");
	exl_unlock(fd);
	ok(access(p("g.lock.held"), F_OK) < 0, "unlock releases it");
	is_str(exl_lock_kind_name(EXL_LOCK_LINK),
	       "link file (the filesystem has no fcntl locks)", "kind name");

	/* two processes serialise through it */
	ok(exl_write_atomic(p("counter"), "0\n", 2, 0644, &err) == 0,
	   "counter");
	a = fork();
	if (a == 0)
		_exit(bump(150));
	b = fork();
	if (b == 0)
		_exit(bump(150));
	ok(waitpid(a, &sa, 0) == a && waitpid(b, &sb, 0) == b &&
	   WIFEXITED(sa) && !WEXITSTATUS(sa) && WIFEXITED(sb) &&
	   !WEXITSTATUS(sb), "both writers finished");
	if (exl_read_file(p("counter"), 100, &buf, NULL, &err) < 0)
		buf = NULL;
	is_int(buf ? atoi(buf) : -1, 300, "no update lost");
	free(buf);
	ok(access(p("g.lock.held"), F_OK) < 0, "no lock left behind");
	fake_nolock_on = 0;
	fd = exl_lock(p("g.lock"), 5, &err);
	ok(fd >= 0 && exl_lock_kind() == EXL_LOCK_FCNTL,
	   "working fcntl: fcntl lock");
	exl_unlock(fd);
}

static void test_share(void)
{
	struct exl_err err;
	struct stat st;
	mode_t old = umask(022);
	int fd;

	is_int(exl_share_mode_of(02775 | S_IFDIR, 0644, 0), 0664,
	       "file in a group-writable dir: group write");
	is_int(exl_share_mode_of(02775 | S_IFDIR, 0755, 1), 02775,
	       "dir in a setgid group-writable dir: g+rwxs");
	is_int(exl_share_mode_of(0755 | S_IFDIR, 0644, 0), 0644,
	       "one-user dir: mode unchanged");
	is_int(exl_share_mode_of(02775 | S_IFDIR, 0600, 0), 0600,
	       "private file stays private");
	ok(mkdir(p("team"), 0755) == 0 && chmod(p("team"), 02775) == 0,
	   "team root");
	ok(exl_write_atomic(p("team/a.md"), "a", 1, 0644, &err) == 0 &&
	   stat(p("team/a.md"), &st) == 0 && (st.st_mode & 07777) == 0664,
	   "atomic write in a team root: 0664 despite umask 022");
	ok(chmod(p("team/a.md"), 0644) == 0 &&
	   exl_write_atomic(p("team/a.md"), "b", 1, 0644, &err) == 0 &&
	   stat(p("team/a.md"), &st) == 0 && (st.st_mode & 07777) == 0664,
	   "rewrite gives an existing 0644 file group write back");
	ok(exl_mkdir_p(p("team/x/y"), 0755, &err) == 0 &&
	   stat(p("team/x/y"), &st) == 0 && (st.st_mode & 07777) == 02775,
	   "mkdir -p in a team root: 2775");
	fd = exl_lock(p("team/x/y/g.lock"), 5, &err);
	ok(fd >= 0 && stat(p("team/x/y/g.lock"), &st) == 0 &&
	   (st.st_mode & 07777) == 0664, "lock file any member can open");
	exl_unlock(fd);
	ok(exl_create_exclusive(p("team/c.md"), "c", 1, 0644, &err) == 0 &&
	   stat(p("team/c.md"), &st) == 0 && (st.st_mode & 07777) == 0664,
	   "exclusive create: 0664");
	ok(exl_write_atomic(p("b.md"), "b", 1, 0644, &err) == 0 &&
	   stat(p("b.md"), &st) == 0 && (st.st_mode & 07777) == 0644,
	   "outside a team root: 0644 as before");
	umask(old);
}

int main(void)
{
	char cmd[300];

	fake_nolock_on = 0;	/* real fcntl locks until test_fallback */
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	chmod(dir, 0755);
	test_stale();
	test_take();
	test_fallback();
	test_share();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("couldn't remove %s", dir);
	return done_testing();
}
