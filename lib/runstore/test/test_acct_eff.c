/* Unit tests: seff's figures from sacct values (acct_eff). */
#include <math.h>
#include <string.h>

#include "runstore/acct_eff.h"
#include "tap.h"

#define MIB (1024ULL * 1024)
#define GIB (1024ULL * MIB)

static int near(double a, double b)
{
	return fabs(a - b) < 1e-6;
}

static void durations(void)
{
	double s = -1;

	ok(exl_acct_parse_duration("00:01:02", &s) == 0 && near(s, 62),
	   "HH:MM:SS");
	ok(exl_acct_parse_duration("1-02:03:04", &s) == 0 &&
	   near(s, 86400 + 2 * 3600 + 3 * 60 + 4), "D-HH:MM:SS");
	ok(exl_acct_parse_duration("02:03.456", &s) == 0 && near(s, 123.456),
	   "TotalCPU's MM:SS.mmm");
	ok(exl_acct_parse_duration("01:00:00.5", &s) == 0 && near(s, 3600.5),
	   "HH:MM:SS.mmm");
	ok(exl_acct_parse_duration("45", &s) == 0 && near(s, 45), "SS");
	ok(exl_acct_parse_duration("UNLIMITED", &s) < 0, "UNLIMITED");
	ok(exl_acct_parse_duration("Partition_Limit", &s) < 0,
	   "Partition_Limit");
	ok(exl_acct_parse_duration("", &s) < 0, "empty");
	ok(exl_acct_parse_duration("1-02:03", &s) < 0, "days need H:M:S");
	ok(exl_acct_parse_duration("1:2:3:4", &s) < 0, "four parts");
	ok(exl_acct_parse_duration("00:01.x", &s) < 0, "bad fraction");
	ok(exl_acct_parse_duration("00:01:02.5:1", &s) < 0,
	   "fraction not last");
	ok(exl_acct_parse_duration("-1:00:00", &s) < 0, "no days before dash");
}

static void sizes(void)
{
	uint64_t b = 0;
	enum exl_mem_per per = EXL_MEM_PER_CPU;

	ok(exl_acct_parse_mem("123456K", &b, &per) == 0 &&
	   b == 123456ULL * 1024 && per == EXL_MEM_TOTAL, "K, total");
	ok(exl_acct_parse_mem("4000M", &b, &per) == 0 && b == 4000 * MIB &&
	   per == EXL_MEM_TOTAL, "M");
	ok(exl_acct_parse_mem("4000Mc", &b, &per) == 0 && b == 4000 * MIB &&
	   per == EXL_MEM_PER_CPU, "Mc: per CPU");
	ok(exl_acct_parse_mem("4000Mn", &b, &per) == 0 && b == 4000 * MIB &&
	   per == EXL_MEM_PER_NODE, "Mn: per node");
	ok(exl_acct_parse_mem("1.50G", &b, NULL) == 0 && b == 3 * GIB / 2,
	   "decimal G");
	ok(exl_acct_parse_mem("0", &b, &per) == 0 && b == 0, "0");
	ok(exl_acct_parse_mem("512", &b, &per) == 0 && b == 512, "bytes");
	ok(exl_acct_parse_mem("2Tn", &b, &per) == 0 && b == 2048 * GIB &&
	   per == EXL_MEM_PER_NODE, "T per node");
	ok(exl_acct_parse_mem("", &b, &per) < 0, "empty");
	ok(exl_acct_parse_mem("M", &b, &per) < 0, "no number");
	ok(exl_acct_parse_mem("12X", &b, &per) < 0, "unknown unit");
	ok(exl_acct_parse_mem("12Mx", &b, &per) < 0, "unknown suffix");
	ok(exl_acct_parse_mem("-5M", &b, &per) < 0, "negative");
	ok(exl_acct_parse_mem("99999999999P", &b, &per) < 0, "too big");

	ok(exl_acct_req_mem_total(1000, EXL_MEM_PER_NODE, 3, 8) == 3000,
	   "per node x nodes");
	ok(exl_acct_req_mem_total(1000, EXL_MEM_PER_CPU, 3, 8) == 8000,
	   "per CPU x CPUs");
	ok(exl_acct_req_mem_total(1000, EXL_MEM_TOTAL, 3, 8) == 1000,
	   "total as it is");
	ok(exl_acct_req_mem_total(1000, EXL_MEM_PER_CPU, 3, 0) == 0,
	   "per CPU without CPUs: unknown");
}

