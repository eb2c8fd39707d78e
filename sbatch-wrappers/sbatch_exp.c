/* sbatch_exp.c - sbatch-exp: submit a sweep (a grid of statepoints) as
 * one job array with a run log per task.
 *
 * The spec is read and checked by lib/sweep before anything is written
 * or submitted.  The array goes through the sbatch command, not
 * libslurm's slurm_submit_batch_job: sbatch is what reads the script's
 * #SBATCH lines, applies the user's SBATCH_* environment and defaults,
 * and runs the SPANK plugins' option callbacks that turn --exp-* into
 * the job's options and check the run-log root at submit time.  Doing
 * that by hand through libslurm would copy (and drift from) all of it.
 *
 * Each task's statepoints travel in a task map (lib/sweep/sweep_map.h)
 * under the run-log root; the job gets its path in EXP_LOG_SWEEP and the
 * plugin picks the line of its SLURM_ARRAY_TASK_ID.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "util/jsonfile.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "sweep/sweep.h"
#include "sweep/sweep_argv.h"
#include "sweep/sweep_map.h"
#include "sbatch_exp.h"

#define USAGE_LINE \
"Usage: sbatch-exp sweep SPEC.yaml [--dry-run] [--json] [--rerun failed]\n" \
"                        [--sbatch PATH]\n" \
"       sbatch-exp chain CHAIN.yaml [--dry-run] [--json] [--sbatch PATH]\n"

void sbatch_exp_usage(FILE *f)
{
	fputs(USAGE_LINE
"Submit experiment sweeps to Slurm with a run log per task.\n"
"\n"
"Commands:\n"
"  sweep SPEC.yaml   submit the spec's grid as one job array: one task per\n"
"                    combination of statepoints, each with its own run log\n"
"                    (EXP_SP_<NAME> in its environment, --exp-sp recorded)\n"
"  chain CHAIN.yaml  submit the spec's stages in order, each waiting for\n"
"                    the one before (a Slurm dependency: afterok, or\n"
"                    afterany with after: any); every run log names the\n"
"                    job it depends on and the job that depends on it\n"
"\n"
"Options of sweep:\n"
"      --dry-run     print the task table and the sbatch line; submit nothing\n"
"      --json        print the tasks (and the job id) as JSON\n"
"      --rerun failed  submit again only the tasks whose run logs ended\n"
"                    failed, timeout, cancelled or lost, as resumed runs\n"
"      --sbatch PATH the sbatch to run (default: sbatch from PATH)\n"
"\n"
"Options of chain: --dry-run, --json and --sbatch, as for sweep.\n"
"\n"
"  -h, --help        this help\n"
"  -V, --version     print the version\n"
"\n"
"A spec is YAML: script, args, name, sbatch (resources), exp (--exp-*\n"
"options), throttle (at most N tasks at a time), grid (lists and ranges),\n"
"zip, sample {count, seed} and exclude.  A chain spec is YAML: name and\n"
"stages, a list of sweep specs (grid optional) with after: ok|any.\n"
"See sbatch-exp(1).\n"
"\n"
"Exit status: 0 submitted (or printed), 2 bad command line, 3 bad spec or\n"
"the submission failed.\n", f);
}

/* print_table: the tasks, one line each, a column per statepoint. */
static void print_table(const struct sweep_run *r)
{
	const struct exl_sweep_spec *s = &r->spec;
	size_t w = 4, i;

	for (i = 0; i < r->tasks.n; i++)
		if (strlen(r->tasks.t[i].name) > w)
			w = strlen(r->tasks.t[i].name);
	printf("%5s  %-*s  %s\n", "index", (int)w, "task", "statepoints");
	for (i = 0; i < r->tasks.n; i++)
		if (sweep_selected(r, i))
			printf("%5u  %-*s  %s\n", r->tasks.t[i].index, (int)w,
			       r->tasks.t[i].name, r->tasks.t[i].sp);
	printf("sweep %s: %zu of %zu task%s, ", s->name, r->nsel, r->tasks.n,
	       r->tasks.n == 1 ? "" : "s");
	if (s->throttle)
		printf("at most %ld at a time, ", s->throttle);
	printf("run logs in group %s\n", exl_sweep_group(s));
}

