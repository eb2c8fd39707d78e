/* Unit tests: adding up a run's telemetry from hand-written .jsonl files
 * with known answers: GPU util, memory, energy (trapezoids), GPU-hours,
 * cost, RSS summed over concurrent steps against the allocation, GPU
 * failures, XID and ECC counts, malformed and hostile lines, job
 * filter, unreadable files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "tap.h"
#include "telemetry/telemetry_summary.h"
#include "telemetry_test.h"

static char dir[] = "/tmp/exl-tsum-XXXXXX";

#define S(t, step, extra) "{\"type\":\"sample\",\"v\":1,\"t\":" #t \
	",\"node\":\"n1\",\"job\":\"77\",\"step\":\"" step "\"," \
	"\"interval_s\":10," extra "}\n"
#define GA(u, m, p, x, e) "{\"index\":0,\"uuid\":\"GPU-a\",\"util\":" #u \
	",\"mem_used_mib\":" #m ",\"mem_total_mib\":81920,\"power_w\":" #p \
	",\"xid\":" #x ",\"xid_last\":null,\"ecc_uncorr\":" #e "}"
#define GB_OK(x, xl) "{\"index\":1,\"uuid\":\"GPU-b\",\"util\":100," \
	"\"mem_used_mib\":500,\"mem_total_mib\":81920,\"power_w\":300.0," \
	"\"xid\":" #x ",\"xid_last\":" #xl "}"
#define GB_LOST "{\"index\":1,\"uuid\":\"GPU-b\",\"util\":null," \
	"\"mem_used_mib\":null,\"power_w\":null,\"xid\":1,\"xid_last\":79," \
	"\"error\":\"GPU is lost\"}"

static const char n1[] =
	"{\"type\":\"start\",\"v\":1,\"t\":1000,\"node\":\"n1\",\"job\":\"77\","
	"\"step\":\"batch\",\"interval_s\":10,\"gpu\":\"on\",\"alloc\":"
	"{\"cpus\":\"0-7\",\"mem_mb\":8192},\"hardware\":{\"node\":\"bogus\","
	"\"cpu\":{\"model\":\"Test CPU\",\"sockets\":1,\"cores\":4,"
	"\"threads\":8,\"numa\":1},\"mem_mib\":16384,\"gpus\":[{\"model\":"
	"\"Fake GPU\",\"mem_mib\":81920,\"uuid\":\"GPU-a\",\"pci\":"
	"\"0000:17:00.0\",\"numa\":0,\"allocated\":true}],\"alloc\":{\"cpus\":"
	"\"0-7\",\"ncpus\":8,\"mem_mb\":8192}}}\n"
	S(1010, "batch", "\"rss_mib\":1000,\"mem_avail_mib\":9000,"
	  "\"fs_free_mib\":700,\"gpus\":[" GA(0, 100, 100, 0, 0) ","
	  GB_OK(0, null) "]")
	"garbage\n"
	"[1,2]\n"
	S(1015, "0", "\"rss_mib\":3000,\"gpus\":[]")
	"{\"type\":\"sample\",\"job\":\"77\"}\n"
	S(1020, "batch", "\"rss_mib\":1000,\"mem_avail_mib\":5000,"
	  "\"fs_free_mib\":600,\"gpus\":[" GA(50, 200, 200, 0, 0) ","
	  GB_OK(1, 79) "]")
	"{\"no_type\":1}\n"
	S(1025, "0", "\"rss_mib\":5000,\"gpus\":[]")
	"{\"type\":\"sample\",\"t\":\"x\",\"job\":\"77\"}\n"
	"{\"type\":\"future\",\"t\":1,\"job\":\"77\"}\n"
	S(1030, "batch", "\"rss_mib\":1000,\"mem_avail_mib\":7000,"
	  "\"gpus\":[" GA(100, 4000, 200, 0, 2) "," GB_LOST "]")
	"{\"a\":1}{\"b\":2}\n"
	"{\"type\":\"sample\",\"t\":2000,\"job\":\"78\",\"rss_mib\":99999,"
	"\"gpus\":[{\"uuid\":\"GPU-a\",\"util\":0}]}\n"
	S(1040, "batch", "\"rss_mib\":1000,\"gpus\":[" GA(50, 300, 100, 0, 2)
	  "," GB_LOST "]");

static const char n2[] =
	"{\"type\":\"start\",\"t\":1000,\"job\":\"77\",\"gpu\":\"off\","
	"\"gpu_note\":\"no NVML: GPU telemetry off (libnvidia-ml.so.1: cannot "
	"open shared object file)\",\"alloc\":{\"mem_mb\":4096}}\n"
	"{\"type\":\"sample\",\"t\":1010,\"job\":\"77\",\"rss_mib\":500}\n"
	"{\"type\":\"sample\",\"t\":1020,\"job\":\"77\",\"rss_mib\":400}\n";

struct lines {
	char key[8][64];
	char *val[8];
	int n;
};

static void grab(const char *key, const char *value, void *arg)
{
	struct lines *l = arg;

	if (l->n >= 8)
		return;
	snprintf(l->key[l->n], sizeof(l->key[0]), "%s", key);
	l->val[l->n++] = strdup(value);
}

static void drop(struct lines *l)
{
	while (l->n > 0)
		free(l->val[--l->n]);
}

static void write_fixtures(void)
{
	char p[600], *big, *deep;
	FILE *f;
	int i;

	snprintf(p, sizeof(p), "%s/telemetry", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/telemetry/n1.jsonl", dir);
	f = fopen(p, "w");
	big = malloc(300 << 10);
	deep = malloc(402);
	if (!f || !big || !deep)
		exit(1);
	fputs(n1, f);
	/* a line too long to be ours, and a nesting bomb */
	memset(big, 'x', (300 << 10) - 1);
	big[(300 << 10) - 1] = '\0';
	fprintf(f, "{\"type\":\"sample\",\"t\":1050,\"job\":\"77\",\"s\":\"%s\"}\n",
		big);
	for (i = 0; i < 200; i++) {
		deep[i] = '[';
		deep[200 + i] = ']';
	}
	deep[400] = '\0';
	fprintf(f, "%s\n", deep);
	fclose(f);
	free(big);
	free(deep);
	snprintf(p, sizeof(p), "%s/telemetry/n2.jsonl", dir);
	put_file(p, n2);
	snprintf(p, sizeof(p), "%s/telemetry/n3.jsonl", dir);
	if (symlink("/etc/passwd", p) < 0)
		perror("symlink");
	snprintf(p, sizeof(p), "%s/telemetry/bad name.jsonl", dir);
	put_file(p, "{\"type\":\"sample\",\"t\":1}\n");
	snprintf(p, sizeof(p), "%s/telemetry/.hidden.jsonl", dir);
	put_file(p, "{\"type\":\"sample\",\"t\":1}\n");
	snprintf(p, sizeof(p), "%s/telemetry/n1.jsonl.bak", dir);
	put_file(p, "{\"type\":\"sample\",\"t\":1}\n");
}

