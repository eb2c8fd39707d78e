/* End to end, no GPU needed: three nodes' samplers run against the fake
 * NVML (scripted per node: two healthy GPUs with one vanishing mid-run
 * and an XID; two GPUs picked by UUID and index out of four; no NVML at
 * all) with a scripted clock, and the run's summary must come out with
 * the exact numbers the scripts imply. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "tap.h"
#include "telemetry/telemetry_sampler.h"
#include "telemetry/telemetry_summary.h"
#include "telemetry_test.h"

static char dir[] = "/tmp/exl-e2e-XXXXXX";

#define GIB "1073741824"

/* n1: GPU 0 ramps 10..60% at 100, 200, then 300 W (13000 J over five
 * 10 s steps); GPU 1 runs at 100% and 400 W until it vanishes at sample
 * 3 (8000 J).  XID 79 on GPU 0, two uncorrected ECC errors. */
static const char script_n1[] =
	"gpus 2\n"
	"bus 0 00000000:17:00.0\nbus 1 00000000:3d:00.0\n"
	"name 0 NVIDIA H100 80GB HBM3\nname 1 NVIDIA H100 80GB HBM3\n"
	"uuid 0 GPU-5b0c1d2e-0000-4000-8000-000000000017\n"
	"uuid 1 GPU-5b0c1d2e-0000-4000-8000-00000000003d\n"
	"util 0 10,20,30,40,50,60\n"
	"power 0 100000,200000,300000\n"
	"mem_used 0 " GIB ",2147483648,4294967296," GIB "\n"
	"temp 0 55,60\nsm 0 1980\n"
	"ecc_uncorr 0 0,0,0,2\n"
	"xid 0 1 79\n"
	"util 1 100\npower 1 400000\nvanish 1 3\n";

/* n2: four GPUs; the job has two (one by UUID, one by index), each at
 * 80% and 250 W (25000 J together), 10 GiB used. */
static const char script_n2[] =
	"gpus 4\n"
	"bus 0 00000000:17:00.0\nbus 1 00000000:3d:00.0\n"
	"bus 2 00000000:99:00.0\nbus 3 00000000:b1:00.0\n"
	"uuid 2 GPU-5b0c1d2e-0000-4000-8000-000000000099\n"
	"util 2 80\nutil 3 80\npower 2 250000\npower 3 250000\n"
	"mem_used 2 10737418240\nmem_used 3 " GIB "\n"
	"util 0 0\nutil 1 0\npower 0 60000\npower 1 60000\n";

static double scripted_clock(void *arg)
{
	double *t = arg, now = *t;

	*t += 10;	/* the start line, then one sample every 10 s */
	return now;
}

static void run_node(const char *node, const char *script, const char *lib,
		     const char *gpus, pid_t job_pid,
		     struct exl_sample_brief *b)
{
	struct exl_sampler_cfg c = { 0 };
	struct exl_sampler *s = NULL;
	struct exl_err err = { "" };
	double t = 1000;

