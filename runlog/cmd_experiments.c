/* cmd_experiments.c - `runlog experiments [GROUP]`: the comparison table
 * of a group's experiments (run | description | metric | status |
 * notes), regenerated from the run logs and printed; --write updates
 * experiments.md, keeping a person's status and notes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "experiments_table.h"
#include "fileio.h"
#include "layout.h"
#include "runlog.h"

static const char usage[] =
"Usage: runlog experiments [GROUP] [--write]\n"
"\n"
"Regenerate the table of the experiments (run_type experiment) of GROUP\n"
"(default: every group with experiments, and the root) from their run\n"
"logs and print it as experiments.md would read: rows already in\n"
"experiments.md keep the status (keep, discard ...) and notes a person\n"
"wrote; other rows are kept as they are.\n"
"\n"
"  -w, --write  update <group>/experiments.md (group lock, atomic write)\n"
"  -h, --help   this help\n";

/* exp_dir: one directory's table. */
static int exp_dir(const struct rl *c, const char *group,
		   struct exl_scan_entry *v, size_t n, void *arg)
{
	struct exl_exp_row *rows = calloc(n ? n : 1, sizeof(*rows));
	char title[160], *dir = exl_layout_group_dir(c->root, group);
	char *path = dir ? exl_path_join(dir, "experiments.md") : NULL;
	char *old = NULL, *text = NULL;
	int write = *(int *)arg, added, fd = -1, rc = -1;
	struct exl_err err;
	size_t i, nr = 0;

	if (!rows || !path) {
		cli_err("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t nl = strlen(v[i].name);
		char stem[EXL_NAME_MAX + 64];

		if (!v[i].ok || !exl_exp_is_experiment(&v[i].sum) ||
		    nl - 3 >= sizeof(stem))
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(nl - 3), v[i].name);
		exl_exp_row(stem, &v[i].sum, &rows[nr++]);
	}
	rc = 0;
	if (!nr)
		goto out;
	rc = -1;
	if (write && (fd = rl_lock(c->root, group)) < 0)
		goto out;
	if (exl_read_file(path, EXL_READ_MAX, &old, NULL, &err) < 0 &&
	    errno != ENOENT) {
		cli_err("%s", err.text);
		goto out;
	}
	if (group) {
		exl_title_case(group, title, sizeof(title) - 16);
		strcat(title, " Experiments");
	} else {
		snprintf(title, sizeof(title), "Experiments");
	}
	text = exl_exp_render(old, title, rows, nr, &added);
	if (!text) {
		cli_err("out of memory");
		goto out;
	}
	fputs(text, stdout);
	putchar('\n');
	if (write && (!old || strcmp(old, text) != 0)) {
		if (exl_write_atomic(path, text, strlen(text), 0644, &err) < 0) {
			cli_err("%s", err.text);
			goto out;
		}
		fprintf(stderr, "%s: wrote %s\n", cli_prog(), path);
	}
	rc = 0;
out:
	exl_unlock(fd);
	free(text);
	free(old);
	free(path);
	free(dir);
	free(rows);
	return rc;
}

int cmd_experiments(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "write", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, write = 0;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, "wh", lo, NULL)) != -1) {
		if (ch == 'w')
			write = 1;
		else if (ch == 'h')
			return rl_help(usage);
		else
			return rl_usage("experiments", "unknown option");
	}
	if (argc - optind > 1)
		return rl_usage("experiments", "one GROUP at most");
	return rl_scan_dirs(c, argc > optind ? argv[optind] : NULL, exp_dir, &write);
}
