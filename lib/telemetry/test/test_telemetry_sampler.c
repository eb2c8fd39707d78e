/* Unit tests: the sampler thread: lines written, latest sample, its own
 * CPU cost, GPU telemetry off for each reason, prompt and stuck stops,
 * refused output paths, concurrent samplers on one file. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/jsonfile.h"
#include "tap.h"
#include "telemetry/telemetry_jsonl.h"
#include "telemetry/telemetry_sampler.h"
#include "telemetry_test.h"

static char dir[] = "/tmp/exl-sampler-XXXXXX";

static void base_cfg(struct exl_sampler_cfg *c, const char *node)
{
	memset(c, 0, sizeof(*c));
	c->interval_ms = 100;
	c->state_dir = dir;
	c->node = node;
	c->job_id = "4242";
	c->step = "batch";
	c->nvml_lib = "off";
}

static const char *out_path(const char *node)
{
	static char p[600];

	snprintf(p, sizeof(p), "%s/telemetry/%s.jsonl", dir, node);
	return p;
}

/* What the checks below collect from a file. */
struct seen {
	int starts, samples, gpus_keys, bad_seq, bad_t;
	long long last_seq;
	double last_t;
	long long nprocs;
	char gpu_note[300], gpu[8];
	json_object *last;	/* last sample line */
};

static int collect(json_object *o, void *arg)
{
	struct seen *s = arg;
	const char *type = exl_json_str(o, "type");
	double t = 0;

	if (!type)
		return -1;
	if (!strcmp(type, "start")) {
		s->starts++;
		snprintf(s->gpu, sizeof(s->gpu), "%s",
			 exl_json_str(o, "gpu") ? exl_json_str(o, "gpu") : "");
		snprintf(s->gpu_note, sizeof(s->gpu_note), "%s",
			 exl_json_str(o, "gpu_note") ?
			 exl_json_str(o, "gpu_note") : "");
		return 0;
	}
	s->samples++;
	if (exl_json_int(o, "seq", -1) != s->last_seq + 1)
		s->bad_seq++;
	s->last_seq = exl_json_int(o, "seq", -1);
	exl_json_num(o, "t", &t);
	if (t < s->last_t)
		s->bad_t++;
	s->last_t = t;
	s->nprocs = exl_json_int(o, "nprocs", -1);
	s->gpus_keys += exl_json_has(o, "gpus");
	json_object_put(s->last);
	s->last = json_object_get(o);
	return 0;
}

static int read_back(const char *node, struct seen *s)
{
	struct exl_jsonl_stats st = { 0 };
	struct exl_err err = { "" };

	memset(s, 0, sizeof(*s));
	s->last_seq = -1;
	if (exl_jsonl_read(out_path(node), collect, s, &st, &err) < 0)
		return -1;
	return (int)st.malformed;
}

