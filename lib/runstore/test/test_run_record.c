/* Unit tests: run.json's codec.  A record round-trips through its text
 * and its file; a run.json as the code before the codec wrote it still
 * reads, and comes back in the canonical order; unknown keys are kept at
 * every level; null is unset; a corrupt or hand-broken file is refused
 * with one line naming the file, the key and the fix; the job lookup
 * that the close-out and the W&B link share; environment entries
 * replaced in place; a rename's string rewrite. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"
#include "tmpdir.h"
#include "runstore/run_record.h"
#include "util/fileio.h"

/* A run.json as exl_lc_run_json and the close-out wrote it before the
 * codec (keys in the order they were added: the epilog's end merged
 * before the batch step's exit status). */
static const char old_file[] =
"{\n"
"  \"schema\": 1,\n"
"  \"run_log\": \"cams/2026-03-14_train.md\",\n"
"  \"state_dir\": \"/r/.exp-log/runs/cams/2026-03-14_train\",\n"
"  \"group\": \"cams\",\n"
"  \"task\": \"train\",\n"
"  \"run_type\": \"experiment\",\n"
"  \"script\": \"/home/u/train.sh\",\n"
"  \"submit_dir\": \"/home/u\",\n"
"  \"user\": \"u\",\n"
"  \"config\": {\n"
"    \"path\": \"/home/u/c.yaml\",\n"
"    \"sha256\": \"ab12\",\n"
"    \"snapshot\": \"/r/.exp-log/runs/cams/2026-03-14_train/config/c.yaml\"\n"
"  },\n"
"  \"statepoints\": {\n"
"    \"lr\": \"0.1\",\n"
"    \"bs\": \"32\"\n"
"  },\n"
"  \"dataset\": {\n"
"    \"given\": \"/d\",\n"
"    \"path\": \"/d\",\n"
"    \"exists\": true,\n"
"    \"bytes\": 10,\n"
"    \"files\": 2,\n"
"    \"mtime\": 1700000000\n"
"  },\n"
"  \"git\": {\n"
"    \"repo\": \"/home/u\",\n"
"    \"branch\": \"main\",\n"
"    \"commit\": \"c0ffee\",\n"
"    \"dirty\": false\n"
"  },\n"
"  \"telemetry\": {\n"
"    \"price_per_gpu_hour\": 2.5,\n"
"    \"currency\": \"EUR\"\n"
"  },\n"
"  \"jobs\": [\n"
"    {\n"
"      \"job_id\": \"100\",\n"
"      \"restart_count\": 0,\n"
"      \"submitted\": 1773446400,\n"
"      \"start\": 1773446460,\n"
"      \"nodes\": \"n[1-2]\",\n"
"      \"nnodes\": 2,\n"
"      \"partition\": \"gpu\",\n"
"      \"time_limit_min\": 4294967295,\n"
"      \"signal\": \"\",\n"
"      \"batch_host\": \"n1\",\n"
"      \"sched_state\": \"TIMEOUT\",\n"
"      \"end\": 1773450000,\n"
"      \"ended_by\": \"epilog\",\n"
"      \"verdict\": \"timed out\",\n"
"      \"wandb_finalized\": 0,\n"
"      \"telemetry\": {\n"
"        \"gpu_hours\": 1.5\n"
"      },\n"
"      \"exit_status\": 15,\n"
"      \"exit\": \"killed by SIGTERM\"\n"
"    },\n"
"    {\n"
"      \"job_id\": \"100\",\n"
"      \"restart_count\": 1,\n"
"      \"submitted\": 1773446400,\n"
"      \"start\": 1773450100,\n"
"      \"nodes\": \"n3\",\n"
"      \"nnodes\": 1,\n"
"      \"partition\": \"gpu\",\n"
"      \"time_limit_min\": 60,\n"
"      \"signal\": \"B:USR1@90\",\n"
"      \"batch_host\": \"n3\"\n"
"    }\n"
"  ],\n"
"  \"owned\": {\n"
"    \"Results/checkpoint\": \"none found\",\n"
"    \"job:100:0/end\": \"`2026-03-14T01:00:00+00:00`\"\n"
"  },\n"
"  \"experiments_status\": \"timeout\",\n"
"  \"environment\": {\n"
"    \"pip\": {\n"
"      \"path\": \"/r/.exp-log/runs/cams/2026-03-14_train/env/pip.txt\",\n"
"      \"sha256\": \"99\",\n"
"      \"wait_status\": 0,\n"
"      \"timed_out\": false\n"
"    }\n"
"  },\n"
"  \"facts\": {\n"
"    \"final lr\": \"0.01\"\n"
"  }\n"
"}\n";