static void figures(void)
{
	struct exl_acct_job j = { 0 };
	struct exl_acct_eff e;

	/* 4 CPUs for 100 s, 380 CPU-seconds: busy */
	j.elapsed = 100;
	j.timelimit = 300;
	j.total_cpu = 380;
	j.alloc_cpus = 4;
	j.nnodes = 1;
	j.max_rss = 3 * GIB;
	j.req_mem = 4 * GIB;
	exl_acct_eff_compute(&j, &e);
	ok(near(e.cpu, 0.95) && near(e.mem, 0.75) && near(e.time, 1.0 / 3),
	   "CPU, memory and time efficiency");
	is_str(e.advice, "", "no advice when all is well");

	/* the example: 4 GiB asked, 310 MiB used */
	j.max_rss = 310 * MIB;
	exl_acct_eff_compute(&j, &e);
	is_str(e.advice, "asked 4.0 GiB, used 310 MiB: ask for 1 GiB",
	       "memory advice");
	j.req_mem = 64 * GIB;
	j.max_rss = (uint64_t)(3.1 * GIB);
	exl_acct_eff_compute(&j, &e);
	is_str(e.advice, "asked 64 GiB, used 3.1 GiB: ask for 8 GiB",
	       "twice the peak, a power of two");
	j.req_mem = 1 * GIB;
	j.max_rss = 100 * MIB;
	exl_acct_eff_compute(&j, &e);
	ok(near(e.mem, 100.0 / 1024), "poor memory figure");
	is_str(e.advice, "", "no advice when the suggestion is no smaller");

	/* idle CPUs and a far too long limit */
	j.total_cpu = 90;
	j.timelimit = 3600;
	exl_acct_eff_compute(&j, &e);
	ok(near(e.cpu, 0.225) && near(e.time, 100.0 / 3600),
	   "poor CPU and time figures");
	is_str(e.advice, "asked 4 CPUs, used 0.9 on average: ask for 1; "
	       "time limit 1:00:00, ran 0:01:40: ask for --time=0:04:00",
	       "CPU and time advice on one line");

	/* a 1-CPU job is never told to use fewer CPUs */
	j.alloc_cpus = 1;
	j.timelimit = -1;
	exl_acct_eff_compute(&j, &e);
	ok(near(e.cpu, 0.9) && e.time < 0, "no limit: no time figure");
	is_str(e.advice, "", "nothing to advise");

	memset(&j, 0, sizeof(j));
	j.timelimit = -1;
	exl_acct_eff_compute(&j, &e);
	ok(e.cpu < 0 && e.mem < 0 && e.time < 0,
	   "no elapsed time, no request: unknown figures");
}

static void lines(void)
{
	struct exl_acct_job j = { 0 };
	struct exl_acct_eff e;

	ok(exl_acct_fold_line("77|00:02:00|00:10:00|03:30.500|2|1||2000M",
			      "77", &j) == 0, "the job's line");
	ok(exl_acct_fold_line("77.batch|00:02:00||03:00.000|2|1|512000K|",
			      "77", &j) == 0, "the batch step");
	ok(exl_acct_fold_line("77.0|00:01:00||00:30.500|2|1|900M|\n",
			      "77", &j) == 0, "step 0 (newline kept off)");
	ok(exl_acct_fold_line("77.extern|00:02:00||00:00:00|2|1|1000K|",
			      "77", &j) == 0, "the extern step");
	ok(j.have_job && near(j.elapsed, 120) && near(j.timelimit, 600) &&
	   near(j.total_cpu, 210.5) && j.alloc_cpus == 2 && j.nnodes == 1,
	   "job figures");
	ok(j.max_rss == 900 * MIB, "the worst step's MaxRSS");
	ok(j.req_mem == 2000 * MIB, "ReqMem as a total");
	exl_acct_eff_compute(&j, &e);
	ok(near(e.cpu, 210.5 / 240) && near(e.mem, 0.45) && near(e.time, 0.2),
	   "figures from the lines");

	memset(&j, 0, sizeof(j));
	ok(exl_acct_fold_line("8|1-00:00:00|UNLIMITED|10:00:00|4|2||1000Mc",
			      "8", &j) == 0, "per-CPU request, no limit");
	ok(j.req_mem == 4000 * MIB && j.timelimit < 0, "x CPUs; no limit");
	ok(exl_acct_fold_line("8|1-00:00:00|UNLIMITED|10:00:00|4|2||1000Mn",
			      "8", &j) == 0 && j.req_mem == 2000 * MIB,
	   "per-node request x nodes");
	ok(exl_acct_fold_line("80|00:00:01|1|00:00:01|1|1||", "8", &j) < 0,
	   "another job's line");
	ok(exl_acct_fold_line("8|00:00:01|1|00:00:01|1|1|", "8", &j) < 0,
	   "seven fields");
	ok(exl_acct_fold_line("8|00:00:01|1|00:00:01|1|1||1|x|y", "8", &j) < 0,
	   "ten fields");
	ok(!exl_acct_final(&j), "no State folded: not final");
	ok(exl_acct_fold_line("8|00:00:01|1|00:00:01|1|1||1G|RUNNING", "8",
			      &j) == 0 && !exl_acct_final(&j), "RUNNING: not final");
	ok(exl_acct_fold_line("8|00:00:02|1|00:00:01|1|1||1G|CANCELLED by 0",
			      "8", &j) == 0 && exl_acct_final(&j) &&
	   strcmp(j.state, "CANCELLED") == 0, "CANCELLED by 0: final");
	ok(exl_acct_fold_line("8.batch|00:00:02||00:00:01|1|1|5K||CANCELLED",
			      "8", &j) == 0 && strcmp(j.state, "CANCELLED") == 0,
	   "a step's State leaves the job's alone");
	ok(exl_acct_fold_line("8|bad|1|00:00:01|1|1||", "8", &j) < 0,
	   "bad elapsed");
	ok(exl_acct_fold_line("8|00:00:01|1|00:00:01|x|1||", "8", &j) < 0,
	   "bad CPUs");
	ok(exl_acct_fold_line("8.0|00:00:01||00:00:01|1|1|lots|", "8", &j) < 0,
	   "bad MaxRSS");
	ok(exl_acct_fold_line("8|00:00:01|1|00:00:01|1|1||4Q", "8", &j) < 0,
	   "bad ReqMem");
}

int main(void)
{
	durations();
	sizes();
	figures();
	lines();
	return done_testing();
}
