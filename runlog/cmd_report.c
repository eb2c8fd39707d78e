/* cmd_report.c - `runlog report RUN|GROUP|ROOT [--out FILE.html]`: one
 * self-contained HTML page (lib/report/page.h) of a run, a group or a
 * whole run-log root. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "report/page.h"
#include "report/run_data.h"
#include "runlog.h"

static const char usage[] =
"Usage: runlog report RUN|GROUP|ROOT [--out FILE.html]\n"
"\n"
"Write one self-contained HTML page (inline SVG and CSS, no script, no\n"
"external address: open it from a shared filesystem or mail it):\n"
"  RUN    loss against step, the other scalars of metrics.jsonl, GPU and\n"
"         CPU telemetry per node with the allocation, the Status evidence\n"
"         and the run log (RUN: a path, a file name or a stem)\n"
"  GROUP  the group's runs over time, coloured by outcome, and its\n"
"         experiments table (GROUP: a group name or its directory)\n"
"  ROOT   every run with a link to its page (ROOT: the run-log root\n"
"         directory, e.g. . with --root, or the --root DIR itself)\n"
"\n"
"  -o, --out FILE  write the page to FILE (atomically) instead of stdout\n"
"  -h, --help      this help\n";

/* Write the page to out (NULL: stdout). */
static int emit(struct exl_sb *b, const char *out)
{
	struct exl_err err;
	size_t len;
	char *html = exl_sb_take(b, &len);

	if (!html) {
		cli_err("out of memory");
		return EXL_EXIT_ERROR;
	}
	if (out) {
		if (exl_write_atomic(out, html, len, 0644, &err) < 0) {
			cli_err("%s", err.text);
			free(html);
			return EXL_EXIT_ERROR;
		}
	} else if (fwrite(html, 1, len, stdout) != len ||
		   fflush(stdout) != 0) {
		cli_err("couldn't write the page to stdout");
		free(html);
		return EXL_EXIT_ERROR;
	}
	free(html);
	return EXL_EXIT_OK;
}

static int run_page(const struct rl *c, const char *arg, const char *out)
{
	struct exl_run_data d = { 0 };
	struct exl_sb b = { 0 };
	struct exl_err err;
	struct rl_run run;
	char *text = NULL, *stem, *sd = NULL;
	int rc = rl_read_run(c, arg, &run, &text);

	if (rc)
		return rc;
	stem = strndup(run.name, strlen(run.name) -
		       (strlen(run.name) > 3 ? 3 : 0));
	if (stem)
		sd = exl_layout_state_dir(run.root, rl_group(&run), stem);
	if (!sd) {
		cli_err("out of memory");
		rc = EXL_EXIT_ERROR;
	} else if (exl_rd_load(sd, &d, &err) < 0) {
		cli_err("%s: %s", sd, err.text);
		rc = EXL_EXIT_ERROR;
	} else if (exl_page_run(&b, run.name, text, &d) < 0) {
		cli_err("out of memory");
		rc = EXL_EXIT_ERROR;
	} else {
		rc = emit(&b, out);
	}
	exl_sb_free(&b);
	exl_rd_free(&d);
	free(sd);
	free(stem);
	free(text);
	return rc;
}

/* A group's page (group non-NULL) or the root's (group NULL). */
static int list_page(const struct rl *c, const char *group, const char *out)
{
	struct exl_page_item *it;
	struct exl_sb b = { 0 };
	struct exl_scan sc;
	size_t i;
	int rc;

	rc = rl_scan_load(c, group, &sc);
	if (rc)
		return rc;
	it = calloc(sc.n ? sc.n : 1, sizeof(*it));
	if (!it) {
		exl_scan_free(&sc);
		cli_err("out of memory");
		return EXL_EXIT_ERROR;
	}
	for (i = 0; i < sc.n; i++) {
		struct exl_scan_entry *e = &sc.v[i];
		char *md = NULL;

		it[i].rel = group ? e->name : e->rel;
		it[i].sum = e->ok ? &e->sum : NULL;
		if (group && exl_read_file(e->path, EXL_READ_MAX, &md, NULL,
					   NULL) == 0)
			it[i].md = md;
	}
	rc = group ? exl_page_group(&b, group, it, sc.n, c->now) :
		     exl_page_root(&b, c->root, it, sc.n, c->now);
	rc = rc < 0 ? (cli_err("out of memory"), EXL_EXIT_ERROR) :
		      emit(&b, out);
	exl_sb_free(&b);
	for (i = 0; i < sc.n; i++)
		free((char *)it[i].md);
	free(it);
	exl_scan_free(&sc);
	return rc;
}

/* Is arg a group of c->root (a name, or a directory right below it)? */
static const char *group_of(const struct rl *c, const char *arg,
			    char *buf, size_t len)
{
	char real[RL_PATH], *slash;
	struct stat st;

	if (strchr(arg, '/') == NULL && exl_valid_group(arg) == 0 &&
	    snprintf(buf, len, "%s/%s", c->root, arg) < (int)len &&
	    lstat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(buf, len, "%s", arg);
		return buf;
	}
	if (!realpath(arg, real))
		return NULL;
	slash = strrchr(real, '/');
	if (!slash || slash == real)
		return NULL;
	*slash = '\0';
	if (strcmp(real, c->root) || exl_valid_group(slash + 1) != 0)
		return NULL;
	snprintf(buf, len, "%s", slash + 1);
	return buf;
}

int cmd_report(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *arg, *group;
	char gbuf[RL_PATH];
	struct stat st;
	struct rl rc;
	int ch;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":o:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case 'h':
			return rl_help(usage);
		default:
			return cli_bad_option(ch, argv, "report");
		}
	}
	if (argc == optind)
		return cli_missing("report", "RUN|GROUP|ROOT", usage);
	if (argc - optind != 1)
		return rl_usage("report", "give one RUN, GROUP or ROOT");
	if (!out && isatty(STDOUT_FILENO))
		return rl_usage("report", "stdout is a terminal: give "
				"--out FILE.html (or redirect)");
	arg = argv[optind];
	if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode)) {
		group = group_of(c, arg, gbuf, sizeof(gbuf));
		return group ? list_page(c, group, out) :
			       run_page(c, arg, out);
	}
	group = group_of(c, arg, gbuf, sizeof(gbuf));
	if (group)
		return list_page(c, group, out);
	/* any other directory is a root */
	rc = *c;
	if (rl_set_root(&rc, arg) < 0 || rl_check_root(&rc) < 0)
		return EXL_EXIT_USAGE;
	return list_page(&rc, NULL, out);
}
