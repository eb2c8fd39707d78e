/* runlog.c - the runlog CLI: global options and dispatch to the
 * commands (one file each, cmd_*.c).
 *
 * Built twice: `runlog` holds only `status`, the command run most often,
 * and links only the libraries it needs (json-c, libslurm), so it starts
 * without loading libgit2, OpenSSL, libyaml, hwloc, protobuf-c and their
 * dependencies (26 libraries, about 3 ms); every other command execs
 * runlog-full (RUNLOG_FULL defined), which holds them all. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "exl_build.h"
#include "runlog.h"
#include "settle.h"
#include "rl_timing.h"

/* A command that runs in runlog-full: its function there, NULL here (the
 * status binary execs runlog-full for it). */
#ifdef RUNLOG_FULL
#define FULL(fn) fn
#else
#define FULL(fn) NULL
#endif

static const struct {
	const char *name;
	rl_cmd_fn fn;
	const char *what;
} commands[] = {
	{ "status", cmd_status, "one row per run: state, progress, W&B, passport" },
	{ "show", FULL(cmd_show), "a run's status and its run log" },
	{ "timeline", FULL(cmd_timeline), "a group's runs in order, with their state" },
	{ "experiments", FULL(cmd_experiments), "the comparison table of a group's experiments" },
	{ "sweep", FULL(cmd_sweep), "a sweep's progress: done, running, failed, best so far" },
	{ "diff", FULL(cmd_diff), "what changed between two runs: statepoints, config, code, outcome" },
	{ "chain", FULL(cmd_chain), "a chain's stages: jobs, run logs, why a stage never ran" },
	{ "report", FULL(cmd_report), "one HTML page with plots of a run, a group or the root" },
	{ "new", FULL(cmd_new), "a run log for work outside Slurm" },
	{ "note", FULL(cmd_note), "append a timestamped Status line" },
	{ "close", FULL(cmd_close), "record how a run outside Slurm ended" },
	{ "lint", FULL(cmd_lint), "check run logs for the common mistakes (--fix)" },
	{ "publish", FULL(cmd_publish), "sanitized TRAINING_LOG.md + README.md skeleton" },
	{ "reindex", FULL(cmd_reindex), "rebuild the run index that status reads" },
};

#define NCMD (sizeof(commands) / sizeof(commands[0]))

#define USAGE_LINE \
	"Usage: runlog [--root DIR] [--color=WHEN | --no-color] COMMAND [ARGS]\n"

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
USAGE_LINE
"\n"
"The researcher's view of exp-log run logs (default root: ./run_logs).\n"
"\n"
"Commands:\n");
	for (i = 0; i < NCMD; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].what);
	fprintf(f,
"\n"
"Options:\n"
"  -C, --root DIR    the run-log root (default ./run_logs)\n"
"      --color=WHEN  auto (default: on a terminal, NO_COLOR unset), always,\n"
"                    never\n"
"      --no-color    the same as --color=never\n"
"  -V, --version     print the version\n"
"  -h, --help        this help; `runlog COMMAND --help` for a command\n"
"\n"
"Exit status: 0 success, 1 a check found something (lint findings, also\n"
"in a --fix dry run; status --strict), 2 usage, 3 error.  See runlog(1).\n");
}

int rl_full_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(buf, len, "%s/runlog-full",
					     self) < len &&
			    access(buf, X_OK) == 0)
				return 0;
		}
	}
	return (size_t)snprintf(buf, len, "%s", RUNLOG_FULL_PATH) < len ?
	       0 : -1;
}

int rl_exec_full(char **argv)
{
	char path[PATH_MAX + 16];

	if (rl_full_path(path, sizeof(path)) < 0) {
		fprintf(stderr, "runlog: couldn't run runlog-full: path too "
			"long\n");
		return EXL_EXIT_ERROR;
	}
	execv(path, argv);
	fprintf(stderr, "runlog: couldn't run %s: %s (reinstall exp-log-tools)\n",
		path, strerror(errno));
	return EXL_EXIT_ERROR;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "root", required_argument, NULL, 'C' },
		{ "color", required_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rl c;
	const char *root = "run_logs";
	int ch, color = -1;
	size_t i;

	rl_timing_init();
	cli_init("runlog");
#ifdef RUNLOG_FULL
	/* a write runlog status hands over (settle.h) */
	if (argc > 1 && strcmp(argv[1], RL_SETTLE_ARG) == 0)
		return rl_settle_main(argc - 1, argv + 1);
#endif
	memset(&c, 0, sizeof(c));
	c.argv = argv;
	while ((ch = getopt_long(argc, argv, "+:C:Vh", lo, NULL)) != -1) {
		switch (ch) {
		case 'C':
			root = optarg;
			break;
		case 'c':
			if (strcmp(optarg, "always") == 0)
				color = 1;
			else if (strcmp(optarg, "never") == 0)
				color = 0;
			else if (strcmp(optarg, "auto") == 0)
				color = -1;
			else
				return cli_usage_err(NULL, "--color=%s: use auto, "
						     "always or never", optarg);
			break;
		case 'n':
			color = 0;
			break;
		case 'V':
			return cli_version();
		case 'h':
			usage(stdout);
			return EXL_EXIT_OK;
		default:
			return cli_bad_option(ch, argv, NULL);
		}
	}
	if (optind >= argc)
		return cli_missing(NULL, "COMMAND", USAGE_LINE);
	c.color = color >= 0 ? color : cli_color_stdout();
	c.now = time(NULL);
	if (rl_set_root(&c, root) < 0)
		return EXL_EXIT_USAGE;
	for (i = 0; i < NCMD; i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
#ifndef RUNLOG_FULL
		if (!commands[i].fn)
			return rl_exec_full(argv);
#endif
		return commands[i].fn(&c, argc - optind, argv + optind);
	}
	return cli_usage_err(NULL, "unknown command '%s'", argv[optind]);
}
