/* Unit tests: exl_jsonl_append never leaves half a line when the disk
 * takes only part of it (a file-size limit stands in for a full disk). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util/fileio.h"
#include "util/jsonfile.h"
#include "tap.h"

static char dir[] = "/tmp/exl-jsonl-XXXXXX";

/* append_line: one {"event":"log","n":N,"pad":"..."} line. */
static int append_line(const char *path, int n, struct exl_err *err)
{
	json_object *o = json_object_new_object();
	int rc;

	json_object_object_add(o, "event", json_object_new_string("log"));
	json_object_object_add(o, "n", json_object_new_int(n));
	json_object_object_add(o, "pad", json_object_new_string(
		"0123456789012345678901234567890123456789"));
	rc = exl_jsonl_append(path, o, err);
	json_object_put(o);
	return rc;
}

/* limited: in a child whose files may grow only `room` bytes past the
 * current size, append one line; the child's exit says what happened
 * (0 refused with a message naming the file, 1 it went through, 2 a
 * refusal without a message). */
static int limited(const char *path, off_t room)
{
	struct stat st;
	int status;
	pid_t pid;

	if (stat(path, &st) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { st.st_size + room, st.st_size + room };
		struct exl_err err;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		err.text[0] = '\0';
		if (append_line(path, 2, &err) == 0)
			_exit(1);
		_exit(strstr(err.text, path) ? 0 : 2);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int main(void)
{
	struct exl_err err;
	struct stat st;
	char path[128], *text = NULL;
	off_t before;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	ok(append_line(path, 1, &err) == 0, "first line");
	stat(path, &st);
	before = st.st_size;
	is_int(limited(path, 20), 0, "a line the disk takes only 20 bytes of "
	       "is refused, with the file named");
	stat(path, &st);
	is_int((int)st.st_size, (int)before,
	       "and the 20 bytes written are cut back: no half line");
	is_int(limited(path, 0), 0, "no room at all: refused too");
	stat(path, &st);
	is_int((int)st.st_size, (int)before, "file unchanged");
	is_int(limited(path, 4096), 1, "with room the line goes in");
	ok(append_line(path, 3, &err) == 0, "and later lines too");
	ok(exl_read_file(path, 1 << 20, &text, NULL, &err) == 0 &&
	   strstr(text, "\"n\":1,") && strstr(text, "\"n\":2,") &&
	   strstr(text, "\"n\":3,") &&
	   text[strlen(text) - 1] == '\n' &&
	   strchr(text, '\n') - text == (long)before - 1,
	   "three whole lines, none torn");
	free(text);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