/* refused: parse text; the error is one line naming what and want. */
static void refused(const char *text, const char *want, const char *name)
{
	struct exl_run_record r;
	struct exl_err err = { { 0 } };
	int rc = exl_run_record_parse(&r, text, strlen(text), "/s/run.json",
				      &err);

	ok(rc == -1 && strstr(err.text, "/s/run.json: ") == err.text &&
	   strstr(err.text, want) && !strchr(err.text, '\n'),
	   "%s: refused in one line: %s", name, err.text);
	ok(r.jobs.n == 0 && !r.run_log && !r.extra, "%s: record left empty",
	   name);
}

static void test_old_file(void)
{
	struct exl_run_record r, r2;
	struct exl_run_job *j;
	struct exl_err err;
	char *text, *again;
	const char *exit_at, *sched_at;

	is_int(exl_run_record_parse(&r, old_file, strlen(old_file), "old",
				    &err), 0, "the old writer's run.json reads");
	ok(r.schema.set && r.schema.v == 1 && !strcmp(r.group, "cams") &&
	   !strcmp(r.task, "train") && !r.objective,
	   "top-level fields; an absent one is NULL");
	ok(r.config.present && !strcmp(r.config.sha256, "ab12") &&
	   !r.config.error, "config");
	ok(r.statepoints.n == 2 && !strcmp(r.statepoints.key[1], "bs") &&
	   !strcmp(exl_rr_map_get(&r.statepoints, "lr"), "0.1"),
	   "statepoints in order");
	ok(r.dataset.exists.set && r.dataset.exists.v &&
	   r.dataset.bytes.v == 10 && !r.dataset.sha256, "dataset");
	ok(r.git.present && r.git.dirty.set && !r.git.dirty.v &&
	   !strcmp(r.git.commit, "c0ffee"), "git");
	ok(r.telemetry.price_per_gpu_hour.v == 2.5 &&
	   !strcmp(r.telemetry.currency, "EUR"), "the cost settings");
	is_int((int)r.jobs.n, 2, "two jobs");
	j = exl_run_job_at(&r, 0);
	ok(j->exit_status.set && j->exit_status.v == 15 &&
	   !strcmp(j->exit, "killed by SIGTERM") &&
	   !strcmp(j->sched_state, "TIMEOUT") && j->end.v == 1773450000 &&
	   j->time_limit_min.v == 4294967295LL && j->wandb_finalized.set &&
	   j->telemetry && !j->array_task, "the first job's end");
	j = exl_run_job_at(&r, 1);
	ok(!j->end.set && !j->sched_state && j->restart_count.v == 1 &&
	   !strcmp(j->signal, "B:USR1@90"), "the requeued job, running");
	ok(!strcmp(exl_rr_map_get(&r.owned, "Results/checkpoint"), "none found"),
	   "owned");
	ok(r.environment.n == 1 &&
	   !strcmp(((struct exl_run_env *)r.environment.v[0])->name, "pip"),
	   "environment");
	ok(!strcmp(exl_rr_map_get(&r.facts, "final lr"), "0.01") &&
	   !strcmp(r.experiments_status, "timeout") && !r.extra,
	   "facts, experiments status, nothing unknown");

	text = exl_run_record_render(&r, NULL);
	exit_at = text ? strstr(text, "\"exit_status\"") : NULL;
	sched_at = text ? strstr(text, "\"sched_state\"") : NULL;
	ok(exit_at && sched_at && exit_at < sched_at &&
	   strstr(text, "\"environment\"") < strstr(text, "\"facts\"") &&
	   strstr(text, "\"facts\"") < strstr(text, "\"experiments_status\""),
	   "written back in the canonical order");
	ok(text && exl_run_record_parse(&r2, text, strlen(text), "again",
					&err) == 0, "the canonical text reads");
	again = exl_run_record_render(&r2, NULL);
	ok(text && again && !strcmp(text, again), "and renders the same");
	free(again);
	free(text);
	exl_run_record_free(&r2);
	exl_run_record_free(&r);
}

