/* sbatch_exp_chain.c - sbatch-exp chain: stages submitted in order, each
 * waiting for the one before (sweep_chain.h has the spec and the chain
 * file).
 *
 * The first stage is submitted held and every next one with
 * --dependency on the one before; once all are in, the chain file (which
 * names every stage's job) is written and the first stage released.  So
 * every job can read, when it starts, both the job it depends on and the
 * job that depends on it.  When a submission fails, the stages already
 * submitted are cancelled: a chain goes in whole or not at all.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "util/jsonfile.h"
#include "runstore/layout.h"
#include "sweep/sweep.h"
#include "sweep/sweep_argv.h"
#include "sweep/sweep_chain.h"
#include "sweep/sweep_map.h"
#include "sbatch_exp.h"

#define CHAIN_USAGE \
"Usage: sbatch-exp chain CHAIN.yaml [--dry-run] [--json] [--sbatch PATH]\n"

/* One stage being submitted. */
struct stage_run {
	struct sweep_run r;	/* r.spec is a shallow copy of the chain's */
	char *array;		/* --array, NULL: one job */
	char **argv;
	char *line;
	char dep[128];		/* --dependency value */
	char job[64];		/* its job id once submitted */
};

struct chain_run {
	struct exl_chain c;
	struct stage_run *s;
	char path[PATH_MAX];	/* the chain file */
	const char *sbatch;
};

/* chain_path: <root>/.exp-log/chains/<name>-<UTC time>-<pid>.chain,
 * under the first stage's run-log root. */
static void chain_path(struct chain_run *x)
{
	char name[256], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *p;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(name, sizeof(name), "%s-%s-%ld.chain", x->c.name, stamp,
		 (long)getpid());
	p = exl_layout_chain_file(x->s[0].r.root, name);
	if (!p || strlen(p) >= sizeof(x->path))
		cli_die(EXL_EXIT_ERROR, "%s: chain file path too long under %s",
			x->c.file, x->s[0].r.root);
	snprintf(x->path, sizeof(x->path), "%s", p);
	free(p);
}

static void build_argv(struct chain_run *x, size_t i, int dry);

/* prepare: expand each stage, its task map's path, array and argv. */
static int prepare(struct chain_run *x, int dry)
{
	struct exl_err err;

	for (size_t i = 0; i < x->c.n; i++) {
		struct stage_run *s = &x->s[i];

		s->r.spec = x->c.st[i];
		if (access(s->r.spec.script, R_OK) < 0) {
			cli_err("%s:%d: stage %s: script: %s: %s: give the job script's path from the directory you submit in",
				x->c.file, s->r.spec.script_line, s->r.spec.name,
				s->r.spec.script, strerror(errno));
			return -1;
		}
		if (s->r.spec.naxes &&
		    exl_sweep_expand(&s->r.spec, &s->r.tasks, &err) < 0) {
			cli_err("%s", err.text);
			return -1;
		}
		sweep_map_path(&s->r, s->r.spec.name);
		s->r.nsel = s->r.tasks.n;
	}
	chain_path(x);
	for (size_t i = 0; i < x->c.n; i++) {
		struct stage_run *s = &x->s[i];
		unsigned *idx;

		if (!s->r.tasks.n)
			continue;
		idx = calloc(s->r.tasks.n, sizeof(*idx));
		if (!idx)
			cli_die(EXL_EXIT_ERROR, "out of memory");
		for (size_t t = 0; t < s->r.tasks.n; t++)
			idx[t] = s->r.tasks.t[t].index;
		s->array = exl_sweep_array_spec(idx, s->r.tasks.n,
						s->r.spec.throttle);
		free(idx);
		if (!s->array)
			cli_die(EXL_EXIT_ERROR, "out of memory");
	}
	/* a dry run has no job ids: each stage names the one before; a real
	 * one builds the next stages' lines as the jobs before get ids */
	for (size_t i = 0; i < (dry ? x->c.n : 1); i++)
		build_argv(x, i, dry);
	return 0;
}

/* build_argv: stage i's sbatch argv and line; its --dependency names the
 * job before it (a dry run: that stage's name). */
