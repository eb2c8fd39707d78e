/* Unit tests: scheduler records from the query child and from sacct. */
#include <string.h>

#include "runstore/sched_job.h"
#include "tap.h"

static void lines(void)
{
	struct exl_sched_job j = { 0 }, k;
	char buf[256];

	j.job_id = 4242;
	strcpy(j.state, "PENDING");
	strcpy(j.reason, "Begin\tTime\n");
	j.start = 100;
	j.elapsed = 0;
	j.limit_min = EXL_NO_LIMIT;
	ok(exl_sched_format(&j, buf, sizeof(buf)) == 0, "format");
	is_str(buf, "4242\tPENDING\tBegin Time \t100\t0\t0\t-1\t-\n",
	       "tabs and newlines in text become spaces; no exit status: -");
	ok(exl_sched_parse_line(buf, &k) == 0, "parse back");
	ok(k.job_id == 4242 && strcmp(k.state, "PENDING") == 0 &&
	   strcmp(k.reason, "Begin Time ") == 0 && k.start == 100 &&
	   k.limit_min == EXL_NO_LIMIT && !k.have_exit, "round trip");
	strcpy(j.state, "FAILED");
	j.reason[0] = '\0';
	j.have_exit = 1;
	j.exit_status = 3 << 8;
	ok(exl_sched_format(&j, buf, sizeof(buf)) == 0 &&
	   strcmp(buf, "4242\tFAILED\t\t100\t0\t0\t-1\t768\n") == 0,
	   "an ended job's exit status (wait status) is the last field");
	ok(exl_sched_parse_line(buf, &k) == 0 && k.have_exit &&
	   k.exit_status == 768, "and parses back");
	ok(exl_sched_parse_line("1\tRUNNING\t\t0\t0\t0\t5", &k) == 0 &&
	   !k.have_exit, "a line without the exit field: unknown");
	ok(exl_sched_parse_line("1\tFAILED\t\t0\t0\t0\t5\tx", &k) < 0,
	   "bad exit status");
	ok(exl_sched_parse_line("1\tFAILED\t\t0\t0\t0\t5\t70000", &k) < 0,
	   "exit status out of range");
	ok(exl_sched_parse_line("x\tRUNNING\t\t0\t0\t0\t5", &k) < 0, "bad id");
	ok(exl_sched_parse_line("1\tRUNNING\t\t0\t0\t0", &k) < 0, "missing field");
	ok(exl_sched_parse_line("1\tRUNNING\t\t0\t0\tz\t5", &k) < 0, "bad number");
	ok(exl_sched_parse_line("", &k) < 0, "empty");
	ok(exl_sched_format(&j, buf, 8) < 0, "too small a buffer");
}

static void sacct(void)
{
	struct exl_sched_job k;

	ok(exl_sacct_parse_line("123|CANCELLED by 0|00:01:02", &k) == 0, "sacct");
	ok(k.job_id == 123 && strcmp(k.state, "CANCELLED") == 0 && k.elapsed == 62,
	   "first word of the state, elapsed");
	ok(!k.have_exit && k.end == 0,
	   "no end, no exit code without the fields");
	ok(exl_sacct_parse_line("124|FAILED|00:00:05|1764943830|3:0", &k) == 0,
	   "sacct with End and ExitCode");
	ok(k.end == 1764943830 && k.have_exit && k.exit_status == 3 << 8,
	   "end in epoch seconds, exit code 3 as a wait status");
	ok(exl_sacct_parse_line("125|CANCELLED by 0|00:00:05|1764943830|0:15",
				&k) == 0 && k.have_exit && k.exit_status == 15,
	   "a signal as a wait status");
	ok(exl_sacct_parse_line("126|RUNNING|00:00:05|Unknown|0:0", &k) == 0 &&
	   k.end == 0, "End Unknown stays unknown");
	ok(exl_sacct_parse_line("127|FAILED|00:00:05|1|x:y", &k) == 0 &&
	   !k.have_exit, "a malformed ExitCode stays unknown");
	ok(exl_sacct_parse_line("123_4|COMPLETED|00:00:01", &k) < 0, "array id skipped");
	ok(exl_sacct_parse_line("123+1|COMPLETED|00:00:01", &k) < 0, "het id skipped");
	ok(exl_sacct_parse_line("123|completed|x", &k) < 0, "lower-case state");
	is_int(exl_parse_elapsed("1-02:03:04"), 93784, "days");
	is_int(exl_parse_elapsed("02:03"), 123, "MM:SS");
	is_int(exl_parse_elapsed("7"), 7, "SS");
	is_int(exl_parse_elapsed("1-02:03"), -1, "days need HH:MM:SS");
	is_int(exl_parse_elapsed("99999999999999-00:00:00"), -1,
	       "days out of range, not overflowed");
	is_int(exl_parse_elapsed("9999999999999999:00"), -1,
	       "minutes out of range");
	is_int(exl_parse_elapsed("1:2:3:4"), -1, "too many parts");
	is_int(exl_parse_elapsed("aa"), -1, "junk");
}

static void set(void)
{
	struct exl_sched_set s = { 0 };
	struct exl_sched_job j = { 0 };
	const struct exl_sched_job *f;
	unsigned long ids[] = { 30, 10, 20, 10 };
	size_t i;

	for (i = 0; i < 4; i++) {
		j.job_id = ids[i];
		snprintf(j.state, sizeof(j.state), "S%zu", i);
		ok(exl_sched_add(&s, &j) == 0, "add %lu", ids[i]);
	}
	exl_sched_sort(&s);
	is_int(s.n, 3, "duplicates folded");
	f = exl_sched_find(&s, "10");
	ok(f && strcmp(f->state, "S3") == 0, "the last record of an id wins");
	ok(exl_sched_find(&s, "20") && exl_sched_find(&s, "30"), "found");
	ok(!exl_sched_find(&s, "40"), "unknown id");
	ok(!exl_sched_find(&s, "local:h:1"), "not a Slurm id");
	ok(!exl_sched_find(&s, NULL), "no id");
	exl_sched_free(&s);
	is_int(exl_job_id_num("0"), -1, "0 is no job");
	is_int(exl_job_id_num("4294967296"), -1, "past 32 bits");
	is_int(exl_job_id_num("4294967295"), 4294967295LL, "32 bits");
	is_int(exl_job_id_num(" 1"), -1, "space");
}

int main(void)
{
	lines();
	sacct();
	set();
	return done_testing();
}
