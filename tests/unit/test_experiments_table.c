/* Unit tests: experiments.md from run logs, keeping human edits. */
#include <stdlib.h>
#include <string.h>

#include "experiments_table.h"
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

int main(void)
{
	struct exl_run_summary s;
	struct exl_exp_row r[3];
	char *t, *t2;
	int added;

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

	t = exl_exp_render(NULL, "Arx5 Experiments", r, 2, &added);
	is_str(t, "# Arx5 Experiments\n\n"
	       "| run | description | metric | status | notes |\n"
	       "|-----|-------------|--------|--------|-------|\n"
	       "| 2026-03-11_train | front cam, default LR | val_loss 0.028 | completed |  |\n"
	       "| 2026-03-12_lr | LR 1e-3   5e-4 | train_loss 0.5 | open |  |\n",
	       "new table");
	is_int(added, 2, "two rows added");

	/* a person marks a verdict and a note; an old row stays */
	t2 = exl_exp_render("# Mine\n\n| run | description | metric | status | notes |\n"
			    "|---|---|---|---|---|\n"
			    "| `2026-03-11_train` | old | 1 | keep | baseline |\n"
			    "| 2026-03-12_lr | x | y | open | |\n"
			    "| 2026-01-01_old | gone run | 9 | discard | |\n"
			    "\ntext after the table\n",
			    "X", r, 2, &added);
	is_str(t2, "# Mine\n\n| run | description | metric | status | notes |\n"
	       "|---|---|---|---|---|\n"
	       "| 2026-03-11_train | front cam, default LR | val_loss 0.028 | keep | baseline |\n"
	       "| 2026-03-12_lr | LR 1e-3   5e-4 | train_loss 0.5 | open |  |\n"
	       "| 2026-01-01_old | gone run | 9 | discard | |\n"
	       "\ntext after the table\n",
	       "verdict and note kept, generated status refreshed, old row kept");
	is_int(added, 0, "nothing added");
	free(t2);

	t2 = exl_exp_render("# E\n\n| run | description | metric | status | notes |\n"
			    "|---|---|---|---|---|\n"
			    "| 2026-03-11_train | a | b | completed | |\n"
			    "\nafter\n", "X", r, 2, &added);
	ok(strstr(t2, "| 2026-03-12_lr | LR 1e-3   5e-4 | train_loss 0.5 | open |  |\n\nafter\n") != NULL,
	   "a new row goes at the end of the table");
	is_int(added, 1, "one added");
	ok(exl_exp_has_row(t2, "2026-03-12_lr"), "has row");
	ok(!exl_exp_has_row(t2, "2026-03-12_l"), "prefix is not a row");
	ok(!exl_exp_has_row("| 2026-03-12_lr_2 | x |", "2026-03-12_lr"),
	   "longer run name is not a row");
	free(t2);
	free(t);
	return done_testing();
}