static void basic(void)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *s = NULL;
	struct exl_sampler_usage u;
	struct exl_sample_brief b, fb;
	struct exl_err err = { "" };
	struct seen seen;
	char text[256], note[600];
	pid_t child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	base_cfg(&c, "n1");
	c.pid_root = getpid();
	ok(exl_sampler_start(&c, &s, &err) == 0, "start: %s", err.text);
	if (!s)
		return;
	ok(wait_samples(s, 5), "5 samples at 100 ms");
	ok(exl_sampler_latest(s, &b) == 0 && b.t > 0, "latest sample");
	exl_sample_brief_text(&b, text, sizeof(text));
	ok(!strncmp(text, "GPU n/a, CPU 0%, RSS ", 21), "brief: %s", text);
	is_int(exl_sampler_gpu_state(s, note, sizeof(note)), 0, "GPU off");
	is_str(note, "GPU telemetry off (disabled in the configuration)",
	       "and why");
	exl_sampler_cpu_usage(s, &u);
	ok(u.cpu_s > 0 && u.cpu_s < u.wall_s, "sampler CPU %.4f s over "
	   "%.2f s", u.cpu_s, u.wall_s);
	is_int(u.write_errors, 0, "no write errors");
	ok(exl_sampler_stop(s) == 0, "stop");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	is_int(read_back("n1", &seen), 0, "every line parses");
	ok(seen.starts == 1 && seen.samples >= 5, "1 start line, %d samples",
	   seen.samples);
	ok(!seen.bad_seq && !seen.bad_t, "seq counts up, time goes forward");
	is_int(seen.gpus_keys, 0, "no GPU fields without NVML");
	is_str(seen.gpu, "off", "start line: GPU off");
	is_int(seen.nprocs, 1, "the child is the one process");
	ok(seen.last && exl_json_int(seen.last, "rss_mib", -1) >= 0 &&
	   exl_json_has(seen.last, "load1") &&
	   exl_json_int(seen.last, "fs_free_mib", -1) > 0 &&
	   exl_json_int(seen.last, "mem_avail_mib", -1) > 0 &&
	   !strcmp(exl_json_str(seen.last, "job"), "4242") &&
	   !strcmp(exl_json_str(seen.last, "step"), "batch") &&
	   !strcmp(exl_json_str(seen.last, "node"), "n1"),
	   "sample fields present");
	ok(exl_telemetry_latest(out_path("n1"), &fb, &err) == 0 &&
	   fb.t == b.t, "latest from the file matches");
	json_object_put(seen.last);
}

/* GPU telemetry off: note in the start line, samples go on. */
static void gpu_off(const char *node, const char *lib, const char *script,
		    const char *gpus, const char *want)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *s = NULL;
	struct exl_err err = { "" };
	struct seen seen;
	char note[600];

	if (script)
		fake_script(dir, script);
	base_cfg(&c, node);
	c.nvml_lib = lib;
	c.gpus = gpus;
	ok(exl_sampler_start(&c, &s, &err) == 0, "%s: start", node);
	if (!s)
		return;
	ok(wait_samples(s, 2), "%s: samples go on", node);
	is_int(exl_sampler_gpu_state(s, note, sizeof(note)), 0, "%s: GPU off",
	       node);
	ok(!strncmp(note, want, strlen(want)), "%s: %s", node, note);
	exl_sampler_stop(s);
	read_back(node, &seen);
	ok(!strcmp(seen.gpu, "off") && !strcmp(seen.gpu_note, note) &&
	   seen.gpus_keys == 0, "%s: start line says why, no GPU fields", node);
	json_object_put(seen.last);
}

static void gpu_vanish(void)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *s = NULL;
	struct exl_err err = { "" };
	struct seen seen;
	json_object *gpus, *g, *v;
	char note[600];

	fake_script(dir, "gpus 2\nutil 0 50\nutil 1 70\nvanish 1 2\n");
	base_cfg(&c, "gv");
	c.nvml_lib = fake_nvml();
	c.max_samples = 4;
	ok(exl_sampler_start(&c, &s, &err) == 0, "start with fake NVML");
	if (!s)
		return;
	ok(wait_samples(s, 4), "4 samples");
	is_int(exl_sampler_gpu_state(s, note, sizeof(note)), 1, "GPU on");
	exl_sampler_stop(s);
	is_int(read_back("gv", &seen), 0, "every line parses");
	is_int(seen.samples, 4, "max_samples honoured");
	ok(seen.last && json_object_object_get_ex(seen.last, "gpus", &gpus) &&
	   json_object_array_length(gpus) == 2, "two GPUs in the last line");
	g = seen.last ? json_object_array_get_idx(gpus, 0) : NULL;
	is_int(exl_json_int(g, "util", -1), 50, "GPU 0 still reads");
	g = seen.last ? json_object_array_get_idx(gpus, 1) : NULL;
	is_str(exl_json_str(g, "error"), "GPU is lost", "GPU 1 error field");
	ok(json_object_object_get_ex(g, "util", &v) && v == NULL &&
	   json_object_object_get_ex(g, "power_w", &v) && v == NULL,
	   "GPU 1 fields null");
	json_object_put(seen.last);
}

