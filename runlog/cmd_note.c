/* cmd_note.c - `runlog note RUN TEXT`: a person's timestamped line in
 * Status, written under the group lock like the plugin's own. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "job/run_lifecycle.h"
#include "runlog.h"

static const char usage[] =
"Usage: runlog note RUN TEXT...\n"
"\n"
"Append \"- YYYY-MM-DD HH:MM:SS — note: TEXT\" to RUN's Status section\n"
"(a path, a file name or a stem under the root), under the group lock.\n"
"Notes are for people: they do not count as progress evidence.\n"
"\n"
"  -h, --help   this help\n";

/* Longest note; a run log line should stay readable. */
#define NOTE_MAX 1000

/* join: argv words as one line; -1 when empty, too long or multi-line. */
static int join(int argc, char **argv, char *out, size_t len)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < argc; i++) {
		int w = snprintf(out + n, len - n, "%s%s", i ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= len - n)
			return -1;
		n += (size_t)w;
	}
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20)
			return -1;
	return n ? 0 : -1;
}

int cmd_note(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char text[NOTE_MAX + 8];
	struct rl_run run;
	struct exl_err err;
	int ch, fd, rc;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, "+:h", lo, NULL)) != -1) {
		if (ch == 'h')
			return rl_help(usage);
		return cli_bad_option(ch, argv, "note");
	}
	if (argc - optind < 2)
		return cli_missing("note", argc - optind ? "TEXT" : "RUN and TEXT",
				   usage);
	memcpy(text, "note: ", 6);
	if (join(argc - optind - 1, argv + optind + 1, text + 6,
		 sizeof(text) - 6) < 0)
		return rl_usage("note", "TEXT must be one line of 1-%d characters",
				NOTE_MAX);
	rc = rl_find_run(c, argv[optind], &run);
	if (rc)
		return rc;
	fd = rl_run_lock(run.root, rl_group(&run), run.path);
	if (fd < 0)
		return EXL_EXIT_ERROR;
	rc = exl_run_note(run.path, time(NULL), text, &err);
	exl_unlock(fd);
	if (rc < 0) {
		cli_err("%s", err.text);
		return EXL_EXIT_ERROR;
	}
	return EXL_EXIT_OK;
}