static void known_answers(void)
{
	struct exl_tsum_opts o = { .price_per_gpu_hour = 2.5,
				   .currency = "USD", .job_id = "77" };
	struct exl_tsum *s = NULL;
	struct exl_err err = { "" };
	struct lines l = { .n = 0 };
	json_object *j, *ov, *nodes, *nd, *g;
	char *md;

	ok(exl_tsum_read(dir, &o, &s, &err) == 0, "read the run");
	if (!s)
		return;
	is_int(exl_tsum_malformed(s), 8, "malformed lines counted");
	ok(exl_tsum_md_each(s, grab, &l) == 0 && l.n == 4, "4 bullets");
	is_str(l.key[0], "telemetry", "overall key");
	is_str(l.val[0], "2 nodes, 8 samples; GPU util mean 66.7%, max 100%; "
	       "GPU mem peak 3.9 GiB of 80.0 GiB; GPU energy 0.002 kWh; "
	       "0.02 GPU-hours; cost 0.04 USD; RSS peak 5.9 GiB of 8.0 GiB "
	       "allocated (73%) on n1; GPU failures in 2 samples; XID errors: "
	       "1; uncorrected ECC errors: 2", "overall bullet");
	is_str(l.key[1], "telemetry n1", "n1 key");
	is_str(l.val[1], "6 samples; GPU util mean 66.7%, max 100%; GPU mem "
	       "peak 3.9 GiB of 80.0 GiB; GPU energy 0.002 kWh; 0.02 "
	       "GPU-hours; cost 0.04 USD; RSS peak 5.9 GiB of 8.0 GiB "
	       "allocated (73%); GPU-b failed in 2 of 4 samples (GPU is "
	       "lost); XID errors: 1; uncorrected ECC errors: 2", "n1 bullet");
	is_str(l.val[2], "2 samples; GPU: no data; RSS peak 500.0 MiB of "
	       "4.0 GiB allocated (12%)", "n2 bullet");
	is_str(l.key[3], "telemetry_note", "note key");
	ok(l.n == 4 && !strncmp(l.val[3], "8 malformed telemetry lines "
				"skipped; 1 telemetry file skipped (", 52) &&
	   strstr(l.val[3], "n3.jsonl") && strstr(l.val[3], "; n2: no NVML: "
	   "GPU telemetry off (libnvidia-ml.so.1: cannot open shared object "
	   "file)"), "note: %s", l.n == 4 ? l.val[3] : "");
	drop(&l);

	j = exl_tsum_json(s);
	json_object_object_get_ex(j, "overall", &ov);
	json_object_object_get_ex(j, "nodes", &nodes);
	json_object_object_get_ex(nodes, "n1", &nd);
	is_str(json_object_get_string(json_object_object_get(ov,
	       "energy_kwh")), "0.002222", "energy 8000 J");
	is_str(json_object_get_string(json_object_object_get(ov,
	       "gpu_util_mean")), "66.67", "mean util 400/6");
	is_str(json_object_get_string(json_object_object_get(ov,
	       "gpu_hours")), "0.0167", "2 GPUs x 30 s");
	is_str(json_object_get_string(json_object_object_get(ov, "cost")),
	       "0.04", "cost");
	is_int(exl_json_int(ov, "rss_peak_mib", -1), 6000, "RSS peak summed "
	       "over two steps");
	is_int(exl_json_int(ov, "gpu_mem_peak_mib", -1), 4000, "GPU mem peak");
	is_int(exl_json_int(nd, "mem_avail_min_mib", -1), 5000,
	       "lowest available memory");
	is_int(exl_json_int(nd, "fs_free_min_mib", -1), 600,
	       "lowest free space");
	g = json_object_array_get_idx(json_object_object_get(nd, "gpus"), 1);
	ok(exl_json_int(g, "failed_samples", -1) == 2 &&
	   !strcmp(exl_json_str(g, "last_error"), "GPU is lost") &&
	   exl_json_int(g, "xid", -1) == 1 && exl_json_int(g, "xid_last", -1)
	   == 79, "GPU-b: failures, XID 79");
	is_str(json_object_get_string(json_object_object_get(g, "energy_kwh")),
	       "0.000833", "GPU-b energy stops at the failure (3000 J)");
	is_int(exl_json_int(j, "malformed", -1), 8, "JSON malformed");
	is_int(exl_json_int(j, "files_skipped", -1), 1, "JSON files skipped");
	ok(json_object_object_get_ex(nodes, "n2", &nd) &&
	   exl_json_str(nd, "gpu_note") && json_object_object_get(nd,
	   "energy_kwh") == NULL, "n2: note, null energy");
	json_object_put(j);

	md = exl_tsum_hardware_md(s, "hardware");
	is_str(md, "- hardware: n1: 1x Test CPU (1 socket, 4 cores, 8 threads, "
	       "1 NUMA), 16.0 GiB; GPUs: 1x Fake GPU 80.0 GiB (GPU-a, "
	       "0000:17:00.0, NUMA 0); allocated: 8 CPUs (0-7), 8.0 GiB, 1 of "
	       "1 GPU\n", "hardware line, named by the file");
	free(md);
	exl_tsum_free(s);

	o.elapsed_s = 3600;
	o.job_id = NULL;
	ok(exl_tsum_read(dir, &o, &s, &err) == 0, "read all jobs, 1 h runtime");
	if (!s)
		return;
	md = exl_tsum_md(s);
	ok(md && strstr(md, "- telemetry: 2 nodes, 9 samples; GPU util mean "
			"57.1%, max 100%;") && strstr(md, "; 2.00 GPU-hours; "
			"cost 5.00 USD; RSS peak 97.7 GiB of 8.0 GiB allocated "
			"(1221%) on n1;"), "another job's line counts without "
	   "the filter; GPU-hours from the runtime");
	free(md);
	exl_tsum_free(s);
}

