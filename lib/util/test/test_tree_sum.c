/* Unit tests: adding up a directory tree (files, bytes, newest mtime),
 * with its depth and entry limits, symlinks never followed. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tree_sum.h"
#include "tap.h"
#include "testdir.h"

#define T0 ((time_t)1704110400)

static void mkdirs(const char *name)
{
	mkdir(td_path(name), 0755);
}

/* file: name with text, its mtime t. */
static void file(const char *name, const char *text, time_t t)
{
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	td_write(name, text, "w");
	utimensat(AT_FDCWD, td_path(name), ts, AT_SYMLINK_NOFOLLOW);
}

/* sum: exl_tree_sum of td_root/dir with these limits. */
static struct exl_tree_sum sum(const char *dir, int depth, uint64_t max)
{
	struct exl_tree_sum t = { 0 };
	int fd = open(td_path(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		exl_tree_sum(fd, depth, max, &t);
	return t;
}

int main(void)
{
	struct exl_tree_sum t;

	if (td_init() < 0)
		return 1;
	mkdirs("d");
	mkdirs("d/a");
	mkdirs("d/a/b");
	mkdirs("outside");
	file("d/one", "12345", T0);
	file("d/a/two", "123", T0 + 20);
	file("d/a/b/three", "1", T0 + 10);
	file("outside/big", "0123456789", T0 + 99);
	ok(symlink(td_path("outside"), td_path("d/link")) == 0 &&
	   symlink(td_path("outside/big"), td_path("d/a/flink")) == 0,
	   "make symlinks");
	{
		/* only the files' times tell, the newest being d/a/two's */
		static const char *const old[] = { "d/a", "d/a/b", "d/link",
			"d/a/flink" };
		struct timespec ts[2] = { { T0, 0 }, { T0, 0 } };
		size_t i;

		for (i = 0; i < sizeof(old) / sizeof(old[0]); i++)
			utimensat(AT_FDCWD, td_path(old[i]), ts,
				  AT_SYMLINK_NOFOLLOW);
	}

	t = sum("d", 8, 1000);
	ok(t.files == 3 && t.bytes == 9 && !t.truncated,
	   "files and bytes below, links not followed: %llu files, %llu bytes",
	   (unsigned long long)t.files, (unsigned long long)t.bytes);
	is_int((long)t.mtime, (long)(T0 + 20), "the newest mtime seen");
	t = sum("d", 1, 1000);
	ok(t.files == 2 && t.bytes == 8, "one level below: d/a/b not entered");
	t = sum("d", 0, 1000);
	ok(t.files == 1 && t.bytes == 5, "depth 0: the directory itself only");
	t = sum("d", 8, 2);
	ok(t.truncated && t.seen == 3 && t.files <= 2,
	   "entry cap: stops at the entry past it (%llu seen)",
	   (unsigned long long)t.seen);
	t = sum("none", 8, 1000);
	ok(t.files == 0 && t.bytes == 0 && t.seen == 0, "nothing there: nothing added");
	td_cleanup();
	return done_testing();
}