/* print_json: the sweep as one JSON object. */
static void print_json(const struct sweep_run *r, char *const *argv,
		       const char *job_id)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	json_object *cmd = json_object_new_array();
	size_t i;

	json_object_object_add(o, "spec", json_object_new_string(r->spec.file));
	json_object_object_add(o, "name", json_object_new_string(r->spec.name));
	json_object_object_add(o, "group",
			       json_object_new_string(exl_sweep_group(&r->spec)));
	json_object_object_add(o, "map", json_object_new_string(r->map));
	json_object_object_add(o, "throttle",
			       json_object_new_int64(r->spec.throttle));
	for (i = 0; i < r->tasks.n; i++) {
		json_object *t;

		if (!sweep_selected(r, i))
			continue;
		t = json_object_new_object();
		json_object_object_add(t, "index",
				       json_object_new_int64(r->tasks.t[i].index));
		json_object_object_add(t, "task",
				       json_object_new_string(r->tasks.t[i].name));
		json_object_object_add(t, "statepoints", exl_json_from_pairs(r->tasks.t[i].sp));
		json_object_array_add(a, t);
	}
	json_object_object_add(o, "tasks", a);
	for (i = 0; argv[i]; i++)
		json_object_array_add(cmd, json_object_new_string(argv[i]));
	json_object_object_add(o, "sbatch", cmd);
	json_object_object_add(o, "job_id", job_id ?
			       json_object_new_string(job_id) : NULL);
	exl_json_print(o);
}

/* sweep_write_map: the task map under the run-log root, before
 * submitting. */
int sweep_write_map(const struct sweep_run *r)
{
	struct exl_err err;
	char *dir = exl_dirname(r->map), *text = exl_sweep_map_text(&r->tasks);
	int rc = -1;

	if (!dir || !text)
		cli_err("out of memory");
	else if (exl_mkdir_p(dir, 0755, &err) < 0 ||
		 exl_write_atomic(r->map, text, strlen(text), 0644, &err) < 0)
		cli_err("couldn't write the task map: %s", err.text);
	else
		rc = 0;
	free(dir);
	free(text);
	return rc;
}

/* sweep_map_path: <root>/.exp-log/sweeps/<group>-<UTC time>-<pid>.map. */
int sweep_map_path(struct sweep_run *r, const char *tag)
{
	const char *dir = exl_sweep_log_dir(&r->spec);
	char cwd[PATH_MAX], root[PATH_MAX], name[256], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *p;

	if (!getcwd(cwd, sizeof(cwd)))
		cli_die(EXL_EXIT_ERROR, "couldn't read the current directory: %s",
			strerror(errno));
	if (exl_path_resolve(cwd, dir ? dir : "run_logs", root, sizeof(root)) < 0)
		cli_die(EXL_EXIT_ERROR, "%s: exp: log: path too long",
			r->spec.file);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(name, sizeof(name), "%s%s%s-%s-%ld.map",
		 exl_sweep_group(&r->spec), tag ? "-" : "", tag ? tag : "",
		 stamp, (long)getpid());
	p = exl_layout_sweep_map(root, name);
	if (!p || strlen(p) >= sizeof(r->map) || strchr(p, ',')) {
		free(p);
		cli_die(EXL_EXIT_ERROR, "%s: run-log root %s: use a path without ',' (sbatch --export splits on it)",
			r->spec.file, root);
	}
	snprintf(r->map, sizeof(r->map), "%s", p);
	snprintf(r->root, sizeof(r->root), "%s", root);
	free(p);
	return 0;
}

int sweep_selected(const struct sweep_run *r, size_t i)
{
	return !r->sel || r->sel[i];
}

