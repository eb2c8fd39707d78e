/* acct_close.c - close the runs slurmctld forgot from accounting (see
 * acct_close.h).
 *
 * sacct, not libslurm's slurmdb_jobs_get: a child that is killed at its
 * timeout keeps `runlog status` quick when slurmdbd hangs (a slurmdb call
 * in-process cannot be stopped, and libslurm ends the process with
 * fatal() on a bad configuration), its "-P" lines are parsed by
 * runstore/sched_job, unit-tested without a cluster, and the child costs
 * nothing in the usual case: it only runs when slurmctld forgot a job
 * that an open run log names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runstore/layout.h"
#include "util/fileio.h"
#include "util/jobstate.h"
#include "acct_close.h"
#include "rl_sched.h"
#include "settle.h"

/* unknown_load: the ids in the acct-unknown file asked about less than
 * RL_ACCT_RECHECK_S ago ("id epoch" lines, "id epoch none" when there
 * was no accounting to ask; a bad line is skipped). */
static void unknown_load(const char *path, time_t now,
			 struct exl_sched_set *set)
{
	char *buf = NULL, *line, *save = NULL;
	struct exl_err err;

	if (!path || exl_read_file(path, 1u << 20, &buf, NULL, &err) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct exl_sched_job j = { 0 };
		char how[8] = "";
		unsigned long id;
		long long when;

		if (sscanf(line, "%lu %lld %7s", &id, &when, how) < 2 ||
		    when > (long long)now || when < (long long)now -
		    RL_ACCT_RECHECK_S)
			continue;
		j.job_id = id;
		j.start = (time_t)when;
		snprintf(j.reason, sizeof(j.reason), "%s", how);
		if (exl_sched_add(set, &j) < 0)
			break;
	}
	exl_sched_sort(set);
	free(buf);
}

/* unknown_save: the ids still believed unknown, and those just asked
 * about that accounting did not know.  A cache: one that can't be
 * written only costs a query next time. */
static void unknown_save(const char *root, const char *path,
			 const struct exl_sched_set *set)
{
	char *meta = exl_layout_meta(root), *dir = path ? exl_dirname(path) :
		     NULL, *buf = malloc(set->n * 40 + 1);
	struct exl_err err;
	size_t i, len = 0;

	if (meta && dir && buf && access(meta, W_OK) == 0 &&
	    exl_mkdir_p(dir, 0755, &err) == 0) {
		for (i = 0; i < set->n; i++)
			len += (size_t)snprintf(buf + len, 40, "%lu %lld%s\n",
						set->v[i].job_id,
						(long long)set->v[i].start,
						set->v[i].reason[0] ? " none" :
						"");
		(void)exl_write_atomic(path, buf, len, 0644, &err);
	}
	free(meta);
	free(dir);
	free(buf);
}

/* forgotten: the open runs' numeric job ids slurmctld did not list; those
 * accounting did not know a moment ago are left out. */
static size_t forgotten(const struct exl_scan *sc,
			const struct rl_sched_view *v,
			const struct exl_sched_set *unknown, char **ids)
{
	size_t i, n = 0;

	for (i = 0; i < sc->n; i++) {
		const struct exl_run_summary *s = &sc->v[i].sum;

		if (!sc->v[i].ok || exl_summary_closed(s) ||
		    exl_job_id_num(s->job_id) < 0 ||
		    exl_sched_find(&v->jobs, s->job_id))
			continue;
		if (!exl_sched_find(unknown, s->job_id))
			ids[n++] = s->job_id;
	}
	return n;
}

/* close_one: the run log of job id, closed with accounting's end. */
static int close_one(const char *root, const struct exl_sched_job *j,
		     const char *id)
{
	struct exl_err err;
	int rc;

	rc = rl_settle_acct_end(root, id, j, &err);
	if (rc < 0)
		cli_err("job %s: accounting says %s, but its run log could not "
			"be closed: %s", id, j->state, err.text);
	return rc;
}