	if (script)
		fake_script(dir, script);
	c.interval_ms = 20;
	c.state_dir = dir;
	c.node = node;
	c.job_id = "900";
	c.step = "batch";
	c.pid_root = job_pid;
	c.include_root = 1;
	c.nvml_lib = lib;
	c.gpus = gpus;
	c.hardware = 1;
	c.hwloc_xml = hwloc_fixture("2s-16c-4gpu.xml");
	c.alloc.cpus = "0-15";
	c.alloc.mem_mb = 2048;
	c.clock_fn = scripted_clock;
	c.clock_arg = &t;
	c.max_samples = 6;
	ok(exl_sampler_start(&c, &s, &err) == 0, "%s: sampler starts", node);
	if (!s)
		return;
	ok(wait_samples(s, 6), "%s: 6 samples", node);
	ok(exl_sampler_latest(s, b) == 0 && b->t == 1060, "%s: latest at "
	   "t=1060", node);
	ok(exl_sampler_stop(s) == 0, "%s: stops", node);
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static const char *str(json_object *o, const char *k1, const char *k2)
{
	json_object *v = o;

	if (k1 && !json_object_object_get_ex(v, k1, &v))
		return "(missing)";
	if (k2 && !json_object_object_get_ex(v, k2, &v))
		return "(missing)";
	return v ? json_object_get_string(v) : "null";
}

static void check_summary(void)
{
	struct exl_tsum_opts o = { .price_per_gpu_hour = 3.0,
				   .currency = "EUR", .elapsed_s = 7200,
				   .job_id = "900" };
	struct exl_tsum *s = NULL;
	struct exl_err err = { "" };
	json_object *j, *nodes;
	char *md, *hw;

	ok(exl_tsum_read(dir, &o, &s, &err) == 0, "summary reads 3 nodes");
	if (!s)
		return;
	is_int(exl_tsum_malformed(s), 0, "no malformed lines");
	md = exl_tsum_md(s);
	ok(md && starts(md, "- telemetry: 3 nodes, 18 samples; GPU util mean "
			"70.0%, max 100%; GPU mem peak 10.0 GiB of 80.0 GiB; "
			"GPU energy 0.013 kWh; 8.00 GPU-hours; cost 24.00 "
			"EUR; RSS peak "), "overall bullet");
	ok(md && strstr(md, " of 2.0 GiB allocated (") &&
	   strstr(md, "GPU failures in 3 samples; XID errors: 1; uncorrected "
		  "ECC errors: 2\n"), "RSS against the allocation, GPU errors");
	ok(md && strstr(md, "\n- telemetry n1: 6 samples; GPU util mean 56.7%, "
			"max 100%; GPU mem peak 4.0 GiB of 80.0 GiB; GPU energy "
			"0.006 kWh; 4.00 GPU-hours; cost 12.00 EUR; RSS peak "),
	   "n1 bullet");
	ok(md && strstr(md, "; GPU-5b0c1d2e-0000-4000-8000-00000000003d failed "
			"in 3 of 6 samples (GPU is lost); XID errors: 1; "
			"uncorrected ECC errors: 2\n"), "n1: the vanished GPU");
	ok(md && strstr(md, "\n- telemetry n2: 6 samples; GPU util mean 80.0%, "
			"max 80%; GPU mem peak 10.0 GiB of 80.0 GiB; GPU energy "
			"0.007 kWh; 4.00 GPU-hours; cost 12.00 EUR; RSS peak "),
	   "n2 bullet");
	ok(md && strstr(md, "\n- telemetry n3: 6 samples; GPU: no data; RSS "
			"peak "), "n3 bullet");
	ok(md && strstr(md, "\n- telemetry_note: n3: no NVML: GPU telemetry "
			"off ("), "note: n3 had no NVML");
	free(md);

	j = exl_tsum_json(s);
	json_object_object_get_ex(j, "nodes", &nodes);
	is_str(str(j, "overall", "energy_kwh"), "0.012778", "energy 46000 J");
	is_str(str(j, "overall", "gpu_util_mean"), "70.00", "mean util "
	       "(510 + 960) / 21");
	is_str(str(j, "overall", "gpu_hours"), "8.0000", "4 GPUs x 2 h");
	is_str(str(j, "overall", "cost"), "24.00", "cost at 3.00/GPU-hour");
	is_str(str(nodes, "n1", "energy_kwh"), "0.005833", "n1: 21000 J");
	is_str(str(nodes, "n2", "energy_kwh"), "0.006944", "n2: 25000 J");
	is_str(str(nodes, "n1", "gpu_mem_peak_mib"), "4096", "n1 peak memory");
	is_str(str(nodes, "n2", "ngpus"), "2", "n2: only the job's 2 GPUs");
	is_str(str(nodes, "n3", "ngpus"), "null", "n3: no GPU data");
	is_str(str(nodes, "n1", "alloc_mem_mb"), "2048", "allocation from the "
	       "start line");
	ok(exl_json_int(json_object_object_get(nodes, "n1"), "rss_peak_mib",
			-1) >= 0, "n1 RSS measured");
	json_object_put(j);

	hw = exl_tsum_hardware_md(s, "hardware");
	ok(hw && strstr(hw, "- hardware: n1: 2x Intel(R) Xeon(R) Gold 6426Y "
			"(2 sockets, 32 cores, 64 threads, 2 NUMA), 504.0 GiB; "
			"GPUs: 3x NVIDIA H100 80GB HBM3 80.0 GiB (") &&
	   strstr(hw, "1x PCI 10de:2330 (0000:b1:00.0, NUMA 1); allocated"),
	   "n1 hardware line: NVML names what it knows");
	ok(hw && strstr(hw, "allocated: 16 CPUs (0-15), 2.0 GiB, 2 of 4 GPUs\n"
			"- hardware: n2:"), "n1: 2 of 4 GPUs allocated");
	ok(hw && strstr(hw, "- hardware: n3: ") &&
	   strstr(strstr(hw, "- hardware: n3: "), "allocated: 16 CPUs (0-15), "
		  "2.0 GiB\n"), "n3: no GPU allocation known without NVML");
	free(hw);
	exl_tsum_free(s);
}

int main(void)
{
	struct exl_sample_brief b;
	char text[256];
	pid_t job = fork();

	if (job == 0) {
		pause();
		_exit(0);
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	run_node("n1", script_n1, fake_nvml(), "0,1", job, &b);
	exl_sample_brief_text(&b, text, sizeof(text));
	ok(starts(text, "GPU util 60% (1 GPU, max 60%), GPU mem 1.0 GiB of "
		  "80.0 GiB, CPU "), "n1 status text: %s", text);
	run_node("n2", script_n2, fake_nvml(),
		 "GPU-5b0c1d2e-0000-4000-8000-000000000099,3", job, &b);
	exl_sample_brief_text(&b, text, sizeof(text));
	ok(starts(text, "GPU util 80% (2 GPUs, max 80%), GPU mem 10.0 GiB of "
		  "80.0 GiB, CPU "), "n2 status text: %s", text);
	run_node("n3", NULL, "/nonexistent/libnvidia-ml.so.1", NULL, job, &b);
	exl_sample_brief_text(&b, text, sizeof(text));
	ok(starts(text, "GPU n/a, CPU "), "n3 status text: %s", text);
	check_summary();
	kill(job, SIGKILL);
	waitpid(job, NULL, 0);
	rm_tree(dir);
	return done_testing();
}
