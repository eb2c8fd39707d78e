/* Unit tests: option values and their error messages. */
#include <stdlib.h>
#include <string.h>

#include "opts/options.h"
#include "tap.h"

int main(void)
{
	struct exl_opts o = { 0 };
	struct exl_err err;
	char *m;
	const struct exl_option_desc *d;
	int n = 0;

	m = exl_parse_mode("replication", &err);
	is_str(m, "replication", "replication");
	free(m);
	m = exl_parse_mode("experiment", &err);
	is_str(m, "experiment", "experiment");
	free(m);
	m = exl_parse_mode("pipeline", &err);
	is_str(m, "pipeline", "pipeline");
	free(m);
	m = exl_parse_mode("pipeline:data generation", &err);
	is_str(m, "pipeline (data generation)", "pipeline with subtype");
	free(m);
	m = exl_parse_mode("foo", &err);
	ok(!m, "foo refused");
	is_str(err.text, "exp-log: --exp-mode: invalid value 'foo': use replication, experiment or pipeline[:SUBTYPE]",
	       "error names the option and the fix");
	ok(!exl_parse_mode("pipeline:", &err) && strstr(err.text, "subtype"),
	   "empty subtype refused");
	ok(!exl_parse_mode("Experiment", &err), "case matters");
	ok(!exl_parse_mode("", &err) && strstr(err.text, "empty"),
	   "empty mode refused");

	ok(exl_opts_set(&o, EXL_OPT_LOG, NULL, &err) == 0 && o.enabled &&
	   !o.dir, "--exp-log without DIR");
	ok(exl_opts_set(&o, EXL_OPT_LOG, "/scratch/logs", &err) == 0 &&
	   strcmp(o.dir, "/scratch/logs") == 0, "--exp-log=DIR");
	ok(exl_opts_set(&o, EXL_OPT_LOG, "", &err) == 0 && !o.dir,
	   "empty DIR as forwarded by Slurm means the default");
	ok(exl_opts_set(&o, EXL_OPT_LOG, "(null)", &err) == 0 && !o.dir,
	   "\"(null)\" as seen by the epilog means the default");
	ok(exl_opts_set(&o, EXL_OPT_LOG, "other", &err) == 0 &&
	   strcmp(o.dir, "other") == 0, "later value wins (#SBATCH then CLI)");
	ok(exl_opts_set(&o, EXL_OPT_GROUP, "arx5", &err) == 0, "group");
	ok(exl_opts_set(&o, EXL_OPT_GROUP, "../etc", &err) < 0 &&
	   strstr(err.text, "--exp-group: invalid name"), "bad group: %s", err.text);
	is_str(o.group, "arx5", "refused value leaves the old one");
	ok(exl_opts_set(&o, EXL_OPT_MODE, "pipeline:embeddings", &err) == 0 &&
	   strcmp(o.run_type, "pipeline (embeddings)") == 0, "mode stored");
	ok(exl_opts_set(&o, EXL_OPT_OBJECTIVE, "two\nlines", &err) < 0 &&
	   strstr(err.text, "one line"), "newline refused");
	ok(exl_opts_set(&o, EXL_OPT_OBJECTIVE, "check lr", &err) == 0,
	   "objective");
	ok(exl_opts_set(&o, EXL_OPT_CONFIG, "", &err) < 0 &&
	   strstr(err.text, "--exp-config: empty value"), "empty config refused");
	ok(exl_opts_set(&o, EXL_OPT_DATASET, "https://example.org/d.tar", &err) == 0,
	   "dataset URL");
	ok(exl_opts_set(&o, EXL_OPT_TASK, "train_front", &err) == 0, "task");
	ok(exl_opts_set(&o, EXL_OPT_TASK, "bad name/x", &err) < 0 &&
	   strstr(err.text, "--exp-task: invalid name 'bad name/x'") &&
	   strstr(err.text, "(e.g. --exp-task=bad_name_x)"),
	   "a task that would be changed is refused, not changed: %s", err.text);
	is_str(o.task, "train_front", "the refused task leaves the old one");
	ok(exl_opts_set(&o, EXL_OPT_TASK, ".hidden", &err) < 0,
	   "a leading dot is refused");
	{
		char big[2000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ok(exl_opts_set(&o, EXL_OPT_OBJECTIVE, big, &err) < 0 &&
		   strstr(err.text, "longer than"), "overlong value refused");
	}
	ok(exl_opts_set(&o, EXL_OPT_RESUME, NULL, &err) == 0 && o.resume &&
	   !o.resume_log, "--exp-resume without a run log");
	ok(exl_opts_set(&o, EXL_OPT_RESUME, "g/2026-01-01_t.md", &err) == 0 &&
	   strcmp(o.resume_log, "g/2026-01-01_t.md") == 0, "--exp-resume=RUNLOG");
	ok(exl_opts_set(&o, EXL_OPT_STATUS_INTERVAL, "30m", &err) == 0 &&
	   o.status_interval == 1800 && o.status_interval_set, "interval 30m");
	ok(exl_opts_set(&o, EXL_OPT_STATUS_INTERVAL, "off", &err) == 0 &&
	   o.status_interval == 0, "interval off");
	ok(exl_opts_set(&o, EXL_OPT_STATUS_INTERVAL, "soon", &err) < 0 &&
	   strcmp(err.text, "exp-log: --exp-status-interval: invalid duration 'soon': give seconds, e.g. 90, 30m or 2h, or off") == 0,
	   "bad interval: %s", err.text);
	ok(exl_opts_set(&o, EXL_OPT_SP, "seed=1,lr=0.001", &err) == 0 &&
	   strcmp(o.statepoints, "seed=1,lr=0.001") == 0, "statepoints");
	ok(exl_opts_set(&o, EXL_OPT_SP, "seed", &err) < 0 &&
	   strstr(err.text, "use key=value"), "statepoint without value");
	ok(exl_opts_set(&o, EXL_OPT_SP, "a=1=2", &err) < 0, "'=' in value");
	ok(exl_opts_set(&o, EXL_OPT_SP, "a b=1", &err) < 0 &&
	   strstr(err.text, "invalid key character"), "bad key");
	ok(exl_opts_set(&o, EXL_OPT_SP, "a=1,", &err) < 0, "trailing comma");
	ok(exl_opts_set(&o, EXL_OPT_HASH_DATA, NULL, &err) == 0 && o.hash_data,
	   "--exp-hash-data");
	{
		static const struct { const char *in; long out; } dur[] = {
			{ "90", 90 }, { "90s", 90 }, { "2m", 120 }, { "2h", 7200 },
			{ "1d", 86400 }, { "0", 0 }, { "off", 0 },
			{ "-5", -1 }, { "5x", -1 }, { "m", -1 }, { "", -1 },
			{ "99999999999", -1 }, { "9999d", -1 },
		};

		for (size_t i = 0; i < sizeof(dur) / sizeof(dur[0]); i++)
			is_int(exl_parse_duration("x", dur[i].in, 1, &err),
			       dur[i].out, "duration '%s'", dur[i].in);
		ok(exl_parse_duration("x", "off", 0, &err) < 0, "off not allowed");
		ok(exl_parse_duration("x", "0", 0, &err) < 0, "0 not allowed");
	}
	ok(exl_opts_set(&o, EXL_OPT_WANDB, "offline", &err) == 0 &&
	   strcmp(o.wandb, "offline") == 0, "--exp-wandb=offline");
	ok(exl_opts_set(&o, EXL_OPT_WANDB, "online", &err) < 0 &&
	   strstr(err.text, "use offline or disabled"), "online refused: no internet on nodes");
	ok(exl_opts_set(&o, EXL_OPT_WANDB_PROJECT, "team/vision", &err) == 0 &&
	   strcmp(o.wandb_entity, "team") == 0 &&
	   strcmp(o.wandb_project, "vision") == 0, "entity/project");
	ok(exl_opts_set(&o, EXL_OPT_WANDB_PROJECT, "solo", &err) == 0 &&
	   !o.wandb_entity && strcmp(o.wandb_project, "solo") == 0, "project only");
	ok(exl_opts_set(&o, EXL_OPT_WANDB_PROJECT, "a/b/c", &err) < 0 &&
	   exl_opts_set(&o, EXL_OPT_WANDB_PROJECT, "/b", &err) < 0 &&
	   exl_opts_set(&o, EXL_OPT_WANDB_PROJECT, "a b", &err) < 0,
	   "bad projects refused");
	ok(exl_opts_set(&o, EXL_OPT_TELEMETRY, "10", &err) == 0 &&
	   o.telemetry == 10 && o.telemetry_set, "--exp-telemetry=10");
	ok(exl_opts_set(&o, EXL_OPT_TELEMETRY, "off", &err) == 0 &&
	   o.telemetry == 0, "--exp-telemetry=off");
	ok(exl_opts_set(&o, EXL_OPT_TELEMETRY, "fast", &err) < 0 &&
	   strncmp(err.text, "exp-log: --exp-telemetry: invalid value 'fast'", 46) == 0,
	   "bad interval: %s", err.text);
	ok(!o.report_off, "the HTML page is on by default");
	ok(exl_opts_set(&o, EXL_OPT_REQUEUE, NULL, &err) == 0 &&
	   o.requeue_max == EXL_REQUEUE_DEFAULT, "--exp-requeue: the default");
	ok(exl_opts_set(&o, EXL_OPT_REQUEUE, "(null)", &err) == 0 &&
	   o.requeue_max == EXL_REQUEUE_DEFAULT, "--exp-requeue in the epilog");
	ok(exl_opts_set(&o, EXL_OPT_REQUEUE, "3", &err) == 0 &&
	   o.requeue_max == 3, "--exp-requeue=3");
	ok(exl_opts_set(&o, EXL_OPT_REQUEUE, "0", &err) < 0 &&
	   strstr(err.text, "--exp-requeue: invalid value '0': give the most requeues, 1-1000") != NULL,
	   "--exp-requeue=0 refused: %s", err.text);
	ok(exl_opts_set(&o, EXL_OPT_REQUEUE, "3x", &err) < 0,
	   "--exp-requeue=3x refused");
	ok(exl_opts_set(&o, EXL_OPT_REPORT, "off", &err) == 0 && o.report_off,
	   "--exp-report=off");
	ok(exl_opts_set(&o, EXL_OPT_REPORT, "on", &err) == 0 && !o.report_off,
	   "--exp-report=on");
	ok(exl_opts_set(&o, EXL_OPT_REPORT, "yes", &err) < 0 &&
	   strcmp(err.text, "exp-log: --exp-report: invalid value 'yes': "
		  "use on or off") == 0, "--exp-report=yes refused: %s",
	   err.text);
	exl_opts_free(&o);
	ok(!o.enabled && !o.dir, "free resets");

	for (d = exl_option_table; d->name; d++) {
		ok(strncmp(d->name, "exp-", 4) == 0 && d->usage &&
		   strncmp(d->usage, "[exp-log]", 9) == 0,
		   "--%s is namespaced and tagged", d->name);
		n++;
	}
	is_int(n, 17, "seventeen options");
	ok(exl_option_by_id(EXL_OPT_LOG)->has_arg == 2, "--exp-log DIR optional");
	return done_testing();
}
