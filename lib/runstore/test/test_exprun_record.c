/* Unit tests: exp-run's records, written as exp-run does and read back
 * as the epilog does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tmpdir.h"
#include "runstore/exprun_record.h"
#include "util/fileio.h"

int main(void)
{
	struct exl_exprun_result w = { 0 }, r;
	char dir[256], *path, *text = NULL;
	struct exl_err err;

	if (!tmpdir_make(dir, sizeof(dir)))
		return 1;
	is_int(exl_exprun_read(dir, &r), 1, "no record: 1");
	ok(exl_exprun_signal_first(dir, "SIGTERM", 0) == 0, "no signals: 0");

	w.exit_code = 143;
	w.wstatus = 15;
	snprintf(w.exit, sizeof(w.exit), "killed by SIGTERM");
	w.start = 100.5;
	w.end = 130.25;
	snprintf(w.host, sizeof(w.host), "n1");
	snprintf(w.term_signal, sizeof(w.term_signal), "SIGTERM");
	w.term_time = 120;
	w.grace = 30;
	w.exited_after = 10.25;
	w.killed = 1;
	is_int(exl_exprun_write(dir, &w, &err), 0, "rank 0 written");
	is_int(exl_exprun_read(dir, &r), 0, "rank 0 read");
	ok(r.exit_code == 143 && r.wstatus == 15 && !strcmp(r.exit, w.exit) &&
	   r.start == 100.5 && r.end == 130.25 && !strcmp(r.host, "n1"),
	   "exit, times and host round-trip");
	ok(!strcmp(r.term_signal, "SIGTERM") && r.term_time == 120 &&
	   r.grace == 30 && r.exited_after == 10.25 && r.killed,
	   "the signal and its grace round-trip");
	ok(!r.chain.decision[0], "no chain: none read back");
	snprintf(w.chain.decision, sizeof(w.chain.decision), "requeued");
	snprintf(w.chain.reason, sizeof(w.chain.reason), "time limit");
	snprintf(w.chain.text, sizeof(w.chain.text), "time limit: requeued by exp-run (2/10)");
	snprintf(w.chain.checkpoint, sizeof(w.chain.checkpoint), "/w/step_2.pt");
	w.chain.at = 125;
	w.chain.link = 1;
	w.chain.max = 10;
	w.chain.stalled = 1;
	w.chain.stall_limit = 2;
	is_int(exl_exprun_write(dir, &w, &err), 0, "with a chain decision");
	is_int(exl_exprun_read(dir, &r), 0, "read back");
	ok(!strcmp(r.chain.decision, "requeued") &&
	   !strcmp(r.chain.reason, "time limit") &&
	   !strcmp(r.chain.text, w.chain.text) &&
	   !strcmp(r.chain.checkpoint, "/w/step_2.pt") && r.chain.at == 125 &&
	   r.chain.link == 1 && r.chain.max == 10 && r.chain.stalled == 1 &&
	   r.chain.stall_limit == 2, "the chain decision round-trips");

	/* other ranks have their own file; rank 0's is what is read */
	w.rank = 3;
	w.exit_code = 0;
	w.term_signal[0] = '\0';
	is_int(exl_exprun_write(dir, &w, &err), 0, "rank 3 written");
	path = exl_path_join(dir, "exp-run.3.json");
	ok(path && exl_read_file(path, 1 << 16, &text, NULL, NULL) == 0 &&
	   !strstr(text, "term_signal"), "rank 3 in exp-run.3.json, no signal");
	free(text);
	free(path);
	is_int(exl_exprun_read(dir, &r), 0, "rank 0 still read");
	is_int(r.exit_code, 143, "and unchanged");

	is_int(exl_exprun_signal_add(dir, 50.5, "SIGUSR1", 0, "n1",
				     "forwarded", &err), 0, "signal added");
	is_int(exl_exprun_signal_add(dir, 60, "SIGUSR1", 0, "n1", "again",
				     &err), 0, "again");
	is_int(exl_exprun_signal_add(dir, 70, NULL, 0, "n1", "exited", &err), 0,
	       "an event without a signal");
	ok(exl_exprun_signal_first(dir, "SIGUSR1", 0) == 50.5, "first SIGUSR1");
	ok(exl_exprun_signal_first(dir, "SIGUSR1", 55) == 60,
	   "the first since a requeued link's start");
	ok(exl_exprun_signal_first(dir, "SIGUSR1", 61) == 0, "none since");
	ok(exl_exprun_signal_first(dir, "SIGTERM", 0) == 0, "no SIGTERM");

	tmpdir_remove(dir);
	return done_testing();
}
