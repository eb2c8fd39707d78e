/* cmd_chain.c - `runlog chain NAME|FILE`: the stages of a chain that
 * sbatch-exp(1) submitted, from its chain file: each stage's job, its
 * run logs and how they ended, and for a stage that never ran, why (the
 * stage it waits for failed; what the scheduler says of its job). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "util/jobstate.h"
#include "runstore/layout.h"
#include "runstore/runlog_keys.h"
#include "sweep/sweep_chain.h"
#include "sweep/sweep_state.h"
#include "rl_sched.h"
#include "runlog.h"
#include "util/jsonfile.h"

static const char usage[] =
"Usage: runlog chain NAME|FILE [--json]\n"
"\n"
"The stages of the chain sbatch-exp submitted as NAME (its newest chain\n"
"file under .exp-log/chains) or of the chain file FILE, in order: each\n"
"stage's job, how it waits for the stage before (afterok, afterany),\n"
"its run logs and how they ended.  A stage without a run log is waiting,\n"
"or never ran; then the line says why: the stage before ended failed\n"
"while this one needs it to succeed, and what Slurm says of its job\n"
"(PENDING (DependencyNeverSatisfied), or CANCELLED where slurmctld\n"
"cancels jobs whose dependency can never be met).\n"
"\n"
"      --json   the stages as JSON\n"
"  -h, --help   this help\n"
"\n"
"Exit status: 0 every stage done or still on its way, 1 a stage failed or\n"
"will never run, 3 no such chain.\n";

/* What became of one stage. */
struct stage_view {
	const struct exl_chain_entry *e;
	size_t nlogs, done, running, failed, unstarted;
	char **logs;		/* "group/file.md" */
	const char *state;	/* done, running, failed, waiting, never ran */
	char why[512];
	const struct exl_sched_job *sched;
};

/* newest_chain: the newest <NAME>-*.chain under the root's chains
 * folder (names carry the UTC time, so the largest is the newest). */
static char *newest_chain(const struct rl *c, const char *name)
{
	char *dir = exl_layout_chain_file(c->root, ""), *best = NULL, *path;
	size_t nl = strlen(name);
	struct dirent *de;
	DIR *d;

	if (!dir)
		return NULL;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > nl + 7 && strncmp(de->d_name, name, nl) == 0 &&
		    de->d_name[nl] == '-' &&
		    strcmp(de->d_name + l - 6, ".chain") == 0 &&
		    (!best || strcmp(de->d_name, best) > 0)) {
			free(best);
			best = strdup(de->d_name);
		}
	}
	if (d)
		closedir(d);
	path = best ? exl_path_join(dir, best) : NULL;
	free(best);
	free(dir);
	return path;
}

/* names_job: does the run log text belong to job (its execution_id, or
 * an array task of it)? */
static int names_job(const char *text, const char *job)
{
	char a[96], b[96];

	snprintf(a, sizeof(a), "\n- " EXL_K_EXECUTION_ID ": %s\n", job);
	snprintf(b, sizeof(b), "\n- " EXL_K_ARRAY_TASK ": %s_", job);
	return strstr(text, a) || strstr(text, b);
}

/* find_logs: the stage's run logs in its group, with their states. */
static int find_logs(const struct rl *c, struct stage_view *v)
{
	struct exl_scan sc;
	int rc = rl_scan_load(c, v->e->group, &sc);

	if (rc)
		return rc;
	v->logs = calloc(sc.n + 1, sizeof(*v->logs));
	if (!v->logs)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	for (size_t i = 0; i < sc.n; i++) {
		char *text;

		if (!sc.v[i].ok ||
		    exl_read_file(sc.v[i].path, 64u << 20, &text, NULL, NULL) < 0)
			continue;
		if (names_job(text, v->e->job)) {
			enum exl_sweep_state st = exl_sweep_state_of(&sc.v[i].sum);

			v->done += st == EXL_SWEEP_DONE;
			v->running += st == EXL_SWEEP_RUNNING;
			v->failed += st == EXL_SWEEP_FAILED;
			v->unstarted += st == EXL_SWEEP_NONE;
			v->logs[v->nlogs] = strdup(sc.v[i].rel);
			if (!v->logs[v->nlogs++])
				cli_die(EXL_EXIT_ERROR, "out of memory");
		}
		free(text);
	}
	exl_scan_free(&sc);
	return 0;
}

/* judge: the stage's state and, for one that never ran, why. */
static void judge(struct stage_view *v, const struct stage_view *prev,
		  const struct exl_sched_set *jobs, int sched_ok)
{
	const struct exl_sched_job *j = sched_ok ?
		exl_sched_find(jobs, v->e->job) : NULL;
	char slurm[160] = "";

	v->sched = j;
	if (j)
		snprintf(slurm, sizeof(slurm), "; Slurm: %s%s%s%s", j->state,
			 j->reason[0] ? " (" : "", j->reason,
			 j->reason[0] ? ")" : "");
	/* a run log written at submission whose job never started counts
	 * as none: the stage waits or never ran */
	if (v->running) {
		v->state = "running";
	} else if (v->nlogs > v->unstarted && !v->failed) {
		v->state = "done";
	} else if (v->nlogs > v->unstarted) {
		v->state = "failed";
	} else if (prev && strcmp(v->e->after, "afterok") == 0 &&
		   prev->failed && !prev->running) {
		v->state = "never ran";
		snprintf(v->why, sizeof(v->why),
			 "stage %u %s (job %s) ended failed and this stage runs only after it succeeds (afterok)%s",
			 prev->e->stage, prev->e->name, prev->e->job, slurm);
	} else if (prev && strcmp(prev->state, "never ran") == 0) {
		v->state = "never ran";
		snprintf(v->why, sizeof(v->why),
			 "stage %u %s (job %s), which it waits for, never ran%s",
			 prev->e->stage, prev->e->name, prev->e->job, slurm);
	} else if (j && exl_state_is_final(j->state)) {
		v->state = "never ran";
		snprintf(v->why, sizeof(v->why), "its job ended %s%s",
			 v->nlogs ? "without starting" : "without a run log",
			 slurm);
	} else {
		v->state = "waiting";
		if (prev)
			snprintf(v->why, sizeof(v->why), "for stage %u %s (%s:%s)%s",
				 prev->e->stage, prev->e->name, v->e->after,
				 prev->e->job, slurm);
		else
			snprintf(v->why, sizeof(v->why), "to start%s", slurm);
	}
}

