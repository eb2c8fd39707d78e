/* cmd_new.c - `runlog new`: a run log for work outside Slurm (a
 * workstation, a cloud VM), in the same format and with the same
 * sidecar, timeline entry and job index as the plugin writes, so status,
 * lint and publish treat it like any other run. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "runstore/run_edit.h"
#include "job/run_late.h"
#include "job/run_lifecycle.h"
#include "runlog.h"
#include "runstore/runlog_keys.h"

static const char usage[] =
"Usage: runlog new --task NAME [--group G] [--mode MODE] [--objective TEXT]\n"
"                  [--config PATH] [--dataset PATH|URL] [--script TEXT]\n"
"                  [--id ID | --pid PID]\n"
"\n"
"Create <root>/[G/]<date>_<task>.md for a run outside Slurm, with its\n"
"timeline entry, sidecar and job index, and print its path.  The\n"
"execution_id is local:<host>:<pid> (default pid: the caller of runlog,\n"
"e.g. the script that runs the work), which `runlog status` shows as\n"
"RUNNING while that process lives; close the log with `runlog close`.\n"
"\n"
"  -t, --task NAME        task part of the file name (required)\n"
"  -g, --group G          the group directory\n"
"  -m, --mode MODE        replication, experiment or pipeline[:SUBTYPE]\n"
"  -o, --objective TEXT   one line: what the run should show\n"
"  -c, --config PATH      config file to hash and snapshot\n"
"  -d, --dataset PATH|URL the dataset the run reads\n"
"  -s, --script TEXT      the command or script that runs the work\n"
"      --id ID            execution id instead of local:<host>:<pid>\n"
"                         (letters, digits, . _ : -; e.g. a VM name)\n"
"      --pid PID          the process doing the work\n"
"  -h, --help             this help\n";

struct new_opts {
	struct exl_opts o;
	const char *id, *script;
	long pid;
};

/* opt_set: an option through the plugin's own validation; its message
 * names --exp-X, which is --X here. */
static int opt_set(struct exl_opts *o, enum exl_opt_id id, const char *val)
{
	struct exl_err err;
	char *m, *p;

	if (exl_opts_set(o, id, val, &err) == 0)
		return 0;
	m = err.text;
	if (strncmp(m, "exp-log: ", 9) == 0)
		m += 9;
	while ((p = strstr(m, "--exp-")))
		memmove(p + 2, p + 6, strlen(p + 6) + 1);
	fprintf(stderr, "%s new: %s\n", cli_prog(), m);
	return EXL_EXIT_USAGE;
}

static int valid_id(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n > 64 || id[0] == '.' || id[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!(isalnum((unsigned char)id[i]) || strchr("._:-", id[i])))
			return 0;
	return 1;
}

static int parse(int argc, char **argv, struct new_opts *n)
{
	static const struct option lo[] = {
		{ "task", required_argument, NULL, 't' },
		{ "group", required_argument, NULL, 'g' },
		{ "mode", required_argument, NULL, 'm' },
		{ "objective", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "dataset", required_argument, NULL, 'd' },
		{ "script", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'I' },
		{ "pid", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { int ch; enum exl_opt_id id; } map[] = {
		{ 't', EXL_OPT_TASK }, { 'g', EXL_OPT_GROUP },
		{ 'm', EXL_OPT_MODE }, { 'o', EXL_OPT_OBJECTIVE },
		{ 'c', EXL_OPT_CONFIG }, { 'd', EXL_OPT_DATASET },
	};
	int ch, rc;
	size_t i;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":t:g:m:o:c:d:s:h", lo, NULL)) != -1) {
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (map[i].ch == ch)
				break;
		if (i < sizeof(map) / sizeof(map[0])) {
			rc = opt_set(&n->o, map[i].id, optarg);
			if (rc)
				return rc;
			continue;
		}
		switch (ch) {
		case 's':
			n->script = optarg;
			break;
		case 'I':
			if (!valid_id(optarg))
				return rl_usage("new", "--id %s: use 1-64 letters, "
						"digits, '.', '_', ':' or '-'", optarg);
			n->id = optarg;
			break;
		case 'P':
			n->pid = rl_parse_count(optarg);
			if (n->pid < 1)
				return rl_usage("new", "--pid %s: not a process id",
						optarg);
			break;
		case 'h':
			return -1;
		default:
			return cli_bad_option(ch, argv, "new");
		}
	}
	if (optind != argc)
		return rl_usage("new", "unexpected argument %s", argv[optind]);
	if (!n->o.task)
		return cli_missing("new", "--task NAME", usage);
	if (n->id && n->pid)
		return rl_usage("new", "--id and --pid exclude each other");
	return 0;
}

