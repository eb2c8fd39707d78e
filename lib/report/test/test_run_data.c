/* test_run_data.c - the series of a run's page from its state dir:
 * metrics.jsonl lines (hostile), restarts, telemetry with allocation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tmpdir.h"
#include "report/run_data.h"

static int line(struct exl_run_data *d, const char *s, double *last)
{
	return exl_rd_metrics_line(d, s, strlen(s), last);
}

static void metrics(void)
{
	struct exl_run_data d = { 0 };
	double last = NAN;

	is_int(line(&d, "{\"step\": 1, \"loss\": 2.5, \"lr\": 0.001, "
		    "\"cfg\": {\"a\": [1, \"}\"]}, \"name\": \"x\\\"y\", "
		    "\"ok\": true}", &last), 0, "a line with nested values");
	is_int(line(&d, "{\"global_step\":2,\"step\":99,\"train/loss\":2.0,"
		    "\"val_loss\":2.2,\"_runtime\":4}", &last), 0,
	       "second line");
	is_int((int)d.train.n, 2, "two train losses");
	ok(d.train.v[1].x == 2 && d.train.v[1].y == 2.0,
	   "global_step preferred over step");
	is_int((int)d.val.n, 1, "one val loss");
	is_int((int)d.nscalar, 1, "one other scalar (lr; step keys, loss "
	       "keys and _keys are not scalars)");
	is_str(d.scalar[0].name, "lr", "it is lr");
	is_int(line(&d, "{\"step\": 1, \"loss\": 1.9}", &last), 0,
	       "a step back (restart)");
	is_int((int)d.nlinks, 1, "a restart is a link");
	ok(d.links[0] == 1, "at step 1");
	is_int(line(&d, "{\"step\": 3, \"loss\": 1e400}", &last), 0,
	       "an infinite value");
	is_int((int)d.train.n, 3, "is not kept");
	ok(line(&d, "{\"step\": 3, \"loss\": 1", &last) < 0,
	   "an unterminated object is refused");
	ok(line(&d, "[1, 2]", &last) < 0, "an array is refused");
	ok(line(&d, "{\"a\": \"unterminated}", &last) < 0,
	   "an unterminated string is refused");
	ok(line(&d, "{\"a\" 1}", &last) < 0, "a missing colon is refused");
	ok(line(&d, "{\"a\": 1x}", &last) < 0, "a bad number is refused");
	is_int((int)d.train.n, 3, "refused lines add nothing");
	exl_rd_free(&d);
}

/* Numbers read exactly as strtod reads them (the fast path too). */
static void numbers(void)
{
	static const char *const fmt[] = { "%.6g", "%.15g", "%.17g", "%g" };
	struct exl_run_data d = { 0 };
	double last = NAN;
	char l[128], num[64];
	size_t i, bad = 0, n = 0;

	srand(7);
	for (i = 0; i < 20000; i++) {
		double v = ((double)rand() / RAND_MAX - 0.3) *
			   pow(10, rand() % 60 - 30);

		snprintf(num, sizeof(num), fmt[i % 4], v);
		snprintf(l, sizeof(l), "{\"step\": %zu, \"loss\": %s}", i,
			 num);
		if (exl_rd_metrics_line(&d, l, strlen(l), &last) < 0 ||
		    d.train.n != ++n || d.train.v[n - 1].y != strtod(num, NULL) ||
		    d.train.v[n - 1].x != (double)i)
			bad++;
	}
	is_int((int)bad, 0, "20000 numbers read exactly as strtod does");
	exl_rd_free(&d);
}

static void load(void)
{
	struct exl_run_data d = { 0 };
	struct exl_err err = { { 0 } };
	char dir[256];

	if (!tmpdir_make(dir, sizeof(dir)))
		exit(1);
	tmpdir_put(dir, "metrics.jsonl",
		   "{\"step\":1,\"loss\":2}\nnot json\n\n{\"step\":2,"
		   "\"loss\":1}\n");
	tmpdir_put(dir, "telemetry/n2.jsonl",
		   "{\"type\":\"start\",\"alloc\":{\"cpus\":\"0-3\","
		   "\"mem_mb\":2048}}\n"
		   "{\"type\":\"sample\",\"t\":100,\"cpu_pct\":150,"
		   "\"rss_mib\":300,\"gpus\":[{\"index\":0,\"util\":70,"
		   "\"mem_used_mib\":1000,\"mem_total_mib\":16000,"
		   "\"power_w\":200},{\"index\":1,\"util\":80}]}\n"
		   "{\"type\":\"sample\",\"t\":110,\"cpu_pct\":\"x\","
		   "\"gpus\":[{\"index\":0,\"util\":75}]}\n");
	tmpdir_put(dir, "telemetry/n1.jsonl",
		   "{\"type\":\"sample\",\"t\":100,\"cpu_pct\":50}\n");
	tmpdir_put(dir, "telemetry/notes.txt", "x");
	is_int(exl_rd_load(dir, &d, &err), 0, "loaded");
	is_str(d.loss_source, "metrics.jsonl", "loss from metrics.jsonl");
	is_int((int)d.train.n, 2, "two losses");
	is_int((int)d.skipped, 1, "one malformed line skipped");
	is_int((int)d.nnode, 2, "two nodes (the .txt is not one)");
	is_str(d.node[0].name, "n1", "sorted by name");
	if (d.nnode == 2) {
		struct exl_rd_node *n2 = &d.node[1];

		ok(n2->cpu_limit == 400, "4 CPUs allocated: limit 400%%");
		ok(n2->mem_limit == 2048, "memory allocation");
		is_int((int)n2->cpu.n, 1, "a mistyped cpu_pct is skipped");
		is_int((int)n2->ngpu, 2, "two GPUs");
		is_int((int)n2->gpu[0].util.n, 2, "GPU 0: two util samples");
		ok(n2->gpu[0].mem_total == 16000, "GPU memory total");
		is_int((int)n2->gpu[1].power.n, 0, "GPU 1: no power");
	}
	exl_rd_free(&d);
	tmpdir_remove(dir);
}

int main(void)
{
	metrics();
	numbers();
	load();
	return done_testing();
}
