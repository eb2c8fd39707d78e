/* Unit tests: environment capture commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "watch/env_capture.h"
#include "util/fileio.h"
#include "tap.h"

static char dir[] = "/tmp/exl-envc-XXXXXX";

int main(void)
{
	struct exl_env_result r;
	struct exl_err err;
	char out[256], text[512], *buf = NULL;
	time_t t0;

	if (!mkdtemp(dir))
		return 1;
	snprintf(out, sizeof(out), "%s/pip.txt", dir);
	ok(exl_env_capture("printf 'numpy==1.26.4\\ntorch==2.3.0\\n'", dir, out, 10,
			   &r, &err) == 0, "capture");
	is_str(r.sha256, "10fdc6552272c19cb27ac8eb4f86217c1f971c315d8aad6833e1e382ec6dc857",
	       "sha256 of the output");
	ok(exl_read_file(out, 1000, &buf, NULL, &err) == 0 &&
	   strcmp(buf, "numpy==1.26.4\ntorch==2.3.0\n") == 0, "output stored");
	free(buf);
	exl_env_result_text(&r, text, sizeof(text));
	ok(strncmp(text, "`", 1) == 0 && strstr(text, "(sha256 `"), "text: %s", text);

	ok(exl_env_capture("echo oops >&2; exit 3", dir, out, 10, &r, &err) == 0,
	   "a failing command still yields its output");
	exl_env_result_text(&r, text, sizeof(text));
	ok(strstr(text, "(exit code 3, sha256 `") != NULL, "exit code noted: %s", text);
	ok(exl_read_file(out, 1000, &buf, NULL, &err) == 0 &&
	   strcmp(buf, "oops\n") == 0, "stderr captured too");
	free(buf);

	t0 = time(NULL);
	ok(exl_env_capture("sleep 30", dir, out, 1, &r, &err) == 0 && r.timed_out,
	   "a hanging command is cut off");
	ok(time(NULL) - t0 < 5, "within the timeout");
	ok(exl_env_capture("pwd", "/nonexistent", out, 5, &r, &err) == 0 &&
	   WEXITSTATUS(r.status) == 126, "a bad cwd is reported as status 126");
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("cleanup failed");
	}
	return done_testing();
}