static void stops(void)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *s = NULL;
	struct exl_err err = { "" };
	double t0;
	int rc;

	base_cfg(&c, "slow");
	c.interval_ms = 60000;
	ok(exl_sampler_start(&c, &s, &err) == 0 && wait_samples(s, 1),
	   "60 s interval, first sample at once");
	t0 = now();
	ok(exl_sampler_stop(s) == 0 && now() - t0 < 1.5,
	   "stop is prompt (%.3f s)", now() - t0);

	fake_script(dir, "gpus 1\nhang 0 1 3500\n");
	base_cfg(&c, "stuck");
	c.nvml_lib = fake_nvml();
	ok(exl_sampler_start(&c, &s, &err) == 0 && wait_samples(s, 1),
	   "a sampler whose second GPU read hangs 3.5 s");
	nap(0.3);
	t0 = now();
	rc = exl_sampler_stop(s);
	ok(rc == 1 && now() - t0 < EXL_SAMPLER_STOP_WAIT_MS / 1000.0 + 1,
	   "stop gives up after %.2f s and leaves it (rc %d)", now() - t0, rc);
	nap(3.0);	/* let it finish and free itself (valgrind checks) */
	ok(exl_sampler_stop(NULL) == 0, "stop(NULL)");
}

static void refusals(void)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *s = NULL;
	struct exl_err err = { "" };
	char p[700], q[800];
	double t0;

	base_cfg(&c, "../x");
	ok(exl_sampler_start(&c, &s, &err) < 0 && !s &&
	   strstr(err.text, "invalid node name"), "bad node: %s", err.text);
	base_cfg(&c, "n1");
	c.interval_ms = 0;
	ok(exl_sampler_start(&c, &s, &err) < 0, "zero interval: %s",
	   err.text);
	base_cfg(&c, "n1");
	c.alloc.cpus = "0-";
	ok(exl_sampler_start(&c, &s, &err) < 0, "bad CPU list: %s", err.text);
	base_cfg(&c, "n1");
	c.state_dir = "/nonexistent/state";
	ok(exl_sampler_start(&c, &s, &err) < 0, "missing state dir: %s",
	   err.text);

	snprintf(p, sizeof(p), "%s/victim", dir);
	put_file(p, "keep\n");
	snprintf(q, sizeof(q), "%s/telemetry/sym.jsonl", dir);
	ok(symlink(p, q) == 0, "plant a symlink");
	base_cfg(&c, "sym");
	ok(exl_sampler_start(&c, &s, &err) < 0, "symlink refused: %s",
	   err.text);
	is_int(count_lines(p, NULL), 1, "symlink target untouched");

	snprintf(q, sizeof(q), "%s/telemetry/fifo.jsonl", dir);
	ok(mkfifo(q, 0644) == 0, "plant a FIFO");
	base_cfg(&c, "fifo");
	t0 = now();
	ok(exl_sampler_start(&c, &s, &err) < 0 && now() - t0 < 1,
	   "FIFO refused without hanging: %s", err.text);

	snprintf(p, sizeof(p), "%s/other", dir);
	mkdir(p, 0755);
	snprintf(q, sizeof(q), "%s/telemetry", p);
	ok(symlink(dir, q) == 0, "plant telemetry -> elsewhere");
	base_cfg(&c, "n1");
	c.state_dir = p;
	ok(exl_sampler_start(&c, &s, &err) < 0 && strstr(err.text, "symlink"),
	   "telemetry symlink refused: %s", err.text);
}

static int one_pid(void *arg, struct exl_pidset *out)
{
	out->n = 0;
	return exl_pidset_add(out, *(pid_t *)arg) < 0 ? -1 : 1;
}

