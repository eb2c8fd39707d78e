/* Unit tests: one-pass run-log summaries, hostile input included. */
#include <stdlib.h>
#include <string.h>

#include "runstore/runlog_summary.h"
#include "runstore/status_row.h"
#include "tap.h"

static const char *plugin_log =
	"# train — does it train\n\n"
	"## Mode\n- run_type: experiment\n- objective: does it train\n\n"
	"## Job\n- execution_id: 41\n- start: `2026-03-11T15:00:00+00:00`\n"
	"- end: `2026-03-11T16:00:00+00:00`\n\n"
	"## Status\n"
	"- 2026-03-11 15:00 — started: job 41 on n1 (1 node)\n"
	"- 2026-03-11 15:30 — running, step 100, train_loss 0.5, GPU util 90%\n"
	"- 2026-03-11 15:40 — note: looks fine\n"
	"- 2026-03-11 16:00 — time limit reached (scheduler state TIMEOUT)\n\n"
	"## Results\n- exit: signal 15 (SIGTERM)\n- scheduler_state: TIMEOUT\n"
	"- checkpoint: `/ckpt/step_100`\n- end_val_loss: 0.6\n\n"
	"## W&B\n- local: `wandb/offline-run-x`\n- synced: pending — run wandb sync\n\n"
	"## Job (resumed)\n- execution_id: 42\n- start: `2026-03-12T15:00:00+00:00`\n"
	"- end: _(filled when the job ends)_\n";

static void plugin(void)
{
	struct exl_run_summary s;

	ok(exl_summary_parse(plugin_log, strlen(plugin_log), &s) == 0, "parse");
	is_str(s.title, "train — does it train", "title");
	is_str(s.run_type, "experiment", "run_type");
	is_str(s.job_id, "42", "newest job block wins");
	is_int(s.job_blocks, 2, "two job blocks");
	{
		static const char chain[] = "# t\n## Job\n- execution_id: 7\n"
			"## Job (resumed 1/10)\n- execution_id: 7\n"
			"## Job (resumed 2/10)\n- execution_id: 7\n"
			"## Job (resumed 2/x)\n- execution_id: 8\n";
		struct exl_run_summary c;

		ok(exl_summary_parse(chain, strlen(chain), &c) == 0, "parse a chain");
		is_int(c.job_blocks, 3, "a chain's \"resumed K/M\" blocks are job blocks");
		is_str(c.job_id, "7", "a malformed header is no job block");
		exl_summary_free(&c);
	}
	is_int(s.start, 1773327600, "its start");
	is_int(s.end, 0, "its end is a placeholder: open");
	ok(s.has_end_key, "end key seen");
	ok(!exl_summary_closed(&s), "requeued run is open again");
	is_str(s.sched_state, "TIMEOUT", "scheduler_state");
	is_str(s.checkpoint, "/ckpt/step_100", "checkpoint without backticks");
	is_str(s.end_val_loss, "0.6", "end_val_loss");
	ok(!s.wandb_url && s.wandb_pending && s.wandb_local, "W&B pending");
	is_str(s.last_status, "time limit reached (scheduler state TIMEOUT)",
	       "newest Status line; notes skipped");
	is_int(s.ev.step, 100, "step from an earlier line");
	is_int(s.ev.gpu_util, -1, "GPU util only from the newest line");
	exl_summary_free(&s);
}

static void hostile(void)
{
	struct exl_run_summary s;
	char *big = malloc(300000);
	static const char bin[] = "## Status\n- 2026-03-11 15:00 — \x01\xff\0x\n## Job\n";

	ok(exl_summary_parse("", 0, &s) == 0 && !s.title && s.ev.step == -1,
	   "empty file");
	exl_summary_free(&s);
	ok(exl_summary_parse("# t\r\n## Mode\r\n- run_type: pipeline\r\n", 36, &s) == 0,
	   "CRLF");
	is_str(s.run_type, "pipeline", "CR stripped");
	exl_summary_free(&s);
	memset(big, 'x', 299999);
	memcpy(big, "## Status\n- 2026-03-11 15:00 — ", 33);
	big[299999] = '\0';
	ok(exl_summary_parse(big, strlen(big), &s) == 0, "one 300 kB line");
	ok(s.last_status != NULL, "long Status line kept (cut)");
	exl_summary_free(&s);
	ok(exl_summary_parse(bin, sizeof(bin) - 1, &s) == 0, "binary bytes, NUL");
	is_int(s.job_blocks, 1, "text after a NUL is still read");
	exl_summary_free(&s);
	ok(exl_summary_parse("## Job\n- execution_id:\n- :x\n-", 29, &s) == 0 &&
	   s.job_id && !s.job_id[0], "empty values");
	exl_summary_free(&s);
	free(big);
}

static void values(void)
{
	ok(exl_value_present("`/x`"), "a path");
	ok(!exl_value_present("_(filled when the job ends)_"), "placeholder");
	ok(!exl_value_present(" n/a"), "n/a");
	ok(!exl_value_present("pending — run wandb sync"), "pending");
	ok(!exl_value_present(""), "empty");
	ok(!exl_value_present(NULL), "NULL");
	ok(exl_state_word("OUT_OF_MEMORY"), "state word");
	ok(!exl_state_word("Completed"), "not upper case");
	ok(!exl_state_word("_(filled)_"), "placeholder");
}

/* A closed run: Results' final step and losses are where the run got, past
 * the last progress sample of the Status lines; a running link that is
 * already past an earlier link's Results keeps its own newer figures. */
static void results_last_word(void)
{
	static const char *closed =
		"## Status\n"
		"- 2026-03-11 15:30 — running, step 400, train_loss 0.264\n"
		"- 2026-03-11 15:31 — completed, exit code 0\n\n"
		"## Results\n- final step: 500\n- end_train_loss: 0.185\n"
		"- end_val_loss: 0.2\n";
	static const char *resumed =
		"## Results\n- final step: 500\n- end_train_loss: 0.185\n\n"
		"## Status\n"
		"- 2026-03-12 15:30 — running, step 900, train_loss 0.1\n";
	static const char *na =
		"## Status\n- 2026-03-11 15:30 — running, step 40, loss 0.5\n"
		"## Results\n- final step: n/a\n- end_train_loss: n/a\n";
	struct exl_run_summary s;

	ok(exl_summary_parse(closed, strlen(closed), &s) == 0, "closed: parse");
	is_int(s.ev.step, 500, "closed: Results' final step, not the last sample");
	ok(s.ev.loss == 0.185 && strcmp(s.ev.loss_name, "train_loss") == 0,
	   "closed: Results' end_train_loss");
	ok(s.ev.have_val_loss && s.ev.val_loss == 0.2, "closed: end_val_loss");
	exl_summary_free(&s);
	ok(exl_summary_parse(resumed, strlen(resumed), &s) == 0, "resumed: parse");
	ok(s.ev.step == 900 && s.ev.loss == 0.1,
	   "resumed link past the old Results: its own step and loss");
	exl_summary_free(&s);
	ok(exl_summary_parse(na, strlen(na), &s) == 0, "n/a: parse");
	ok(s.ev.step == 40 && s.ev.loss == 0.5 &&
	   strcmp(s.ev.loss_name, "loss") == 0, "n/a Results: the Status figures");
	exl_summary_free(&s);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	plugin();
	results_last_word();
	hostile();
	values();
	return done_testing();
}
