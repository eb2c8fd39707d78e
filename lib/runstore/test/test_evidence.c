/* Unit tests: Status lines and the progress evidence in them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runstore/evidence.h"
#include "util/timefmt.h"
#include "tap.h"

static void lines(void)
{
	time_t t, want;
	struct tm tm = { .tm_year = 126, .tm_mon = 2, .tm_mday = 11,
			 .tm_hour = 15, .tm_min = 7, .tm_isdst = -1 };
	const char *x;

	want = mktime(&tm);
	x = exl_status_line("- 2026-03-11 15:07 \xe2\x80\x94 running, step 5", &t);
	is_str(x, "running, step 5", "em dash entry");
	is_int(t, want, "stamp as local time");
	x = exl_status_line("- 2026-03-11 15:07:42 \xe2\x80\x94 running", &t);
	is_str(x, "running", "entry with seconds");
	is_int(t, want + 42, "the stamp's seconds count");
	{
		/* what the plugin writes reads back to the second, so an
		 * age computed from the line (runlog status's AGE) is exact */
		time_t now = time(NULL), back = 0;
		char stamp[32], line[96];

		exl_time_stamp(now, stamp, sizeof(stamp));
		snprintf(line, sizeof(line), "- %s \xe2\x80\x94 running", stamp);
		ok(exl_status_line(line, &back) && back == now,
		   "written stamp round trip to the second: %s", line);
	}
	ok(!exl_status_line("- 2026-03-11 15:07:4 — x", &t), "one-digit seconds");
	x = exl_status_line("  * 2026-03-11 15:07 - done", &t);
	is_str(x, "done", "indented star bullet, ascii dash");
	is_str(exl_status_line("- 2026-03-11 15:07 -- x", &t), "x", "double dash");
	ok(!exl_status_line("- 2026-03-11 15:07 running", &t), "no dash: not an entry");
	ok(!exl_status_line("- 2026-13-11 15:07 — x", &t), "month 13");
	ok(!exl_status_line("- 2026-03-11 25:07 — x", &t), "hour 25");
	ok(!exl_status_line("- 2026-03-11", &t), "cut short");
	ok(!exl_status_line("2026-03-11 15:07 — x", &t), "no bullet");
	ok(!exl_status_line("", &t), "empty");
	ok(exl_parse_date("2026-02-29x", &t) == 0, "date prefix");
	ok(exl_parse_date("26-02-20", &t) < 0, "short year refused");
	ok(exl_parse_date("2026-02-2", &t) < 0, "short day refused");
}

static void evidence(void)
{
	struct exl_evidence ev;

	exl_evidence_parse("running, step 2400, train_loss 0.085, val_loss 0.091, "
			   "GPU util 97%", &ev);
	is_int(ev.step, 2400, "step");
	ok(ev.loss > 0.0849 && ev.loss < 0.0851, "train_loss");
	is_str(ev.loss_name, "train_loss", "loss name");
	ok(ev.have_val_loss && ev.val_loss > 0.0909 && ev.val_loss < 0.0911,
	   "val_loss kept apart");
	is_int(ev.gpu_util, 97, "gpu util");
	exl_evidence_parse("step=10 loss=2.5e-1 gpu_util: 50", &ev);
	is_int(ev.step, 10, "step=N");
	ok(ev.loss > 0.249 && ev.loss < 0.251, "loss=X with exponent");
	is_str(ev.loss_name, "loss", "plain loss");
	is_int(ev.gpu_util, 50, "gpu_util: N");
	exl_evidence_parse("val_loss 0.5 then loss 0.7", &ev);
	is_str(ev.loss_name, "loss", "loss preferred over val_loss");
	exl_evidence_parse("recon_loss 1.5", &ev);
	is_str(ev.loss_name, "recon_loss", "other *_loss as a last resort");
	exl_evidence_parse("substep 5, myloss 3, GPU util 300%", &ev);
	is_int(ev.step, -1, "substep is not step");
	is_str(ev.loss_name, "", "myloss is not loss");
	is_int(ev.gpu_util, -1, "util over 100%% ignored");
	/* issue 19: a float past LLONG_MAX is no step (UB to cast) */
	exl_evidence_parse("step 1e78, loss 0.5", &ev);
	is_int(ev.step, -1, "step 1e78 ignored, not cast");
	exl_evidence_parse("step nan", &ev);
	is_int(ev.step, -1, "step nan ignored");
	exl_evidence_parse("step , loss", &ev);
	ok(ev.step == -1 && !ev.loss_name[0], "names without numbers");
	exl_evidence_parse("", &ev);
	ok(ev.step == -1 && ev.gpu_util == -1, "empty text");
}

static void events(void)
{
	ok(exl_status_is_event("started: job 1 on n1"), "started");
	ok(exl_status_is_event("completed, exit code 0"), "completed");
	ok(exl_status_is_event("time limit reached (scheduler state TIMEOUT)"),
	   "timeout");
	ok(exl_status_is_event("GPUs idle: utilization under 10% for 30m (now 2%, 4 GPUs): x") &&
	   exl_status_is_event("CPUs idle: the job used 0.1 of its 8 CPUs (under 10%) for 30m: x"),
	   "idle warnings are events");
	ok(exl_status_is_event("note: asked Bob"), "note");
	ok(exl_status_is_event("group lock: link file (this filesystem has "
			       "no fcntl locks)"), "the group lock line");
	ok(exl_status_is_event("pattern problem: pattern 'x' gave up on a "
			       "line of 2000 bytes (PCRE2 match limit): x") &&
	   exl_status_is_event("sweep problem: x") &&
	   exl_status_is_event("config problem: x"),
	   "the plugin's problem lines are events");
	ok(!exl_status_is_event("running"), "running is progress");
	ok(exl_status_is_note("Note: x"), "note, any case");
	ok(!exl_status_is_note("notes"), "not a note");
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	lines();
	evidence();
	events();
	ok(exl_status_is_event("the batch shell was killed by the warning signal SIGTERM (--signal=B:TERM@20) at 06:00:30, before the program could save"),
	   "the ending story of a batch shell killed by its warning is an event");
	return done_testing();
}
