/* Unit tests: events.jsonl, the built-in no-network tracker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/jsonfile.h"
#include "tap.h"
#include "watch/tracker_events.h"

static char dir[] = "/tmp/exl-ev-XXXXXX";

static int lines(void)
{
	char p[256], *buf = NULL;
	int n = 0;

	snprintf(p, sizeof(p), "%s/events.jsonl", dir);
	if (exl_read_file(p, 1 << 24, &buf, NULL, NULL) < 0)
		return -1;
	for (char *c = buf; *c; c++)
		n += *c == '\n';
	free(buf);
	return n;
}

int main(void)
{
	struct exl_err err;
	json_object *o;
	int i, st, bad = 0;

	if (!mkdtemp(dir))
		return 1;
	is_int(exl_events_finished(dir, &err), 0, "no file: not finished");
	o = json_object_new_object();
	exl_json_set_str(o, "project", "p");
	ok(exl_events_append(dir, "init_run", o, &err) == 0, "init_run");
	json_object_put(o);
	o = json_object_new_object();
	json_object_object_add(o, "metrics", json_object_new_object());
	ok(exl_events_append(dir, "log", o, &err) == 0, "log");
	json_object_put(o);
	is_int(exl_events_finished(dir, &err), 0, "not finished yet");
	is_int(exl_events_finish(dir, 143, "exp-run", &err), 0, "finish");
	is_int(exl_events_finished(dir, &err), 1, "finished");
	is_int(exl_events_finish(dir, 0, "epilog", &err), 1,
	       "second finish refused: exp-run's code stays");
	is_int(lines(), 3, "three lines");
	ok(exl_events_append(dir, "init_run", NULL, &err) == 0,
	   "a resumed execution starts");
	is_int(exl_events_finished(dir, &err), 0, "resumed run is open again");
	is_int(exl_events_finish(dir, 0, "epilog", &err), 0, "and can finish");

	/* 8 writers x 50 lines: no torn or lost line */
	for (i = 0; i < 8; i++)
		if (fork() == 0) {
			for (int j = 0; j < 50; j++) {
				json_object *m = json_object_new_object();

				exl_json_set_int(m, "i", j);
				if (exl_events_append(dir, "log", m, NULL) < 0)
					_exit(1);
				json_object_put(m);
			}
			_exit(0);
		}
	for (i = 0; i < 8; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	is_int(bad, 0, "concurrent writers succeed");
	is_int(lines(), 5 + 400, "every line landed");
	{
		char p[256], *buf = NULL, *l, *save = NULL;
		int parsed = 0;

		snprintf(p, sizeof(p), "%s/events.jsonl", dir);
		exl_read_file(p, 1 << 24, &buf, NULL, NULL);
		for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			json_object *x = exl_json_parse(l, strlen(l), "line", NULL);

			parsed += x && exl_json_str(x, "event") && exl_json_str(x, "timestamp");
			json_object_put(x);
		}
		is_int(parsed, 405, "every line is a whole event with a timestamp");
		free(buf);
	}
	{
		char ev[256], target[256], *buf = NULL;
		FILE *f;

		snprintf(ev, sizeof(ev), "%s/events.jsonl", dir);
		snprintf(target, sizeof(target), "%s/target", dir);
		f = fopen(target, "w");
		fputs("keep\n", f);
		fclose(f);
		unlink(ev);
		if (symlink(target, ev) != 0)
			diag("symlink failed");
		ok(exl_events_append(dir, "log", NULL, &err) < 0,
		   "a symlinked events file is refused: %s", err.text);
		exl_read_file(target, 100, &buf, NULL, NULL);
		is_str(buf, "keep\n", "symlink target untouched");
		free(buf);
	}
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("cleanup failed");
	}
	return done_testing();
}