/* print_text: one line per stage, its run logs under it. */
static void print_text(const struct exl_chain_file *f, const char *path,
		       const struct stage_view *v)
{
	printf("chain %s: %zu stages (%s)\n", f->name, f->n, path);
	for (size_t i = 0; i < f->n; i++) {
		printf("stage %u %-12s job %-8s %-9s %s", v[i].e->stage,
		       v[i].e->name, v[i].e->job,
		       strcmp(v[i].e->after, "-") ? v[i].e->after : "first",
		       v[i].state);
		if (v[i].why[0])
			printf(": %s", v[i].why);
		printf("\n");
		for (size_t k = 0; k < v[i].nlogs; k++)
			printf("  %s\n", v[i].logs[k]);
	}
}

/* print_json: the chain as one object. */
static void print_json(const struct exl_chain_file *f, const char *path,
		       const struct stage_view *v)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "chain", json_object_new_string(f->name));
	json_object_object_add(o, "chain_file", json_object_new_string(path));
	for (size_t i = 0; i < f->n; i++) {
		json_object *s = json_object_new_object(), *l = json_object_new_array();

		json_object_object_add(s, "stage", json_object_new_int64(v[i].e->stage));
		json_object_object_add(s, "name", json_object_new_string(v[i].e->name));
		json_object_object_add(s, "group", json_object_new_string(v[i].e->group));
		json_object_object_add(s, "job_id", json_object_new_string(v[i].e->job));
		json_object_object_add(s, "after", strcmp(v[i].e->after, "-") ?
				       json_object_new_string(v[i].e->after) : NULL);
		json_object_object_add(s, "state", json_object_new_string(v[i].state));
		json_object_object_add(s, "why", v[i].why[0] ?
				       json_object_new_string(v[i].why) : NULL);
		json_object_object_add(s, "scheduler_state", v[i].sched ?
				       json_object_new_string(v[i].sched->state) : NULL);
		json_object_object_add(s, "scheduler_reason",
				       v[i].sched && v[i].sched->reason[0] ?
				       json_object_new_string(v[i].sched->reason) : NULL);
		for (size_t k = 0; k < v[i].nlogs; k++)
			json_object_array_add(l, json_object_new_string(v[i].logs[k]));
		json_object_object_add(s, "run_logs", l);
		json_object_array_add(a, s);
	}
	json_object_object_add(o, "stages", a);
	exl_json_print(o);
}

int cmd_chain(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct exl_sched_set jobs = { 0 };
	struct rl_sched_query q;
	struct exl_chain_file f;
	struct stage_view *v;
	struct exl_err err;
	char why[256], *path;
	int ch, json = 0, rc = EXL_EXIT_OK, sched_ok;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 'h')
			return rl_help(usage);
		else
			return cli_bad_option(ch, argv, "chain");
	}
	if (optind >= argc)
		return cli_missing("chain", "NAME|FILE", usage);
	if (argc - optind > 1)
		return rl_usage("chain", "one NAME or FILE");
	if (rl_check_root(c) < 0)
		return EXL_EXIT_ERROR;
	path = strchr(argv[optind], '/') ? strdup(argv[optind]) :
	       newest_chain(c, argv[optind]);
	if (!path) {
		cli_err("chain: no chain '%s' under %s/.exp-log/chains: give the chain's name (sbatch-exp chain prints it) or its chain file",
			argv[optind], c->root);
		return EXL_EXIT_ERROR;
	}
	if (exl_chain_file_read(path, &f, &err) < 0) {
		cli_err("%s", err.text);
		free(path);
		return EXL_EXIT_ERROR;
	}
	if (rl_sched_start(&q, why, sizeof(why)) < 0)
		q.pid = -1;
	v = calloc(f.n, sizeof(*v));
	if (!v)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	for (size_t i = 0; i < f.n && rc == EXL_EXIT_OK; i++) {
		v[i].e = &f.e[i];
		rc = find_logs(c, &v[i]);
	}
	sched_ok = q.pid >= 0 && rl_sched_finish(&q, &jobs, why, sizeof(why)) == 0;
	if (rc == EXL_EXIT_OK) {
		if (!sched_ok)
			cli_err("scheduler not reachable (%s): states come from the run logs",
				why);
		for (size_t i = 0; i < f.n; i++) {
			judge(&v[i], i ? &v[i - 1] : NULL, &jobs, sched_ok);
			if (strcmp(v[i].state, "failed") == 0 ||
			    strcmp(v[i].state, "never ran") == 0)
				rc = EXL_EXIT_CHECK;
		}
		if (json)
			print_json(&f, path, v);
		else
			print_text(&f, path, v);
	}
	for (size_t i = 0; i < f.n; i++) {
		for (size_t k = 0; k < v[i].nlogs; k++)
			free(v[i].logs[k]);
		free(v[i].logs);
	}
	free(v);
	exl_sched_free(&jobs);
	exl_chain_file_free(&f);
	free(path);
	return rc;
}