static void build_argv(struct chain_run *x, size_t i, int dry)
{
	struct stage_run *s = &x->s[i];
	struct exl_stage_sub sub = { i == 0, NULL, x->path, (unsigned)i + 1 };

	if (i) {
		if (dry)
			snprintf(s->dep, sizeof(s->dep), "%s:<job of %s>",
				 exl_chain_after(&x->c, i), x->c.st[i - 1].name);
		else
			snprintf(s->dep, sizeof(s->dep), "%s:%s",
				 exl_chain_after(&x->c, i), x->s[i - 1].job);
		sub.dependency = s->dep;
	}
	exl_sweep_argv_free(s->argv);
	free(s->line);
	s->argv = exl_sweep_stage_argv(&s->r.spec, x->sbatch, s->array,
				       s->r.map, &sub);
	s->line = s->argv ? exl_sweep_argv_line(s->argv) : NULL;
	if (!s->line)
		cli_die(EXL_EXIT_ERROR, "out of memory");
}

/* run_tool: scontrol/scancel with one job id; 0 when it succeeded. */
static int run_tool(const char *tool, const char *verb, const char *job)
{
	char *argv[4], *out;
	size_t n = 0;
	int rc;

	argv[n++] = (char *)tool;
	if (verb)
		argv[n++] = (char *)verb;
	argv[n++] = (char *)job;
	argv[n] = NULL;
	rc = sx_run(argv, &out);
	free(out);
	return rc;
}

/* undo: cancel the stages submitted so far, remove maps and the chain
 * file: nothing of the chain is left behind. */
static void undo(struct chain_run *x, size_t upto)
{
	for (size_t i = 0; i < upto; i++) {
		if (x->s[i].job[0] && run_tool("scancel", NULL, x->s[i].job) != 0)
			cli_err("couldn't cancel job %s (stage %s): scancel %s",
				x->s[i].job, x->s[i].r.spec.name, x->s[i].job);
		if (x->s[i].r.tasks.n && unlink(x->s[i].r.map) < 0 &&
		    errno != ENOENT)
			cli_err("couldn't remove %s: %s", x->s[i].r.map,
				strerror(errno));
	}
	if (unlink(x->path) < 0 && errno != ENOENT)
		cli_err("couldn't remove %s: %s", x->path, strerror(errno));
}

/* write_chain: the chain file, atomically. */
static int write_chain(struct chain_run *x)
{
	char **jobs = calloc(x->c.n, sizeof(*jobs)), *dir, *text;
	struct exl_err err;
	int rc = -1;

	if (!jobs)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	for (size_t i = 0; i < x->c.n; i++)
		jobs[i] = x->s[i].job;
	text = exl_chain_file_text(&x->c, jobs);
	dir = exl_dirname(x->path);
	free(jobs);
	if (!text || !dir)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	if (exl_mkdir_p(dir, 0755, &err) < 0 ||
	    exl_write_atomic(x->path, text, strlen(text), 0644, &err) < 0)
		cli_err("couldn't write the chain file: %s", err.text);
	else
		rc = 0;
	free(dir);
	free(text);
	return rc;
}

/* submit: every stage in order, then the chain file, then release the
 * first.  0, or -1 after a message with everything undone. */
static int submit(struct chain_run *x)
{
	size_t i;
	int rc;

	for (i = 0; i < x->c.n; i++) {
		struct stage_run *s = &x->s[i];

		if (i)
			build_argv(x, i, 0);
		if (s->r.tasks.n && sweep_write_map(&s->r) < 0) {
			undo(x, i + 1);
			return -1;
		}
		rc = sx_sbatch(s->argv, s->job, sizeof(s->job));
		if (rc != 0 || !s->job[0]) {
			cli_err("stage %zu %s: sbatch failed (exit %d); the chain was not submitted: %s",
				i + 1, s->r.spec.name, rc, s->line);
			s->job[0] = '\0';
			undo(x, i + 1);
			return -1;
		}
	}
	if (write_chain(x) < 0) {
		undo(x, x->c.n);
		return -1;
	}
	if (run_tool("scontrol", "release", x->s[0].job) != 0) {
		cli_err("couldn't release stage 1 (job %s, held): scontrol release %s failed; the chain was cancelled",
			x->s[0].job, x->s[0].job);
		undo(x, x->c.n);
		return -1;
	}
	return 0;
}

