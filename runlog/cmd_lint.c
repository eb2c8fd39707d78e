/* cmd_lint.c - `runlog lint`: the common run-log mistakes, one line per
 * finding ("file:line: rule-id: message: fix"), and --fix for the
 * mechanical ones. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "runstore/lint_share.h"
#include "lint_fix.h"
#include "runlog.h"
#include "runstore/runlog_scan.h"

static const char usage[] =
"Usage: runlog lint [DIR] [--group G] [--json] [--fix [--yes]]\n"
"\n"
"Check the run logs under DIR (default: the root) for the common\n"
"mistakes: missing run_type, Status lines without step or loss, no\n"
"checkpoint in Results of a finished run, missing or bottom-only W&B\n"
"URLs, <task>_<date>.md names, missing or incomplete timeline.md,\n"
"experiments missing from experiments.md, a flat root past 10 files,\n"
"ISO-only timestamps, a checkpoint published without passport, and in a\n"
"team root (a group-writable root) anything other members couldn't write\n"
"(it also says which group lock is in use).  One line per finding:\n"
"FILE:LINE: RULE: MESSAGE: FIX (rule ids: runlog(1)).\n"
"\n"
"  -g, --group G  only group G\n"
"  -j, --json     a JSON array of {file, line, rule, message, fix, fixable}\n"
"      --fix      print the mechanical repairs (renames, timeline rebuild,\n"
"                 experiments rows, human dates, chgrp/chmod in a team\n"
"                 root) without doing them\n"
"  -y, --yes      with --fix: do them (group lock, atomic writes), then\n"
"                 check again\n"
"  -h, --help     this help\n"
"\n"
"Exit status: 0 clean, 1 findings (after --fix --yes: findings left),\n"
"2 usage, 3 error.\n";

struct lint_opts {
	const char *group;
	int json, fix, yes;
};

/* shown: a path relative to the working directory when below it. */
static const char *shown(const char *path, const char *cwd)
{
	size_t n = strlen(cwd);

	if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

static void print_text(const struct exl_findings *f)
{
	char cwd[RL_PATH];
	size_t i;

	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	for (i = 0; i < f->n; i++)
		printf("%s:%ld: %s: %s: %s\n", shown(f->v[i].file, cwd),
		       f->v[i].line, f->v[i].rule, f->v[i].msg, f->v[i].fix);
}

static void print_json(const struct exl_findings *f)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < f->n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(f->v[i].file));
		json_object_object_add(o, "line", json_object_new_int64(f->v[i].line));
		json_object_object_add(o, "rule", json_object_new_string(f->v[i].rule));
		json_object_object_add(o, "message", json_object_new_string(f->v[i].msg));
		json_object_object_add(o, "fix", json_object_new_string(f->v[i].fix));
		json_object_object_add(o, "fixable",
				       json_object_new_boolean(f->v[i].fixable));
		json_object_array_add(a, o);
	}
	puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
}

/* What lint_dir works with. */
struct lint_run {
	const struct lint_opts *o;
	struct exl_findings *f;
	int actions;
};

/* lint_dir: check the run logs of one directory (entries v[0..n-1]),
 * and with --fix repair it.  Returns -1 on a hard error. */
static int lint_dir(const struct rl *c, const char *group,
		    struct exl_scan_entry *v, size_t n, void *arg)
{
	struct lint_run *lr = arg;
	const struct lint_opts *o = lr->o;
	struct exl_findings *f = lr->f;
	struct exl_lint_info *info = calloc(n ? n : 1, sizeof(*info));
	char *dir = exl_layout_group_dir(c->root, group);
	size_t i, first = f->n, k = 0;
	int rc = 0;

	if (!info || !dir) {
		free(info);
		free(dir);
		cli_err("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct exl_doc d;
		struct exl_err err;
		const char *why;
		size_t len = 0;
		char *text = NULL;

		if (exl_read_file(v[i].path, EXL_READ_MAX, &text, &len, &err) == 0 &&
		    (why = exl_lint_not_runlog(text, len)) != NULL) {
			/* never an entry of timeline.md or experiments.md */
			exl_findings_add(f, v[i].path, 1, "not-a-run-log", 0,
					 "move it out of the run-log directory",
					 "%s", why);
			free(text);
			continue;
		}
		if (!text || exl_doc_parse(&d, text, &err) < 0) {
			exl_findings_add(f, v[i].path, 1, "unreadable", 0,
					 "make it a readable run log", "%s", err.text);
			free(text);
			continue;
		}
		free(text);
		info[k].name = v[i].name;
		exl_lint_doc(&d, v[i].path, c->base, f, &info[k++]);
		exl_doc_free(&d);
	}
	exl_lint_dir(dir, group, info, k, f);
	if (o->fix && f->n > first) {
		struct exl_findings mine = { .v = f->v + first, .n = f->n - first };

		rc = rl_lint_fix(c, dir, group, info, k, &mine, o->yes);
		if (rc > 0)
			lr->actions += rc;
	}
	free(info);
	free(dir);
	return rc < 0 ? -1 : 0;
}

/* lock_note: in a team root, which group lock writers get here. */
static void lock_note(const struct rl *c, const struct exl_share_plan *p)
{
	char *lock = exl_layout_lock(c->root, NULL);
	char *dir = lock ? exl_dirname(lock) : NULL;
	struct exl_err err;
	struct stat st;
	int fd;

	if (dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && p->team) {
		fd = exl_lock(lock, EXL_LOCK_TIMEOUT, &err);
		if (fd < 0)
			printf("note: team root, group lock: %s\n", err.text);
		else
			printf("note: team root, group lock: %s\n",
			       exl_lock_kind_name(exl_lock_kind()));
		exl_unlock(fd);
	}
	free(dir);
	free(lock);
}

/* lint_share: the team-root permission rules, and with --fix their
 * chgrp/chmod repairs (only the caller's own entries can be changed). */
static int lint_share(const struct rl *c, const struct lint_opts *o,
		      struct exl_findings *f, int *actions)
{
	struct exl_share_plan p;
	size_t i, first = f->n;