/* mark: add job id to set (kept sorted by the caller); none: there was
 * no accounting to ask. */
static int mark(struct exl_sched_set *set, const char *id, time_t when,
		int none)
{
	struct exl_sched_job j = { 0 };

	j.job_id = (unsigned long)exl_job_id_num(id);
	j.start = when;
	if (none)
		snprintf(j.reason, sizeof(j.reason), "none");
	return exl_sched_add(set, &j);
}

/* settle: close what accounting says ended; remember what it did not
 * know in unknown (with now). */
static void settle(const char *root, char **ids, size_t n,
		   struct rl_sched_view *v, struct exl_sched_set *unknown,
		   time_t now)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct exl_sched_job *j;

		j = exl_sched_find(&v->acct, ids[i]);
		if (mark(&v->acct_asked, ids[i], now, 0) < 0)
			break;
		if (!j) {
			if (mark(unknown, ids[i], now, 0) < 0)
				break;
			continue;
		}
		if (exl_state_is_final(j->state) && j->end > 0 &&
		    close_one(root, j, ids[i]) == 0 &&
		    mark(&v->acct_closed, ids[i], now, 0) < 0)
			break;
	}
}

void rl_asked_load(const struct rl *c, const char *path,
		   struct exl_sched_set *set)
{
	unknown_load(path, c->now, set);
}

void rl_asked_add(const struct rl *c, const char *path, char *const *ids,
		  size_t n, int none, time_t when)
{
	struct exl_sched_set set = { 0 };
	size_t i;

	unknown_load(path, c->now, &set);
	for (i = 0; i < n; i++)
		if (!exl_sched_find(&set, ids[i]) &&
		    mark(&set, ids[i], when, none) < 0)
			break;
	exl_sched_sort(&set);
	if (path)
		unknown_save(c->root, path, &set);
	exl_sched_free(&set);
}

void rl_acct_close(struct rl *c, const struct exl_scan *sc,
		   struct rl_sched_view *v, int force)
{
	struct exl_sched_set unknown = { 0 };
	char **ids, *path, why[256];
	size_t n, i;
	int rc;

	if (!v->ok)
		return;	/* without slurmctld's list, nothing is forgotten */
	ids = calloc(sc->n + 1, sizeof(*ids));
	path = exl_layout_acct_unknown(c->root);
	if (!ids || !path) {
		cli_err("accounting: out of memory");
		goto out;
	}
	if (!force)
		unknown_load(path, c->now, &unknown);
	n = forgotten(sc, v, &unknown, ids);
	for (i = 0; i < unknown.n; i++)	/* still believed: still asked */
		if (!unknown.v[i].reason[0] &&
		    exl_sched_add(&v->acct_asked, &unknown.v[i]) < 0)
			break;
	if (n == 0) {
		exl_sched_sort(&v->acct_asked);
		goto out;
	}
	rc = rl_sacct(ids, n, RL_ACCT_TIMEOUT, &v->acct, why, sizeof(why));
	if (rc == -1)
		cli_err("accounting unreachable (%s): %zu run%s slurmctld no "
			"longer knows shown from the run logs", why, n,
			n == 1 ? "" : "s");
	/* asked for (--sacct): say why accounting had no answer */
	if (rc == -2 && force)
		cli_err("--sacct: %s", why);
	if (rc == 0)
		settle(c->root, ids, n, v, &unknown, c->now);
	/* no accounting to ask (accounting_storage/none, no sacct): the
	 * answer is the same for a while, so the default view does not pay
	 * for a sacct each time */
	for (i = 0; rc == -2 && i < n; i++)
		if (mark(&unknown, ids[i], c->now, 1) < 0)
			break;
	if (rc == 0 || rc == -2) {
		exl_sched_sort(&unknown);
		unknown_save(c->root, path, &unknown);
	}
	exl_sched_sort(&v->acct_asked);
	exl_sched_sort(&v->acct_closed);
out:
	exl_sched_free(&unknown);
	free(ids);
	free(path);
}