/* print_text: one block per stage (dry run: its tasks and sbatch line). */
static void print_text(const struct chain_run *x, int dry)
{
	printf("chain %s: %zu stages, run logs in group", x->c.name, x->c.n);
	for (size_t i = 0, seen = 0; i < x->c.n; i++) {
		const char *g = exl_sweep_group(&x->s[i].r.spec);
		size_t k;

		for (k = 0; k < i; k++)
			if (strcmp(exl_sweep_group(&x->s[k].r.spec), g) == 0)
				break;
		if (k == i)
			printf("%s %s", seen++ ? "," : "", g);
	}
	printf("\n");
	for (size_t i = 0; i < x->c.n; i++) {
		const struct stage_run *s = &x->s[i];

		printf("stage %zu %s: ", i + 1, s->r.spec.name);
		if (s->r.tasks.n)
			printf("%zu tasks", s->r.tasks.n);
		else
			printf("one job");
		if (i)
			printf(", %s", s->dep);
		if (!dry)
			printf(", job %s", s->job);
		printf("\n");
		if (dry) {
			for (size_t t = 0; t < s->r.tasks.n; t++)
				printf("  %5u  %s  %s\n", s->r.tasks.t[t].index,
				       s->r.tasks.t[t].name, s->r.tasks.t[t].sp);
			printf("  %s\n", s->line);
		}
	}
	printf("chain file %s\n", x->path);
}

/* print_json: the chain as one object. */
static void print_json(const struct chain_run *x, int dry)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "spec", json_object_new_string(x->c.file));
	json_object_object_add(o, "name", json_object_new_string(x->c.name));
	json_object_object_add(o, "chain_file", json_object_new_string(x->path));
	for (size_t i = 0; i < x->c.n; i++) {
		const struct stage_run *s = &x->s[i];
		json_object *t = json_object_new_object(), *cmd, *tasks;

		json_object_object_add(t, "stage", json_object_new_int64((int64_t)i + 1));
		json_object_object_add(t, "name", json_object_new_string(s->r.spec.name));
		json_object_object_add(t, "group",
				       json_object_new_string(exl_sweep_group(&s->r.spec)));
		json_object_object_add(t, "after", i ?
				       json_object_new_string(exl_chain_after(&x->c, i)) : NULL);
		json_object_object_add(t, "dependency", i ?
				       json_object_new_string(s->dep) : NULL);
		json_object_object_add(t, "job_id", dry ? NULL :
				       json_object_new_string(s->job));
		tasks = json_object_new_array();
		for (size_t k = 0; k < s->r.tasks.n; k++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "index",
					       json_object_new_int64(s->r.tasks.t[k].index));
			json_object_object_add(e, "task",
					       json_object_new_string(s->r.tasks.t[k].name));
			json_object_object_add(e, "statepoints",
					       exl_json_from_pairs(s->r.tasks.t[k].sp));
			json_object_array_add(tasks, e);
		}
		json_object_object_add(t, "tasks", tasks);
		cmd = json_object_new_array();
		for (size_t k = 0; s->argv[k]; k++)
			json_object_array_add(cmd, json_object_new_string(s->argv[k]));
		json_object_object_add(t, "sbatch", cmd);
		json_object_array_add(a, t);
	}
	json_object_object_add(o, "stages", a);
	exl_json_print(o);
}

int cmd_chain(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "sbatch", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct chain_run x;
	struct exl_err err;
	int ch, dry = 0, json = 0, rc = EXL_EXIT_ERROR;

	memset(&x, 0, sizeof(x));
	x.sbatch = "sbatch";
	optind = 0;	/* glibc: start over on the new argv */
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 's':
			x.sbatch = optarg;
			break;
		case 'h':
			sbatch_exp_usage(stdout);
			return EXL_EXIT_OK;
		default:
			return cli_bad_option(ch, argv, "chain");
		}
	}
	if (optind >= argc)
		return cli_missing("chain", "CHAIN.yaml", CHAIN_USAGE);
	if (optind + 1 < argc)
		return cli_usage_err("chain", "one CHAIN.yaml (its stages: list holds them all), got '%s' too",
				     argv[optind + 1]);
	if (exl_chain_load(argv[optind], &x.c, &err) < 0) {
		cli_err("%s", err.text);
		return EXL_EXIT_ERROR;
	}
	x.s = calloc(x.c.n, sizeof(*x.s));
	if (!x.s)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	if (prepare(&x, dry) < 0)
		goto out;
	if (!dry && submit(&x) < 0)
		goto out;
	if (json)
		print_json(&x, dry);
	else if (dry)
		print_text(&x, 1);
	else
		print_text(&x, 0);
	rc = EXL_EXIT_OK;
out:
	for (size_t i = 0; i < x.c.n; i++) {
		exl_sweep_tasks_free(&x.s[i].r.tasks);
		free(x.s[i].array);
		free(x.s[i].line);
		exl_sweep_argv_free(x.s[i].argv);
	}
	free(x.s);
	exl_chain_free(&x.c);
	return rc;
}
