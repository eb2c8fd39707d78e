/* eff_auto.c - Efficiency blocks written by runlog status unasked (see
 * eff_auto.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runstore/layout.h"
#include "acct_close.h"
#include "eff_auto.h"
#include "settle.h"

/* add_id: id onto list k of a.  -1 when memory runs out. */
static int add_id(struct rl_eff_answer *a, int k, const char *id)
{
	char **v = realloc(a->ids[k], (a->nids[k] + 1) * sizeof(*v));

	if (!v)
		return -1;
	a->ids[k] = v;
	if (!(v[a->nids[k]] = strdup(id)))
		return -1;
	a->nids[k]++;
	return 0;
}

int rl_eff_answer_parse(char *text, struct rl_eff_answer *a)
{
	char *line, *save = NULL;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	for (line = text ? strtok_r(text, "\n", &save) : NULL;
	     line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "unknown ", 8) == 0)
			rc = add_id(a, 0, line + 8);
		else if (strncmp(line, "pending ", 8) == 0)
			rc = add_id(a, 1, line + 8);
		else if (strncmp(line, "none ", 5) == 0 ||
			 strncmp(line, "failed ", 7) == 0) {
			a->rc = line[0] == 'n' ? -2 : -1;
			snprintf(a->why, sizeof(a->why), "%s",
				 strchr(line, ' ') + 1);
		}
	}
	if (rc < 0)
		rl_eff_answer_free(a);
	return rc;
}

void rl_eff_answer_free(struct rl_eff_answer *a)
{
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < a->nids[k]; i++)
			free(a->ids[k][i]);
		free(a->ids[k]);
	}
	memset(a, 0, sizeof(*a));
}

/* lacking: an ended run of a numeric job, recent enough, without a
 * block (from its summary: no system call). */
static int lacking(const struct rl *c, const struct rl_row *r)
{
	const struct exl_run_summary *s = &r->e->sum;

	return r->r.final && !s->has_eff && exl_job_id_num(s->job_id) >= 0 &&
	       !(r->r.finished && r->r.finished < c->now - RL_EFF_AUTO_S);
}

/* wanted: lacking, not asked about a moment ago, and a log this user
 * may write. */
static int wanted(const struct rl *c, const struct rl_row *r,
		  const struct exl_sched_set *asked)
{
	return lacking(c, r) && !exl_sched_find(asked, r->e->sum.job_id) &&
	       access(r->e->path, W_OK) == 0;
}

void rl_eff_auto(struct rl *c, const struct rl_row *rows, size_t n)
{
	struct exl_sched_set asked = { 0 };
	struct rl_eff_answer a;
	struct exl_err err;
	char *rels[RL_EFF_AUTO_MAX], *ids[RL_EFF_AUTO_MAX], *path;
	size_t i, m = 0;

	for (i = 0; i < n && !lacking(c, &rows[i]); i++)
		;
	if (i == n || !rl_meta_writable(c) ||
	    !(path = exl_layout_eff_asked(c->root)))
		return;
	rl_asked_load(c, path, &asked);
	for (i = 0; i < n && m < RL_EFF_AUTO_MAX; i++)
		if (wanted(c, &rows[i], &asked)) {
			rels[m] = (char *)rows[i].e->rel;
			ids[m++] = rows[i].e->sum.job_id;
		}
	exl_sched_free(&asked);
	if (m == 0)
		goto out;
	if (rl_settle_eff(c->root, rels, m, &a, &err) < 0) {
		cli_err("efficiency: %s", err.text);
		rl_asked_add(c, path, ids, m, 0, c->now);
		goto out;
	}
	if (a.rc == -1)
		cli_err("accounting unreachable (%s): the Efficiency blocks of "
			"%zu ended run%s wait; `runlog status --sacct` asks "
			"again", a.why, m, m == 1 ? "" : "s");
	/* asked once for a while: no accounting, no answer, or no record;
	 * a record on its way (slurmdbd a little behind) sooner */
	if (a.rc < 0)
		rl_asked_add(c, path, ids, m, a.rc == -2, c->now);
	if (a.nids[0])
		rl_asked_add(c, path, a.ids[0], a.nids[0], 0, c->now);
	if (a.nids[1])
		rl_asked_add(c, path, a.ids[1], a.nids[1], 0, c->now -
			     RL_ACCT_RECHECK_S + RL_EFF_PENDING_S);
	rl_eff_answer_free(&a);
out:
	free(path);
}
