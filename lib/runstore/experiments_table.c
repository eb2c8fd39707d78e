/* experiments_table.c - experiments.md rows from run logs (see
 * experiments_table.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/experiments_table.h"
#include "util/jobstate.h"
#include "runstore/status_row.h"

int exl_exp_is_experiment(const struct exl_run_summary *s)
{
	return s->run_type && strncmp(s->run_type, "experiment", 10) == 0;
}

/* cell_text: text for a table cell: one line, no '|'. */
static void cell_text(const char *in, char *out, size_t len)
{
	size_t i;

	snprintf(out, len, "%s", in ? in : "");
	for (i = 0; out[i]; i++)
		if (out[i] == '|' || (unsigned char)out[i] < 0x20)
			out[i] = ' ';
}

void exl_exp_row(const char *stem, const struct exl_run_summary *s,
		 struct exl_exp_row *r)
{
	const char *desc = s->title ? strstr(s->title, " \xe2\x80\x94 ") : NULL;
	char buf[64], *end;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (s->statepoints && exl_value_present(s->statepoints))
		cell_text(s->statepoints, r->statepoints, sizeof(r->statepoints));
	cell_text(stem, r->run, sizeof(r->run));
	cell_text(desc ? desc + 5 : exl_value_present(s->objective) ?
		  s->objective : "-", r->description, sizeof(r->description));
	if (exl_value_present(s->end_val_loss))
		snprintf(buf, sizeof(buf), "val_loss %s", s->end_val_loss);
	else if (s->ev.have_val_loss)
		snprintf(buf, sizeof(buf), "val_loss %.4g", s->ev.val_loss);
	else if (exl_value_present(s->end_train_loss))
		snprintf(buf, sizeof(buf), "train_loss %s", s->end_train_loss);
	else if (s->ev.loss_name[0])
		snprintf(buf, sizeof(buf), "%s %.4g", s->ev.loss_name, s->ev.loss);
	else
		snprintf(buf, sizeof(buf), "-");
	cell_text(buf, r->metric, sizeof(r->metric));
	/* the metric as a number, for --sort and --json */
	end = strchr(buf, ' ');
	if (end && strcmp(buf, "-") != 0) {
		snprintf(r->metric_name, sizeof(r->metric_name), "%.*s",
			 (int)(end - buf), buf);
		r->metric_value = strtod(end + 1, &end);
		r->have_metric = end != strchr(buf, ' ') + 1 && !*end;
	}
	if (exl_summary_closed(s))
		cell_text(exl_state_word(s->sched_state) ? s->sched_state : "ended",
			  r->status, sizeof(r->status));
	else
		cell_text("open", r->status, sizeof(r->status));
	for (i = 0; r->status[i]; i++)
		r->status[i] = (char)tolower((unsigned char)r->status[i]);
}

void exl_exp_upsert_row(const struct exl_exp_row *r,
			struct exl_experiment_row *out)
{
	memset(out, 0, sizeof(*out));
	out->run = r->run;
	out->description = r->description;
	out->metric = r->metric;
	out->status = r->status;
	out->notes = r->notes;
	out->statepoints = r->statepoints[0] ? r->statepoints : NULL;
	out->plain = 1;
}

int exl_exp_generated_status(const char *cell)
{
	char up[32];
	size_t i;

	if (!cell[0] || strcmp(cell, "open") == 0 || strcmp(cell, "ended") == 0)
		return 1;
	for (i = 0; cell[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)cell[i]);
	up[i] = '\0';
	return islower((unsigned char)cell[0]) && exl_state_is_final(up);
}

char *exl_exp_prev_status(const char *text, const char *run,
			  const char *recorded)
{
	char *cell = NULL;

	if (exl_experiments_find(text, run, &cell) == 1 &&
	    exl_exp_generated_status(cell))
		return cell;
	free(cell);
	return recorded ? strdup(recorded) : NULL;
}
