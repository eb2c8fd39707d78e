/* cmd_timeline.c - `runlog timeline [GROUP]`: a group's runs in date
 * order with human dates and their last state, from the run logs
 * themselves; runs missing from timeline.md are marked. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "runstore/evidence.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "runlog.h"
#include "runstore/status_row.h"
#include "util/timefmt.h"
#include "runstore/timeline_build.h"

static const char usage[] =
"Usage: runlog timeline [GROUP]\n"
"\n"
"List the runs of GROUP (default: every group, and the runs directly in\n"
"the root) in date order: number, file, human date, the state the log\n"
"records (open, or how it ended; no scheduler query) and its title.\n"
"Runs that timeline.md does not list are marked; `runlog lint --fix`\n"
"adds them.\n"
"\n"
"  -h, --help   this help\n";

struct tl_entry {
	const struct exl_scan_entry *e;
	time_t when;
	long at;		/* where timeline.md lists it; -1: it does not */
};

static int by_date(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return strcmp(x->e->name, y->e->name);
}

/* by_listing: same-second runs in timeline.md's order, the ones it does
 * not list after them by name (timeline.h: the one order). */
static int by_listing(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;

	return exl_timeline_tie(x->at, x->e->name, y->at, y->e->name);
}

/* order: t[] by start; ties as timeline.md (text, may be NULL) lists
 * them.  Only ties look into the text, so a long group costs one sort. */
static void order(struct tl_entry *t, size_t n, const char *text)
{
	size_t i = 0, j, k;

	qsort(t, n, sizeof(*t), by_date);
	while (text && i < n) {
		for (j = i + 1; j < n && t[j].when == t[i].when; j++)
			;
		if (j - i > 1) {
			for (k = i; k < j; k++)
				t[k].at = exl_timeline_offset(text, t[k].e->name);
			qsort(t + i, j - i, sizeof(*t), by_listing);
		}
		i = j;
	}
}

/* state_of: what the log itself says. */
static const char *state_of(const struct exl_run_summary *s)
{
	if (!exl_summary_closed(s))
		return "open";
	return exl_state_word(s->sched_state) ? s->sched_state : "ENDED";
}

static int print_dir(const struct rl *c, const char *group,
		     struct exl_scan_entry *v, size_t n, void *arg)
{
	struct tl_entry *t = calloc(n ? n : 1, sizeof(*t));
	char title[160], human[64], *path, *text = NULL;
	const char *why = " (no timeline.md)";
	struct exl_err err;
	size_t i;
	int wn = 0;

	(void)arg;
	if (!t) {
		cli_err("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		t[i].e = &v[i];
		t[i].at = -1;
		if (exl_timeline_when(v[i].name, v[i].sum.start, &t[i].when) < 0)
			t[i].when = 0;
	}
	path = exl_layout_group_dir(c->root, group);
	if (path) {
		char *tl = exl_path_join(path, "timeline.md");

		struct stat st;

		/* one that exists but cannot be read (too large, a
		 * symlink) is said to be so, not called missing */
		if (tl && exl_read_file(tl, EXL_READ_MAX, &text, NULL, &err) < 0 &&
		    lstat(tl, &st) == 0) {
			cli_err("%s", err.text);
			why = " (timeline.md not read: see above)";
		}
		free(tl);
	}
	order(t, n, text);
	exl_group_title(group, title, sizeof(title));
	printf("%s%s Timeline%s%s\n", rl_color(c, RL_BOLD), title,
	       rl_color(c, RL_RESET), text ? "" : why);
	for (i = 0; i < n; i++)
		if ((int)strlen(t[i].e->name) > wn)
			wn = (int)strlen(t[i].e->name);
	for (i = 0; i < n; i++) {
		const struct exl_run_summary *s = &t[i].e->sum;

		if (!t[i].when || exl_time_human(t[i].when, 0, human, sizeof(human)) < 0)
			snprintf(human, sizeof(human), "date unknown");
		printf("%3zu. %-*s  %-22s  %-10s  %s%s\n", i + 1, wn, t[i].e->name,
		       human, t[i].e->ok ? state_of(s) : "UNREADABLE",
		       s->title ? s->title : "",
		       text && !exl_timeline_lists(text, t[i].e->name) ?
		       "  [not in timeline.md]" : "");
	}
	putchar('\n');
	free(text);
	free(path);
	free(t);
	return 0;
}

int cmd_timeline(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (ch == 'h')
			return rl_help(usage);
		return cli_bad_option(ch, argv, "timeline");
	}
	if (argc - optind > 1)
		return rl_usage("timeline", "one GROUP at most");
	return rl_scan_dirs(c, argc > optind ? argv[optind] : NULL, print_dir,
			    NULL);
}