/* gather: the facts the renderer needs, for a run on this machine. */
static int gather(const struct new_opts *n, struct exl_run_facts *f)
{
	struct exl_job_facts *j = &f->job;
	struct passwd *pw = getpwuid(getuid());
	char host[256];

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (!getcwd(j->submit_dir, sizeof(j->submit_dir))) {
		cli_err("couldn't read the working directory: %s", strerror(errno));
		return -1;
	}
	if (n->id)
		snprintf(j->job_id, sizeof(j->job_id), "%s", n->id);
	else if (snprintf(j->job_id, sizeof(j->job_id), "local:%s:%ld", host,
			  n->pid ? n->pid : (long)getppid()) >= (int)sizeof(j->job_id)) {
		cli_err("host name %s too long: give --id", host);
		return -1;
	}
	snprintf(j->work_dir, sizeof(j->work_dir), "%s", j->submit_dir);
	snprintf(j->job_name, sizeof(j->job_name), "%s", n->o.task);
	snprintf(j->user, sizeof(j->user), "%s", pw ? pw->pw_name : "");
	snprintf(j->nodes, sizeof(j->nodes), "%s", host);
	snprintf(j->batch_host, sizeof(j->batch_host), "%s", host);
	snprintf(j->partition, sizeof(j->partition), "n/a (not a Slurm job)");
	snprintf(j->script, sizeof(j->script), "%s",
		 n->script ? n->script : "(not given: use --script)");
	j->nnodes = 1;
	j->submitted = j->start = time(NULL);
	j->time_limit_min = 0xffffffffu;
	exl_sanitize_name(n->o.task, f->task);
	if (n->o.config && exl_path_resolve(j->submit_dir, n->o.config,
					    f->config_abs, sizeof(f->config_abs)) < 0) {
		cli_err("--config %s: path too long", n->o.config);
		return -1;
	}
	exl_run_slow_facts_read(f);	/* git, the dataset (f->opts is n->o) */
	return 0;
}

/* put_no_signal: "- signal: n/a (not a Slurm job)" in the Job block. */
static int put_no_signal(struct exl_run_edit *e, void *arg)
{
	long blk = exl_doc_find_section(&e->doc, "Job", 0);

	(void)arg;
	if (blk < 0 || exl_doc_find_key(&e->doc, (size_t)blk, EXL_K_SIGNAL) < 0)
		return 1;
	return exl_doc_set_key(&e->doc, (size_t)blk, EXL_K_SIGNAL,
			       "n/a (not a Slurm job)") < 0 ? -1 : 0;
}

/* fix_signal: a run outside Slurm has no signal spec to advise on. */
static int fix_signal(const struct rl_run *run)
{
	struct exl_run_edit e = { .run_log = run->path };
	char *lock = exl_run_lock_path(run->root, rl_group(run), run->path);
	struct exl_err err;
	int rc = -1;

	if (!lock)
		cli_err("out of memory");
	else if ((rc = exl_run_edit(&e, lock, put_no_signal, NULL, &err)) < 0)
		cli_err("%s", err.text);
	free(lock);
	return rc < 0 ? -1 : 0;
}

int cmd_new(struct rl *c, int argc, char **argv)
{
	struct new_opts n = { 0 };
	struct exl_run_facts *f = calloc(1, sizeof(*f));
	struct exl_run_paths paths;
	struct rl_run run = { 0 };
	struct exl_err err;
	char *idx = NULL;
	int rc;

	if (!f) {
		cli_err("out of memory");
		return EXL_EXIT_ERROR;
	}
	rc = parse(argc, argv, &n);
	if (rc) {
		rc = rc < 0 ? rl_help(usage) : rc;
		goto out;
	}
	f->opts = &n.o;
	rc = EXL_EXIT_ERROR;
	if (gather(&n, f) < 0)
		goto out;
	idx = exl_layout_job_index(c->root, f->job.job_id);
	if (!idx || access(idx, F_OK) == 0) {
		cli_err("execution id %s already has a run log under %s: give "
			"another --id", f->job.job_id, c->root);
		goto out;
	}
	if (exl_run_begin(c->root, f, &paths, &err) < 0) {
		cli_err("%s", err.text);
		goto out;
	}
	snprintf(run.path, sizeof(run.path), "%s", paths.run_log);
	snprintf(run.root, sizeof(run.root), "%s", c->root);
	if (n.o.group)
		snprintf(run.group, sizeof(run.group), "%s", n.o.group);
	if (fix_signal(&run) < 0)
		goto out;
	printf("%s\n", paths.run_log);
	rc = EXL_EXIT_OK;
out:
	free(idx);
	exl_opts_free(&n.o);
	free(f);
	return rc;
}