/* Two samplers (two steps) appending to one node file. */
static void concurrent(void)
{
	struct exl_sampler_cfg c;
	struct exl_sampler *a = NULL, *b = NULL;
	struct exl_err err = { "" };
	struct seen seen;
	pid_t me = getpid();
	int lines;

	base_cfg(&c, "shared");
	c.interval_ms = 5;
	c.pids_fn = one_pid;
	c.pids_arg = &me;
	ok(exl_sampler_start(&c, &a, &err) == 0, "step A");
	c.step = "0";
	ok(exl_sampler_start(&c, &b, &err) == 0, "step B");
	nap(0.5);
	exl_sampler_stop(a);
	exl_sampler_stop(b);
	lines = count_lines(out_path("shared"), NULL);
	is_int(read_back("shared", &seen), 0, "%d lines, none torn", lines);
	ok(seen.starts == 2 && seen.samples + 2 == lines && seen.samples > 10,
	   "both steps wrote (%d samples)", seen.samples);
	is_int(seen.nprocs, 1, "pids from the callback");
	json_object_put(seen.last);
}

static void latest_file(void)
{
	struct exl_sample_brief b;
	struct exl_err err = { "" };
	char p[700], big[300];
	FILE *f;
	int i;

	snprintf(p, sizeof(p), "%s/t1.jsonl", dir);
	put_file(p, "{\"type\":\"start\",\"t\":1}\n");
	is_int(exl_telemetry_latest(p, &b, &err), 1, "no sample yet");
	put_file(p, "{\"type\":\"sample\",\"t\":5,\"gpus\":[{\"util\":40,"
		 "\"mem_used_mib\":1024,\"mem_total_mib\":81920},{\"util\":"
		 "80}],\"cpu_pct\":150.5,\"rss_mib\":2048}\n"
		 "{\"type\":\"sample\",\"t\":6,\"gp");
	ok(exl_telemetry_latest(p, &b, &err) == 0 && b.t == 5,
	   "a cut last line is skipped");
	exl_sample_brief_text(&b, big, sizeof(big));
	is_str(big, "GPU util 60% (2 GPUs, max 80%), GPU mem 1.0 GiB of "
	       "80.0 GiB, CPU 150%, RSS 2.0 GiB", "brief text");
	f = fopen(p, "w");
	for (i = 0; f && i < 3000; i++)
		fprintf(f, "{\"type\":\"sample\",\"t\":%d,\"gpus\":[]}\n", i + 1);
	if (f)
		fclose(f);
	ok(exl_telemetry_latest(p, &b, &err) == 0 && b.t == 3000 &&
	   b.gpu_on && b.ngpus == 0, "large file: the newest line");
	exl_sample_brief_text(&b, big, sizeof(big));
	is_str(big, "no GPU allocated", "brief without GPUs");
	memset(&b, 0, sizeof(b));
	b.gpu_on = 1;
	b.ngpus = 1;
	exl_sample_brief_text(&b, big, sizeof(big));
	ok(strncmp(big, "GPU util n/a (1 GPU not answering)", 34) == 0,
	   "one GPU not answering: singular (%s)", big);
	snprintf(p, sizeof(p), "%s/missing.jsonl", dir);
	ok(exl_telemetry_latest(p, &b, &err) < 0, "missing file: %s",
	   err.text);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	basic();
	gpu_off("nolib", "/nonexistent/libnvidia-ml.so.1", NULL, NULL,
		"no NVML: GPU telemetry off (");
	gpu_off("initfail", fake_nvml(), "init_fail 9\n", NULL,
		"NVML init failed: GPU telemetry off (Driver Not Loaded)");
	gpu_off("badsel", fake_nvml(), "gpus 2\n", "7",
		"GPU telemetry off (GPU selection: no GPU with index 7");
	gpu_vanish();
	stops();
	refusals();
	concurrent();
	latest_file();
	rm_tree(dir);
	return done_testing();
}
