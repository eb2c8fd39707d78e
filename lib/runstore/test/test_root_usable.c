/* Unit tests: is a run-log root usable at submission (root_usable.c), and
 * the fallback record of a job without a run log (unlogged.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstore/root_usable.h"
#include "tap.h"
#include "runstore/unlogged.h"

static char dir[] = "/tmp/exl-root-XXXXXX";

static void seen(const struct exl_unlogged *u, void *arg)
{
	struct exl_unlogged *out = arg;

	*out = *u;
}

int main(void)
{
	struct exl_err err;
	struct exl_unlogged u;
	char p[512];
	FILE *f;

	if (!mkdtemp(dir))
		return 1;
	ok(exl_root_usable(dir, &err) == 0, "a writable directory");
	snprintf(p, sizeof(p), "%s/a/b/c", dir);
	ok(exl_root_usable(p, &err) == 0, "creatable below a writable one");
	ok(exl_root_usable("/proc/self/logs", &err) < 0 &&
	   strstr(err.text, "run-log directory /proc/self/logs is on /proc") &&
	   strstr(err.text, "--exp-log=DIR"), "/proc refused: %s", err.text);
	ok(exl_root_usable("/sys/x", &err) < 0 && strstr(err.text, "on /sys"),
	   "/sys refused");
	ok(exl_root_usable("/dev/pts/logs", &err) < 0 &&
	   strstr(err.text, "devpts"), "a pseudo file system found by statfs: %s",
	   err.text);
	ok(exl_root_usable("rel/logs", &err) < 0 &&
	   strstr(err.text, "not an absolute path"), "relative refused");
	snprintf(p, sizeof(p), "%s/file", dir);
	f = fopen(p, "w");
	if (f)
		fclose(f);
	ok(exl_root_usable(p, &err) < 0 && strstr(err.text, "is not a directory"),
	   "a file: %s", err.text);
	snprintf(p, sizeof(p), "%s/file/logs", dir);
	ok(exl_root_usable(p, &err) < 0 &&
	   strstr(err.text, "can't be created:") &&
	   strstr(err.text, "/file is not a directory"), "below a file: %s",
	   err.text);
	if (geteuid() != 0) {
		snprintf(p, sizeof(p), "%s/ro", dir);
		mkdir(p, 0555);
		ok(exl_root_usable(p, &err) < 0 &&
		   strstr(err.text, "is not writable by you"), "read-only: %s",
		   err.text);
		snprintf(p, sizeof(p), "%s/ro/sub", dir);
		ok(exl_root_usable(p, &err) < 0 &&
		   strstr(err.text, "can't be created:"), "below read-only: %s",
		   err.text);
	} else {
		ok(1, "# SKIP root writes anywhere (tests/cluster/14-rundir.t)");
		ok(1, "# SKIP root writes anywhere");
	}

	/* the fallback record */
	is_int(exl_unlogged_each(dir, 10, seen, &u), 0, "no records yet");
	ok(exl_unlogged_write(dir, "123", "/x/logs", "Permission denied", 1772028000,
			      &err) == 0, "record written");
	ok(exl_unlogged_write(dir, "../1", "/x", "e", 0, &err) < 0,
	   "a job id that is no file name is refused");
	ok(exl_unlogged_write("rel", "1", "/x", "e", 0, &err) < 0,
	   "no absolute home, no record");
	memset(&u, 0, sizeof(u));
	is_int(exl_unlogged_each(dir, 10, seen, &u), 1, "one record read back");
	is_str(u.job_id, "123", "job id");
	is_str(u.root, "/x/logs", "root");
	is_str(u.error, "Permission denied", "error");
	ok(u.when == 1772028000 && strstr(u.path, "/.cache/exp-log/unlogged/123.json"),
	   "time and path: %s", u.path);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	if (system(p) != 0)
		diag("cleanup failed");
	return done_testing();
}