/* cmd_sweep: sbatch-exp sweep SPEC [--dry-run] [--json] [--rerun failed]. */
static int cmd_sweep(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "rerun", required_argument, NULL, 'r' },
		{ "sbatch", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sbatch = "sbatch";
	struct sweep_run r;
	struct exl_err err;
	int ch, dry = 0, json = 0, rc;
	unsigned *idx;
	char **sargv, *arr, *line, id[128];
	size_t i;

	memset(&r, 0, sizeof(r));
	optind = 0;	/* glibc: start over on the new argv */
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'r':
			if (strcmp(optarg, "failed") != 0)
				return cli_usage_err("sweep", "--rerun=%s: use --rerun failed",
						     optarg);
			r.rerun = 1;
			break;
		case 's':
			sbatch = optarg;
			break;
		case 'h':
			sbatch_exp_usage(stdout);
			return EXL_EXIT_OK;
		default:
			return cli_bad_option(ch, argv, "sweep");
		}
	}
	if (optind >= argc)
		return cli_missing("sweep", "SPEC.yaml", USAGE_LINE);
	if (optind + 1 < argc)
		return cli_usage_err("sweep", "one SPEC.yaml, got '%s' too",
				     argv[optind + 1]);
	if (exl_sweep_load(argv[optind], &r.spec, &err) < 0 ||
	    exl_sweep_expand(&r.spec, &r.tasks, &err) < 0) {
		cli_err("%s", err.text);
		return EXL_EXIT_ERROR;
	}
	if (access(r.spec.script, R_OK) < 0) {
		cli_err("%s:%d: script: %s: %s: give the job script's path from the directory you submit in",
			r.spec.file, r.spec.script_line, r.spec.script,
			strerror(errno));
		rc = EXL_EXIT_ERROR;
		goto out;
	}
	sweep_map_path(&r, NULL);
	r.nsel = r.tasks.n;
	if (r.rerun && (rc = sweep_rerun_select(&r)) != 0)
		goto out;
	idx = calloc(r.tasks.n + 1, sizeof(*idx));
	if (!idx)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	for (i = 0, r.nsel = 0; i < r.tasks.n; i++)
		if (sweep_selected(&r, i))
			idx[r.nsel++] = r.tasks.t[i].index;
	arr = exl_sweep_array_spec(idx, r.nsel, r.spec.throttle);
	free(idx);
	sargv = arr ? sweep_sbatch_argv(&r, sbatch, arr) : NULL;
	line = sargv ? exl_sweep_argv_line(sargv) : NULL;
	if (!line)
		cli_die(EXL_EXIT_ERROR, "out of memory");
	rc = EXL_EXIT_OK;
	if (dry) {
		if (json) {
			print_json(&r, sargv, NULL);
		} else {
			print_table(&r);
			printf("%s\n", line);
		}
	} else if (sweep_write_map(&r) < 0) {
		rc = EXL_EXIT_ERROR;
	} else if ((ch = sx_sbatch(sargv, id, sizeof(id))) != 0 || !id[0]) {
		cli_err("sbatch failed (exit %d); nothing was submitted: %s",
			ch, line);
		if (unlink(r.map) < 0)
			cli_err("couldn't remove %s: %s", r.map, strerror(errno));
		rc = EXL_EXIT_ERROR;
	} else if (json) {
		print_json(&r, sargv, id);
	} else {
		printf("sbatch-exp: sweep %s: job array %s, %zu task%s%s, run logs in group %s\n",
		       r.spec.name, id, r.nsel, r.nsel == 1 ? "" : "s",
		       r.rerun ? " rerun" : "", exl_sweep_group(&r.spec));
	}
	free(arr);
	free(line);
	exl_sweep_argv_free(sargv);
out:
	free(r.sel);
	exl_sweep_tasks_free(&r.tasks);
	exl_sweep_free(&r.spec);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	cli_init("sbatch-exp");
	while ((ch = getopt_long(argc, argv, "+:hV", lo, NULL)) != -1) {
		switch (ch) {
		case 'h':
			sbatch_exp_usage(stdout);
			return EXL_EXIT_OK;
		case 'V':
			return cli_version();
		default:
			return cli_bad_option(ch, argv, NULL);
		}
	}
	if (optind >= argc)
		return cli_missing(NULL, "COMMAND", USAGE_LINE);
	if (strcmp(argv[optind], "sweep") == 0)
		return cmd_sweep(argc - optind, argv + optind);
	if (strcmp(argv[optind], "chain") == 0)
		return cmd_chain(argc - optind, argv + optind);
	return cli_usage_err(NULL, "unknown command '%s'", argv[optind]);
}
