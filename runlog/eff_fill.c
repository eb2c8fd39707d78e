/* eff_fill.c - the Efficiency block from accounting (see eff_fill.h).
 *
 * sacct --parsable2 rather than libslurm's slurmdb_jobs_get: runlog
 * already asks sacct for --sacct, a child can be killed at its timeout
 * when slurmdbd hangs (a slurmdb call in-process cannot), and the lines
 * are parsed by runstore/acct_eff, unit-tested without a cluster. */
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "eff_fill.h"
#include "job/run_lifecycle.h"
#include "acct_close.h"
#include "rl_sched.h"
#include "rl_spawn.h"
#include "runstore/acct_eff_block.h"
#include "runstore/run_edit.h"
#include "runstore/run_record.h"
#include "runstore/sched_job.h"
#include "util/fileio.h"

struct want {
	const struct rl_row *row;
	struct exl_acct_job j;
	int seen;		/* sacct printed a line of the job */
};

/* of_job: is line one of job id's ("ID|..." or "ID.step|...")? */
static int of_job(const char *line, const char *id)
{
	size_t n = strlen(id);

	return strncmp(line, id, n) == 0 && (line[n] == '|' || line[n] == '.');
}

/* telemetry_gpu: the GPUs' mean utilization exp-log's telemetry recorded
 * for job_id (its run.json summary, written at close-out) into eff. */
static void telemetry_gpu(const struct exl_run_record *run,
			  const char *job_id, struct exl_acct_eff *eff)
{
	const struct exl_run_job *job;
	json_object *all, *mean, *n;

	job = run ? exl_run_record_find_job(run, job_id, 0, 0) : NULL;
	if (!job || !job->telemetry ||
	    !json_object_object_get_ex(job->telemetry, "overall", &all) ||
	    !json_object_object_get_ex(all, "gpu_util_mean", &mean) ||
	    !json_object_object_get_ex(all, "ngpus", &n) ||
	    !(json_object_is_type(mean, json_type_double) ||
	      json_object_is_type(mean, json_type_int)) ||
	    !json_object_is_type(n, json_type_int))
		return;
	exl_acct_eff_gpu(eff, json_object_get_double(mean),
			 (int)json_object_get_int64(n));
}

/* put_block: the run_edit callback; nothing to write when a block is
 * there already (an earlier call, or a person's copy). */
static int put_block(struct exl_run_edit *e, void *arg)
{
	const struct want *w = arg;
	struct exl_acct_eff eff;

	if (exl_doc_find_section(&e->doc, EXL_EFF_SECTION, 0) >= 0)
		return 1;
	exl_acct_eff_compute(&w->j, &eff);
	telemetry_gpu(e->run, w->row->e->sum.job_id, &eff);
	return exl_acct_eff_block(&e->doc, w->row->e->sum.job_id, &w->j,
				  &eff);
}

/* query: sacct for the jobs in w (their steps included); folds the lines.
 * -2 when there is no accounting to ask (no sacct, or it is disabled),
 * -1 when sacct failed; why says which. */
static int query(struct want *w, size_t n, char *why, size_t len)
{
	char *argv[9] = { "sacct", "-n", "-P", "-o", EXL_ACCT_SACCT_FIELDS,
			  "-j", NULL, NULL, NULL };
	char *list, *out = NULL, *err = NULL, *line, *save = NULL;
	size_t i, l = 1;
	int status, rc = -1;

	for (i = 0; i < n; i++)
		l += strlen(w[i].row->e->sum.job_id) + 1;
	list = malloc(l);
	if (!list) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(list, ",");
		strcat(list, w[i].row->e->sum.job_id);
	}
	argv[6] = list;
	status = rl_spawn(argv, RL_ACCT_TIMEOUT, &out, NULL, &err);
	if (status == -1) {
		snprintf(why, len, "couldn't run sacct");
		rc = -2;
		goto done;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		snprintf(why, len, "sacct gave no answer in %d s",
			 RL_ACCT_TIMEOUT);
		goto done;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (err && strstr(err, "accounting storage is disabled"))
			rc = -2;
		/* sacct's last line says why */
		while (err && (line = strrchr(err, '\n')) && !line[1])
			*line = '\0';
		line = err ? strrchr(err, '\n') : NULL;
		snprintf(why, len, "sacct failed: %s", line ? line + 1 :
			 err && *err ? err : "no message");
		goto done;
	}
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < n; i++)
			if (of_job(line, w[i].row->e->sum.job_id)) {
				w[i].seen = 1;
				if (exl_acct_fold_line(line,
						       w[i].row->e->sum.job_id,
						       &w[i].j) == 0)
					break;
			}
	rc = 0;
done:
	free(out);
	free(err);
	free(list);
	return rc;
}

/* write_blocks: each job of w accounting shows ended gets its block.
 * Returns how many were written. */
static size_t write_blocks(struct rl *c, struct want *w, size_t m)
{
	size_t i, written = 0;

	for (i = 0; i < m; i++) {
		struct exl_run_edit e = { .run_log = w[i].row->e->path };
		char sd[4096];
		struct exl_err err;
		int fd, rc;

		if (!exl_acct_final(&w[i].j))
			continue;	/* not in accounting yet */
		/* run.json holds the telemetry summary (GPUs) */
		if (exl_run_state_dir(c->root, w[i].row->e->sum.job_id,
				      sd, sizeof(sd), &err) == 0)
			e.state_dir = sd;
		fd = rl_run_lock(c->root, w[i].row->e->group,
				 w[i].row->e->path);
		if (fd < 0)
			continue;
		rc = exl_run_edit(&e, NULL, put_block, &w[i], &err);
		exl_unlock(fd);
		if (rc < 0)
			cli_err("%s", err.text);
		written += rc == 0;
	}
	return written;
}

int rl_eff_fill_as(struct rl *c, const struct rl_row *rows, size_t n,
		   int quiet, FILE *unknown, size_t *written, char *why,
		   size_t len)
{
	struct want *w = calloc(n ? n : 1, sizeof(*w));
	size_t i, m = 0;
	int rc = 0;

	if (!w) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		/* the summary's look; put_block looks again under the lock */
		if (rows[i].r.final && !rows[i].e->sum.has_eff &&
		    exl_job_id_num(rows[i].e->sum.job_id) >= 0)
			w[m++].row = &rows[i];
	if (m)
		rc = query(w, m, why, len);
	if (written)
		*written = 0;
	if (m && rc == 0) {
		if (written)
			*written = write_blocks(c, w, m);
		else
			write_blocks(c, w, m);
		/* no line at all; or lines, not yet a final record */
		for (i = 0; unknown && i < m; i++)
			if (!w[i].seen || !exl_acct_final(&w[i].j))
				fprintf(unknown, "%s %s\n", w[i].seen ?
					"pending" : "unknown",
					w[i].row->e->sum.job_id);
	}
	if (rc < 0 && !quiet)
		cli_err("efficiency: %s: no Efficiency blocks written", why);
	free(w);
	return rc;
}

size_t rl_eff_fill(struct rl *c, const struct rl_row *rows, size_t n)
{
	size_t written = 0;
	char why[256];

	(void)rl_eff_fill_as(c, rows, n, 0, NULL, &written, why, sizeof(why));
	return written;
}