	exl_lint_share(c->root, f, &p);
	if (!o->json)
		lock_note(c, &p);
	for (i = 0; o->fix && i < p.n; i++) {
		const struct exl_share_fix *x = &p.v[i];

		if (!o->yes) {
			printf("would repair: %s: %s\n", x->path,
			       f->v[first + i].fix);
			(*actions)++;
		} else if (exl_share_repair(&p, x) == 0) {
			(*actions)++;
		} else if (errno == EPERM) {
			printf("can't repair %s: owned by uid %lu; its owner "
			       "(or root) must run: %s\n", x->path,
			       (unsigned long)x->owner, f->v[first + i].fix);
		} else {
			printf("can't repair %s: %s\n", x->path,
			       strerror(errno));
		}
	}
	exl_share_plan_free(&p);
	return 0;
}

/* lint_all: every directory under the root (or the one group). */
static int lint_all(const struct rl *c, const struct lint_opts *o,
		    struct exl_findings *f, int *actions)
{
	struct lint_run lr = { .o = o, .f = f };
	struct exl_scan sc;
	struct exl_err err;
	int rc;

	if (exl_scan_list(c->root, o->group, &sc, &err) < 0) {
		cli_err("%s", err.text);
		exl_scan_free(&sc);
		return -1;
	}
	rc = rl_each_dir(c, &sc, 0, lint_dir, &lr);
	*actions += lr.actions;
	exl_scan_free(&sc);
	if (rc == 0 && !o->group)
		rc = lint_share(c, o, f, actions);
	return rc;
}

static int parse(int argc, char **argv, struct lint_opts *o, struct rl *c)
{
	static const struct option lo[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "fix", no_argument, NULL, 'F' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":g:jyh", lo, NULL)) != -1) {
		switch (ch) {
		case 'g':
			o->group = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'F':
			o->fix = 1;
			break;
		case 'y':
			o->yes = 1;
			break;
		case 'h':
			return -1;
		default:
			return cli_bad_option(ch, argv, "lint");
		}
	}
	if (o->yes && !o->fix)
		return rl_usage("lint", "--yes goes with --fix");
	if (o->fix && o->json)
		return rl_usage("lint", "--fix prints a plan, not JSON");
	if (argc - optind > 1)
		return rl_usage("lint", "one DIR at most");
	if (argc - optind == 1 && rl_set_root(c, argv[optind]) < 0)
		return EXL_EXIT_USAGE;
	return 0;
}

int cmd_lint(struct rl *c, int argc, char **argv)
{
	struct exl_findings f = { 0 };
	struct lint_opts o;
	int rc, actions = 0;

	rc = parse(argc, argv, &o, c);
	if (rc)
		return rc < 0 ? rl_help(usage) : rc;
	if (lint_all(c, &o, &f, &actions) < 0) {
		exl_findings_free(&f);
		return EXL_EXIT_ERROR;
	}
	if (o.fix && o.yes && actions > 0) {
		/* what is left after the repairs */
		struct lint_opts again = o;

		again.fix = 0;
		exl_findings_free(&f);
		printf("fixed: %d change%s; checking again\n", actions,
		       actions == 1 ? "" : "s");
		if (lint_all(c, &again, &f, &actions) < 0) {
			exl_findings_free(&f);
			return EXL_EXIT_ERROR;
		}
	} else if (o.fix && !o.yes && actions > 0) {
		printf("dry run: %d change%s planned; run again with --yes to "
		       "make them\n", actions, actions == 1 ? "" : "s");
	}
	if (f.nomem) {
		cli_err("out of memory");
		exl_findings_free(&f);
		return EXL_EXIT_ERROR;
	}
	if (o.json)
		print_json(&f);
	else
		print_text(&f);
	rc = f.n ? EXL_EXIT_CHECK : EXL_EXIT_OK;
	exl_findings_free(&f);
	return rc;
}