static void edge_cases(void)
{
	struct exl_tsum_opts o = { 0 };
	struct exl_tsum *s = NULL;
	struct exl_err err = { "" };
	char sub[600], p[700], *md = NULL;

	snprintf(sub, sizeof(sub), "%s/empty", dir);
	mkdir(sub, 0755);
	ok(exl_tsum_read(sub, &o, &s, &err) == 0 && (md = exl_tsum_md(s)) &&
	   !strcmp(md, "- telemetry: no samples\n"), "no telemetry dir: "
	   "no samples");
	free(md);
	exl_tsum_free(s);

	snprintf(p, sizeof(p), "%s/telemetry", sub);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/telemetry/h1.jsonl", sub);
	put_file(p, "{\"type\":\"sample\",\"t\":1e300}\n"
		 "{\"type\":\"sample\",\"t\":10,\"rss_mib\":-5,\"gpus\":"
		 "[{\"uuid\":\"GPU-x\",\"util\":1e300,\"power_w\":1e300,"
		 "\"mem_used_mib\":\"a lot\"},7,null]}\n"
		 "{\"type\":\"sample\",\"t\":20,\"gpus\":[{\"uuid\":\"GPU-x\","
		 "\"util\":40}]}\n"
		 "{\"type\":\"sample\",\"t\":30,\"gpus\":{\"uuid\":1}}\n");
	ok(exl_tsum_read(sub, &o, &s, &err) == 0, "hostile values read");
	md = s ? exl_tsum_md(s) : NULL;
	ok(md && strstr(md, "- telemetry: 1 node, 3 samples; GPU util mean "
			"40.0%, max 40%; GPU energy 0.000 kWh"),
	   "out-of-range numbers ignored");
	is_int(s ? exl_tsum_malformed(s) : 0, 1, "t = 1e300 is malformed");
	free(md);
	exl_tsum_free(s);

	/* one sample: counted in the singular */
	snprintf(p, sizeof(p), "%s/telemetry/h1.jsonl", sub);
	put_file(p, "{\"type\":\"sample\",\"t\":10,\"rss_mib\":4}\n");
	ok(exl_tsum_read(sub, &o, &s, &err) == 0, "one sample read");
	md = s ? exl_tsum_md(s) : NULL;
	ok(md && strstr(md, "- telemetry: 1 node, 1 sample; ") &&
	   strstr(md, "\n- telemetry h1: 1 sample; "), "1 sample, not 1 samples");
	free(md);
	exl_tsum_free(s);

	/* the one sample caught no resident program: no "RSS peak 0 B" */
	put_file(p, "{\"type\":\"sample\",\"t\":10,\"nprocs\":1,"
		 "\"rss_mib\":0}\n");
	ok(exl_tsum_read(sub, &o, &s, &err) == 0, "rss 0 sample read");
	md = s ? exl_tsum_md(s) : NULL;
	ok(md && !strstr(md, "RSS"), "RSS 0 MiB in every sample: no RSS claim");
	free(md);
	exl_tsum_free(s);

	snprintf(p, sizeof(p), "%s/telemetry", sub);
	rm_tree(p);
	ok(symlink(dir, p) == 0, "telemetry dir replaced by a symlink");
	ok(exl_tsum_read(sub, &o, &s, &err) < 0 && !s, "symlinked telemetry "
	   "dir refused: %s", err.text);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	write_fixtures();
	known_answers();
	edge_cases();
	rm_tree(dir);
	return done_testing();
}