static void test_unknown_and_null(void)
{
	static const char t[] =
		"{\"future\": {\"a\": [1, 2]}, \"run_log\": \"x.md\","
		" \"objective\": null, \"note\": null,"
		" \"config\": {\"path\": \"/c\", \"mode\": 5},"
		" \"jobs\": [{\"job_id\": \"7\", \"gpu\": \"a100\","
		"  \"end\": null}],"
		" \"environment\": {\"e\": {\"path\": \"/p\", \"size\": 3}}}";
	struct exl_run_record r;
	struct exl_err err;
	char *text;

	is_int(exl_run_record_parse(&r, t, strlen(t), "u", &err), 0,
	       "unknown keys and nulls read");
	ok(!r.objective && !exl_run_job_at(&r, 0)->end.set,
	   "null is unset");
	text = exl_run_record_render(&r, NULL);
	ok(text && strstr(text, "\"future\": {") && strstr(text, "\"note\": null") &&
	   strstr(text, "\"mode\": 5") && strstr(text, "\"gpu\": \"a100\"") &&
	   strstr(text, "\"size\": 3"),
	   "unknown keys kept at every level");
	ok(text && strstr(text, "\"run_log\"") < strstr(text, "\"future\"") &&
	   strstr(text, "\"path\": \"/c\"") < strstr(text, "\"mode\""),
	   "after the known ones");
	ok(text && !strstr(text, "\"objective\"") && !strstr(text, "\"end\""),
	   "an unset known key is not written");
	free(text);
	exl_run_record_free(&r);
}

static void test_refused(void)
{
	refused("{\"run_log\": ", "invalid JSON", "truncated");
	refused("[1, 2]", "expected a JSON object", "not an object");
	refused("{\"jobs\": {}}", "jobs: expected an array, found an object",
		"jobs an object");
	refused("{\"jobs\": [{\"job_id\": \"1\"}, {\"start\": \"yesterday\"}]}",
		"jobs[1].start: expected an integer, found a string",
		"a hand-edited start");
	refused("{\"jobs\": [3]}", "jobs[0]: expected an object", "a job not an object");
	refused("{\"config\": {\"sha256\": 12}}", "config.sha256: expected a string",
		"a nested string");
	refused("{\"statepoints\": {\"lr\": 0.1}}", "statepoints.lr: expected a string",
		"a map value");
	refused("{\"git\": {\"dirty\": \"yes\"}}", "git.dirty: expected true or false",
		"a boolean");
	refused("{\"environment\": {\"pip\": 1}}", "environment.pip: expected an object",
		"an environment entry");
	refused("{\"jobs\": [{\"telemetry\": []}]}",
		"jobs[0].telemetry: expected an object", "a job's telemetry");
	refused("{\"schema\": 1.5}", "correct the value or remove the key",
		"the fix is named");
}

