/* Unit tests: experiments.md rows from run logs, upserted keeping human
 * edits. */
#include <stdlib.h>
#include <string.h>

#include "runstore/experiments_table.h"
#include "tap.h"

static void summary(struct exl_run_summary *s, const char *title,
		    const char *state, int closed)
{
	memset(s, 0, sizeof(*s));
	s->title = (char *)title;
	s->run_type = "experiment";
	s->sched_state = (char *)state;
	s->end = closed ? 100 : 0;
	s->has_end_key = 1;
	s->ev.step = -1;
	s->ev.gpu_util = -1;
}

/* upsert: rows r[0..n) into text one by one, each with the prev status
 * runlog passes (no sidecar here). */
static char *upsert(const char *text, const char *title,
		    const struct exl_exp_row *r, size_t n)
{
	struct exl_experiment_row row;
	struct exl_err err;
	char *cur = text ? strdup(text) : NULL, *next, *prev;
	int changed;
	size_t i;

	for (i = 0; i < n; i++) {
		exl_exp_upsert_row(&r[i], &row);
		prev = exl_exp_prev_status(cur, r[i].run, NULL);
		next = exl_experiments_upsert(cur, title, &row, prev, &changed,
					      &err);
		free(prev);
		free(cur);
		cur = next;
	}
	return cur;
}

int main(void)
{
	struct exl_run_summary s;
	struct exl_exp_row r[3];
	char *t, *t2;

	summary(&s, "train — front cam, default LR", "COMPLETED", 1);
	s.end_val_loss = "0.028";
	exl_exp_row("2026-03-11_train", &s, &r[0]);
	is_str(r[0].description, "front cam, default LR", "description from title");
	is_str(r[0].metric, "val_loss 0.028", "metric from Results");
	is_str(r[0].status, "completed", "status from the log");
	summary(&s, "lr", NULL, 0);
	s.ev.loss_name[0] = 'l';
	strcpy(s.ev.loss_name, "train_loss");
	s.ev.loss = 0.5;
	s.objective = "LR 1e-3 | 5e-4";
	exl_exp_row("2026-03-12_lr", &s, &r[1]);
	is_str(r[1].description, "LR 1e-3   5e-4", "objective, '|' removed");
	is_str(r[1].metric, "train_loss 0.5", "metric from Status");
	is_str(r[1].status, "open", "open run");
	ok(exl_exp_is_experiment(&s), "experiment");
	s.run_type = "replication";
	ok(!exl_exp_is_experiment(&s), "replication");

	/* the rows upserted one by one, as runlog experiments does */
	t = upsert(NULL, "Arx5", r, 2);
	is_str(t, "# Arx5 Experiments\n\n"
	       "| run | description | metric | status | notes |\n"
	       "|-----|-------------|--------|--------|-------|\n"
	       "| 2026-03-11_train | front cam, default LR | val_loss 0.028 | completed |  |\n"
	       "| 2026-03-12_lr | LR 1e-3   5e-4 | train_loss 0.5 | open |  |\n",
	       "new table");

	/* a person marks a verdict and a note; an old row stays */
	t2 = upsert("# Mine\n\n| run | description | metric | status | notes |\n"
		    "|---|---|---|---|---|\n"
		    "| `2026-03-11_train` | old | 1 | keep | baseline |\n"
		    "| 2026-03-12_lr | x | y | open | |\n"
		    "| 2026-01-01_old | gone run | 9 | discard | |\n"
		    "\ntext after the table\n",
		    "X", r, 2);
	is_str(t2, "# Mine\n\n| run | description | metric | status | notes |\n"
	       "|---|---|---|---|---|\n"
	       "| `2026-03-11_train` | front cam, default LR | val_loss 0.028 | keep | baseline |\n"
	       "| 2026-03-12_lr | LR 1e-3   5e-4 | train_loss 0.5 | open |  |\n"
	       "| 2026-01-01_old | gone run | 9 | discard | |\n"
	       "\ntext after the table\n",
	       "verdict and note kept, generated status refreshed, old row kept, "
	       "run cells as a person wrote them");
	free(t2);

	t2 = upsert("# E\n\n| run | description | metric | status | notes |\n"
		    "|---|---|---|---|---|\n"
		    "| 2026-03-11_train | a | b | completed | |\n"
		    "\nafter\n", "X", r, 2);
	ok(strstr(t2, "| 2026-03-12_lr | LR 1e-3   5e-4 | train_loss 0.5 | open |  |\n\nafter\n") != NULL,
	   "a new row goes at the end of the table");
	is_str(t2, "# E\n\n| run | description | metric | status | notes |\n"
	       "|---|---|---|---|---|\n"
	       "| 2026-03-11_train | front cam, default LR | val_loss 0.028 | completed |  |\n"
	       "| 2026-03-12_lr | LR 1e-3   5e-4 | train_loss 0.5 | open |  |\n"
	       "\nafter\n", "one added");
	ok(exl_experiments_find(t2, "2026-03-12_lr", NULL) == 1, "has row");
	ok(exl_experiments_find(t2, "2026-03-12_l", NULL) == 0, "prefix is not a row");
	ok(exl_experiments_find("| 2026-03-12_lr_2 | x |", "2026-03-12_lr", NULL) == 0,
	   "longer run name is not a row");
	free(t2);

	t2 = upsert("| run | description | metric | status | notes |\n"
		    "|---|---|---|---|---|\n"
		    "| 2026-03-12_lr | a | b | completed | |\n", "X", r + 1, 1);
	is_str(t2, "| run | description | metric | status | notes |\n"
	       "|---|---|---|---|---|\n"
	       "| 2026-03-12_lr | LR 1e-3   5e-4 | train_loss 0.5 | open |  |\n",
	       "the generated status follows the run");
	free(t2);

	/* the status the machine wrote last */
	t2 = exl_exp_prev_status(t, "2026-03-12_lr", "failed (1)");
	is_str(t2, "open", "prev status: runlog's own word in the cell");
	free(t2);
	t2 = exl_exp_prev_status("| run | status |\n|---|---|\n| a | keep |\n", "a",
				 "failed (1)");
	is_str(t2, "failed (1)", "prev status: else what the plugin recorded");
	free(t2);
	ok(!exl_exp_prev_status("| run | status |\n|---|---|\n| a | keep |\n", "a",
				NULL) && !exl_exp_prev_status(NULL, "a", NULL),
	   "prev status: none");
	ok(exl_exp_generated_status("") && exl_exp_generated_status("open") &&
	   exl_exp_generated_status("ended") && exl_exp_generated_status("timeout") &&
	   !exl_exp_generated_status("Timeout") && !exl_exp_generated_status("keep") &&
	   !exl_exp_generated_status("failed (1)"), "generated status words");
	free(t);
	return done_testing();
}
