/* Unit tests: how a job's end is told from the scheduler state, the exit
 * status and exp-run's records. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job/ending.h"
#include "tap.h"

static char dir[] = "/tmp/exl-end-XXXXXX";

static void put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* unlink_rec: no exp-run records at all. */
static void unlink_rec(void)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/exp-run.json", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/signals.jsonl", dir);
	unlink(p);
}

int main(void)
{
	struct exl_ending_in in = { 0 };
	char buf[512];
	/* 2026-02-25 14:00:00 UTC; limit 10 min; TERM due 90 s before */
	time_t start = 1772028000;

	setenv("TZ", "UTC", 1);
	if (!mkdtemp(dir))
		return 1;
	in.start = start;
	in.time_limit_min = 10;
	in.signal_spec = "B:TERM@90";
	in.state_dir = dir;

	in.sched_state = "COMPLETED";
	in.have_status = 1;
	in.wstatus = 0;
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "completed, exit code 0", "normal end");
	in.end = start + 60;
	ok(exl_ending_signal_note(&in, buf, sizeof(buf)) < 0,
	   "no signal note when the job ended before it was due");

	in.sched_state = "TIMEOUT";
	in.wstatus = 143 << 8;
	in.end = start + 600;
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "time limit: batch script ended with exit code 143 (no exp-run record)",
	       "timeout without exp-run");
	ok(exl_ending_signal_note(&in, buf, sizeof(buf)) == 0 &&
	   strcmp(buf, "warning signal SIGTERM (--signal=B:TERM@90) was due at 14:08:30; no exp-run record of it (run the program under exp-run to catch it)") == 0,
	   "due but not seen: %s", buf);

	put("exp-run.json", "{\"exit_code\": 143, \"term_signal\": \"SIGTERM\", "
	    "\"term_time\": 1772028511.2, \"grace\": 81, \"exited_after\": 31.4, "
	    "\"killed\": false}\n");
	put("signals.jsonl", "{\"time\": 1772028511.2, \"signal\": \"SIGTERM\"}\n"
	    "garbage line\n{\"time\": 1772028600.0, \"signal\": \"SIGTERM\"}\n");
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "time limit: SIGTERM at 14:08:31 (grace 81 s), exited 143 after 31 s",
	       "timeout told from exp-run's record");
	ok(exl_ending_signal_note(&in, buf, sizeof(buf)) == 0 &&
	   strcmp(buf, "warning signal SIGTERM (--signal=B:TERM@90) was due at 14:08:30; exp-run saw it at 14:08:31") == 0,
	   "due and seen: %s", buf);

	put("exp-run.json", "{\"exit_code\": 137, \"wstatus\": 9, \"term_signal\": \"SIGTERM\", "
	    "\"term_time\": 1772028100, \"grace\": 27, \"exited_after\": 27.0, "
	    "\"killed\": true}\n");
	in.sched_state = "CANCELLED";
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "cancelled: SIGTERM at 14:01:40 (grace 27 s), killed by SIGKILL after 27 s, SIGKILLed when the grace ran out",
	       "cancelled, grace ran out");
	in.sched_state = "FAILED";
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "failed, exit code 143", "a TERM long before the warning is no time limit");
	put("exp-run.json", "{\"exit_code\": 143, \"wstatus\": 36608, \"term_signal\": \"SIGTERM\", "
	    "\"term_time\": 1772028512, \"grace\": 18, \"exited_after\": 2.0}");
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "time limit: SIGTERM at 14:08:32 (grace 18 s), exited 143 after 2 s",
	       "stopped on the warning: Slurm says FAILED, the time limit ended it");
	put("exp-run.json", "{\"exit_code\": 137, \"wstatus\": 9, \"term_signal\": \"SIGTERM\", "
	    "\"term_time\": 1772028100, \"grace\": 27, \"exited_after\": 27.0, "
	    "\"killed\": true}\n");
	in.sched_state = "CANCELLED";
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "cancelled: SIGTERM at 14:01:40 (grace 27 s), killed by SIGKILL after 27 s, SIGKILLed when the grace ran out",
	       "cancelled, grace ran out");

	/* exp-run not exec'd: the B: warning killed the batch shell 12 s
	 * before it was due; exp-run never saw it */
	unlink_rec();
	in.sched_state = "FAILED";
	in.have_status = 1;
	in.wstatus = SIGTERM;
	in.end = start + 498;
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "time limit warning: the batch shell was killed by SIGTERM (--signal=B:TERM@90) at 14:08:18, before the program could save",
	       "shell killed by the warning: Results");
	ok(exl_ending_signal_note(&in, buf, sizeof(buf)) == 0 &&
	   strstr(buf, "the batch shell was killed by the warning signal SIGTERM (--signal=B:TERM@90) at 14:08:18, before the program could save") == buf &&
	   strstr(buf, "`exec exp-run -- CMD`") && !strstr(buf, "due"),
	   "shell killed by the warning: what happened, the fix, no due time: %s", buf);
	in.signal_spec = "TERM@90";
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "failed, signal 15 (SIGTERM)",
	       "without B: the warning never goes to the shell");
	in.signal_spec = "B:TERM@90";
	in.end = start + 100;
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "failed, signal 15 (SIGTERM)",
	       "a TERM long before the warning is not the warning");

	put("exp-run.json", "{ not json");
	in.sched_state = "OUT_OF_MEMORY";
	in.wstatus = SIGKILL;
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "out of memory: batch script ended with signal 9 (SIGKILL) (no exp-run record)",
	       "corrupt record ignored");
	in.have_status = 0;
	in.sched_state = "NODE_FAIL";
	exl_ending_text(&in, buf, sizeof(buf));
	is_str(buf, "node failure", "node failure without any status");
	in.signal_spec = "";
	{
		struct exl_ending_in p = in;

		p.signal_spec = "B:USR1@50";
		p.time_limit_min = 1;
		p.start = start;
		p.end = start + 3;
		p.sched_state = "PREEMPTED";
		ok(exl_ending_signal_note(&p, buf, sizeof(buf)) < 0,
		   "preempted before the warning was due: no note");
		p.sched_state = "CANCELLED";
		ok(exl_ending_signal_note(&p, buf, sizeof(buf)) < 0,
		   "cancelled before the warning was due: no note");
		p.sched_state = "FAILED";
		ok(exl_ending_signal_note(&p, buf, sizeof(buf)) == 0,
		   "failed before it was due: the note stays");
	}
	ok(exl_ending_signal_note(&in, buf, sizeof(buf)) < 0, "no spec, no note");
	in.signal_spec = "USR1@60";
	in.time_limit_min = 0xffffffffu;
	ok(exl_ending_signal_note(&in, buf, sizeof(buf)) < 0, "no limit, no note");
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("cleanup failed");
	}
	return done_testing();
}