static void test_build_and_files(const char *dir)
{
	struct exl_run_record r = { 0 }, back;
	struct exl_run_job *j;
	struct exl_err err;
	char *a, *b, sd[300];

	snprintf(sd, sizeof(sd), "%s/state", dir);
	mkdir(sd, 0755);
	is_int(exl_run_record_load(sd, &back, &err), 1, "no run.json: 1");
	ok(errno == ENOENT, "with errno ENOENT");
	exl_rr_int_set(&r.schema, EXL_RUN_RECORD_SCHEMA);
	ok(exl_rr_str_set(&r.run_log, "g/x.md") == 0 &&
	   exl_rr_str_set(&r.state_dir, sd) == 0 &&
	   exl_rr_map_from_pairs(&r.statepoints, "a=1,junk,b=2,a=3") == 0,
	   "built");
	ok(r.statepoints.n == 2 && !strcmp(r.statepoints.key[0], "a") &&
	   !strcmp(r.statepoints.val[0], "3"),
	   "pairs: a repeated key keeps its place, the last value wins");
	r.jobs.present = 1;
	j = exl_run_record_add_job(&r);
	ok(j && exl_rr_str_set(&j->job_id, "5") == 0, "a job added");
	exl_rr_int_set(&j->start, 1000);
	exl_rr_int_set(&j->end, 2000);
	j = exl_run_record_add_job(&r);
	ok(j && exl_rr_str_set(&j->job_id, "6") == 0, "another");
	exl_rr_int_set(&j->start, 3000);
	ok(exl_run_record_set_env(&r, "pip", "/p1", "s1", 0, 0) == 0 &&
	   exl_run_record_set_env(&r, "conda", "/c", "s2", 256, 1) == 0 &&
	   exl_run_record_set_env(&r, "pip", "/p2", "s3", 0, 0) == 0,
	   "environment set");
	ok(r.environment.n == 2 &&
	   !strcmp(((struct exl_run_env *)r.environment.v[0])->path, "/p2"),
	   "a capture again replaces the first in its place");
	is_int(exl_run_record_save(sd, &r, &err), 0, "saved");
	is_int(exl_run_record_load(sd, &back, &err), 0, "loaded");
	a = exl_run_record_render(&r, NULL);
	b = exl_run_record_render(&back, NULL);
	ok(a && b && !strcmp(a, b), "the file round-trips");
	free(a);
	free(b);

	/* the one job lookup */
	ok(exl_run_record_find_job(&back, "5", 0, 0) == exl_run_job_at(&back, 0),
	   "by id");
	ok(!exl_run_record_find_job(&back, "9", 0, 0), "an unknown id: none");
	ok(exl_run_record_find_job(&back, NULL, 0, 0) == exl_run_job_at(&back, 1),
	   "any: the last");
	ok(exl_run_record_find_job(&back, NULL, 1500, 0) == exl_run_job_at(&back, 0),
	   "by time: the job whose span holds it");
	ok(exl_run_record_find_job(&back, NULL, 900, 200) == exl_run_job_at(&back, 0),
	   "with slack before the start");
	ok(!exl_run_record_find_job(&back, NULL, 2500, 0),
	   "between jobs: none (the caller takes the last)");
	ok(exl_run_record_find_job(&back, NULL, 9999, 0) == exl_run_job_at(&back, 1),
	   "a running job holds any later time");
	exl_run_record_free(&back);

	/* refused on disk: the file is named */
	ok(tmpdir_put(dir, "state/run.json", "{\"jobs\": 1}") == 0,
	   "run.json broken by hand");
	is_int(exl_run_record_load(sd, &back, &err), -1, "refused on load");
	ok(strstr(err.text, "/state/run.json: jobs: expected an array") != NULL,
	   "naming the file: %s", err.text);
	exl_run_record_free(&r);
}

/* swap: /old... to /new... */
static char *swap(const char *s, void *arg)
{
	char *n;

	(void)arg;
	if (strncmp(s, "/old", 4) != 0)
		return NULL;
	return asprintf(&n, "/new%s", s + 4) < 0 ? NULL : n;
}

static void test_map_strings(void)
{
	static const char t[] =
		"{\"state_dir\": \"/old/s\", \"config\": {\"snapshot\": \"/old/s/c\"},"
		" \"owned\": {\"W&B/local\": \"/old/w\"}, \"task\": \"keep/old\","
		" \"x\": {\"deep\": [\"/old/d\"]},"
		" \"jobs\": [{\"telemetry\": {\"p\": \"/old/t\"}}]}";
	struct exl_run_record r;
	struct exl_err err;
	char *text;

	is_int(exl_run_record_parse(&r, t, strlen(t), "m", &err), 0, "parsed");
	is_int(exl_run_record_map_strings(&r, swap, NULL), 0, "strings mapped");
	text = exl_run_record_render(&r, NULL);
	ok(text && !strstr(text, "\"/old") && strstr(text, "\"/new/s/c\"") &&
	   strstr(text, "\"/new/w\"") && strstr(text, "\"/new/d\"") &&
	   strstr(text, "\"/new/t\"") && strstr(text, "\"keep/old\""),
	   "every string value, known, mapped or kept");
	free(text);
	exl_run_record_free(&r);
}

int main(void)
{
	char dir[256];

	if (!tmpdir_make(dir, sizeof(dir)))
		return 1;
	test_old_file();
	test_unknown_and_null();
	test_refused();
	test_build_and_files(dir);
	test_map_strings();
	tmpdir_remove(dir);
	return done_testing();
}
