/* Unit tests: sweep specs (grid expansion, ranges, zip, exclude, sample)
 * and their refusals, the task map, the array spec and the sbatch line;
 * chain specs, their refusals, stage lines and the chain file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sweep/sweep.h"
#include "sweep/sweep_argv.h"
#include "sweep/sweep_chain.h"
#include "sweep/sweep_discard.h"
#include "sweep/sweep_map.h"
#include "tap.h"

/* expand: parse text as "s.yaml" and expand it; -1 with err on refusal. */
static int expand(const char *text, struct exl_sweep_tasks *t,
		  struct exl_err *err)
{
	struct exl_sweep_spec s;
	int rc;

	memset(t, 0, sizeof(*t));
	exl_err_clear(err);
	if (exl_sweep_parse("s.yaml", text, strlen(text), &s, err) < 0)
		return -1;
	rc = exl_sweep_expand(&s, t, err);
	exl_sweep_free(&s);
	return rc;
}

/* refused: text is refused with a message starting with want. */
static void refused(const char *text, const char *want, const char *fix,
		    const char *what)
{
	struct exl_sweep_tasks t;
	struct exl_err err;
	int rc = expand(text, &t, &err);

	ok(rc < 0 && strncmp(err.text, want, strlen(want)) == 0 &&
	   strstr(err.text, fix) && !strchr(err.text, '\n'),
	   "refused: %s", what);
	if (rc == 0 || strncmp(err.text, want, strlen(want)) != 0 ||
	    !strstr(err.text, fix))
		diag("got: %s", rc < 0 ? err.text : "(accepted)");
	exl_sweep_tasks_free(&t);
}

static void test_grid(void)
{
	struct exl_sweep_tasks t;
	struct exl_err err;

	ok(expand("script: train.sh\n"
		  "grid:\n  lr: [0.1, 0.01, 0.001]\n"
		  "  seed: {from: 1, to: 4}\n", &t, &err) == 0, "3x4 grid");
	is_int(t.n, 12, "12 tasks");
	is_str(t.t[0].sp, "lr=0.1,seed=1", "first task: first values");
	is_str(t.t[1].sp, "lr=0.1,seed=2", "last axis moves fastest");
	is_str(t.t[11].sp, "lr=0.001,seed=4", "last task");
	is_str(t.t[5].name, "lr-0.01_seed-2", "task name from statepoints");
	is_int(t.t[11].index, 11, "indices 0..11");
	exl_sweep_tasks_free(&t);

	ok(expand("script: t.sh\ngrid: {a: [x, y], b: [1, 2]}\n"
		  "exclude:\n  - {a: x, b: 2}\n", &t, &err) == 0, "exclude");
	is_int(t.n, 3, "one combination excluded");
	is_str(t.t[1].sp, "a=y,b=1", "the rest renumbered");
	is_int(t.t[1].index, 1, "indices stay dense");
	exl_sweep_tasks_free(&t);

	ok(expand("script: t.sh\ngrid: {seed: [1, 2]}\n"
		  "zip:\n  - {model: [small, large], width: [64, 128]}\n",
		  &t, &err) == 0, "zip");
	is_int(t.n, 4, "2 seeds x 2 zipped pairs");
	is_str(t.t[1].sp, "seed=1,model=large,width=128", "zipped values move together");
	exl_sweep_tasks_free(&t);

	ok(expand("script: t.sh\ngrid: {x: {from: 0.1, to: 0.3, step: 0.1}}\n",
		  &t, &err) == 0, "float range");
	is_int(t.n, 3, "to is included");
	is_str(t.t[2].sp, "x=0.3", "values printed short");
	exl_sweep_tasks_free(&t);

	{
		struct exl_sweep_tasks u;
		const char *spec = "script: t.sh\ngrid: {a: {from: 1, to: 20}, b: [p, q]}\n"
				   "sample: {count: 5, seed: 7}\n";
		int same = 1;

		ok(expand(spec, &t, &err) == 0 && expand(spec, &u, &err) == 0,
		   "sample");
		is_int(t.n, 5, "count tasks drawn");
		for (size_t i = 0; i < t.n && i < u.n; i++)
			same &= strcmp(t.t[i].sp, u.t[i].sp) == 0;
		ok(same, "one seed, one draw");
		ok(strcmp(t.t[0].sp, "a=1,b=p") != 0 || strcmp(t.t[1].sp, "a=1,b=q") != 0,
		   "not simply the first combinations");
		exl_sweep_tasks_free(&t);
		exl_sweep_tasks_free(&u);
	}
}

static void test_refusals(void)
{
	refused("script: t.sh\ngrid: {a: [1]}\nthrotle: 4\n",
		"s.yaml:3: unknown key 'throtle'", "use script", "unknown key");
	refused("script: t.sh\ngrid: {}\n", "s.yaml:2: grid: empty",
		"give at least one", "empty grid");
	refused("script: t.sh\n", "s.yaml:1: grid: empty", "give at least one",
		"no grid");
	refused("script: t.sh\ngrid:\n  a: []\n", "s.yaml:3: grid: a has no values",
		"give a list", "axis without values");
	refused("script: t.sh\ngrid:\n"
		"  a: {from: 1, to: 100}\n  b: {from: 1, to: 100}\n"
		"  c: {from: 1, to: 1000}\n", "s.yaml:2: grid: more than 100000 combinations",
		"sweep fewer values", "10-million-task grid");
	refused("script: t.sh\ngrid:\n"
		"  a: {from: 1, to: 100}\n  b: {from: 1, to: 200}\n",
		"s.yaml:2: grid: 20000 tasks", "add sample", "over the task limit");
	refused("script: t.sh\ngrid:\n  learning rate: [1]\n",
		"s.yaml:3: grid: 'learning rate' is not a valid statepoint name",
		"use a letter", "statepoint name with a space");
	refused("script: t.sh\ngrid:\n  1lr: [1]\n",
		"s.yaml:3: grid: '1lr' is not a valid statepoint name",
		"use a letter", "statepoint name starting with a digit");
	refused("script: t.sh\ngrid:\n  a: ['x,y']\n", "s.yaml:3: grid: a: value 'x,y'",
		"use letters", "value with a comma");
	refused("script: t.sh\ngrid:\n  a: [x, x]\n", "s.yaml:3: grid: a: value 'x' listed twice",
		"keep one", "duplicate value");
	refused("script: t.sh\ngrid:\n  a: [x/y, x_y]\n", "s.yaml:2: grid: tasks",
		"same name", "two tasks with one name");
	refused("grid: {a: [1]}\n", "s.yaml:1: no script", "script: train.sh",
		"no script");
	refused("script: t.sh\ngrid: {a: [1]}\nsbatch:\n  array: 1-4\n",
		"s.yaml:4: sbatch: 'array' is set by sbatch-exp", "throttle",
		"sbatch array");
	refused("script: t.sh\ngrid: {a: [1]}\nexp:\n  mood: happy\n",
		"s.yaml:4: exp: unknown option 'mood'", "--exp-*", "unknown exp option");
	refused("script: t.sh\ngrid: {a: [1]}\nexp:\n  mode: fun\n",
		"s.yaml:4: exp: exp-log: --exp-mode", "replication", "bad exp value");
	refused("script: t.sh\ngrid: {a: [1]}\nthrottle: 0\n",
		"s.yaml:3: throttle: '0' is not a whole number", "give one",
		"throttle 0");
	refused("script: t.sh\ngrid: {a: [1, 2]}\nexclude:\n  - {a: 3}\n",
		"s.yaml:4: exclude: a has no value '3'", "use one of", "exclude unknown value");
	refused("script: t.sh\ngrid: {a: [1]}\nexclude:\n  - {a: 1}\n",
		"s.yaml:2: grid: every combination is excluded", "loosen", "all excluded");
	refused("script: t.sh\ngrid: {a: [1]}\nzip:\n  - {m: [a, b], w: [1]}\n",
		"s.yaml:4: zip: w has 1 values but m has 2", "one length", "zip lengths");
	refused("script: t.sh\ngrid: [a, b\n", "s.yaml:", "fix the YAML", "broken YAML");
	refused("script: t.sh\ngrid: {a: [1]}\nname: ../x\n",
		"s.yaml:3: name: '../x' is not a valid group name", "[A-Za-z0-9._-]",
		"bad sweep name");
}

static void test_map_and_argv(void)
{
	struct exl_sweep_spec s;
	struct exl_sweep_tasks t;
	struct exl_err err;
	char path[] = "/tmp/exl-sweep-XXXXXX", task[81], sp[256], env[64];
	const char *spec = "script: train.sh\nargs: [--epochs, '3 4']\nname: lrs\n"
			   "sbatch: {time: '00:05:00', exclusive: true}\n"
			   "exp: {mode: experiment, log: logs}\nthrottle: 4\n"
			   "grid: {lr: [0.1, 0.01], seed: [1, 2]}\n";
	unsigned idx[] = { 0, 1, 2, 5, 7, 8 };
	char *text, *line, *arr, **argv;
	FILE *f;
	int fd;

	ok(exl_sweep_parse("s.yaml", spec, strlen(spec), &s, &err) == 0 &&
	   exl_sweep_expand(&s, &t, &err) == 0, "full spec");
	if (t.n != 4) {
		diag("%s", err.text);
		return;
	}
	text = exl_sweep_map_text(&t);
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	ok(f && text && fputs(text, f) >= 0 && fclose(f) == 0, "map written");
	ok(exl_sweep_map_lookup(path, 2, task, sp, sizeof(sp), &err) == 0,
	   "task 2 found");
	is_str(task, "lr-0.01_seed-1", "its name");
	is_str(sp, "lr=0.01,seed=1", "its statepoints");
	ok(exl_sweep_map_lookup(path, 9, task, sp, sizeof(sp), &err) < 0 &&
	   strstr(err.text, "no task 9"), "no task 9");
	ok(exl_sweep_map_lookup("/nonexistent/map", 0, task, sp, sizeof(sp),
				&err) < 0, "missing map refused");
	unlink(path);
	free(text);

	exl_sweep_env_name("lr", env, sizeof(env));
	is_str(env, "EXP_SP_LR", "env name upper-cased");
	exl_sweep_env_name("a.b-c", env, sizeof(env));
	is_str(env, "EXP_SP_A_B_C", "'.' and '-' become '_'");

	arr = exl_sweep_array_spec(idx, 6, 4);
	is_str(arr, "0-2,5,7-8%4", "array spec with ranges and throttle");
	free(arr);
	arr = exl_sweep_array_spec(idx, 3, 0);
	is_str(arr, "0-2", "array spec without throttle");
	free(arr);

	argv = exl_sweep_argv(&s, "sbatch", "0-3%4", "/r/.exp-log/sweeps/m", 0);
	line = argv ? exl_sweep_argv_line(argv) : NULL;
	is_str(line, "sbatch --parsable --array=0-3%4 --job-name=lrs "
		     "--export=ALL,EXP_LOG_SWEEP=/r/.exp-log/sweeps/m "
		     "--time=00:05:00 --exclusive --exp-log=logs --exp-group=lrs "
		     "--exp-mode=experiment train.sh --epochs '3 4'",
	       "the sbatch line");
	is_str(exl_sweep_group(&s), "lrs", "group: the sweep's name");
	free(line);
	exl_sweep_argv_free(argv);
	exl_sweep_tasks_free(&t);
	exl_sweep_free(&s);
}

/* put: write text to dir/name. */
static void put(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_discards(void)
{
	char root[] = "/tmp/exl-discard-XXXXXX", g[512], cmd[600];
	const char *log = "# r\n\n## Config\n"
			  "- config: `/w/cfg.yaml` (sha256 `ab12`)\n"
			  "- statepoints: `lr=0.1,seed=1`\n";
	struct exl_discards d;

	ok(mkdtemp(root) != NULL, "temp root");
	snprintf(g, sizeof(g), "%s/lrs", root);
	ok(mkdir(g, 0755) == 0, "group dir");
	put(g, "2026-01-01_lr-0.1_seed-1.md", log);
	put(g, "2026-01-01_lr-0.1_seed-2.md", log);
	put(g, "experiments.md", "# Lrs Experiments\n\n"
	    "| run | description | metric | status | notes |\n"
	    "|-----|------|------|------|------|\n"
	    "| 2026-01-01_lr-0.1_seed-1 | x | - | Discard | diverged |\n"
	    "| 2026-01-01_lr-0.1_seed-2 | x | - | keep | |\n");
	ok(exl_sweep_discards(root, "lrs", &d) == 0, "discards read");
	is_int(d.n, 1, "one run marked discard");
	ok(exl_sweep_discarded(&d, "lr=0.1,seed=1", "ab12") != NULL,
	   "same statepoints and config: found");
	ok(!exl_sweep_discarded(&d, "lr=0.1,seed=1", "ffff"),
	   "another config: not the discarded run");
	ok(!exl_sweep_discarded(&d, "lr=0.1,seed=2", "ab12"),
	   "other statepoints: not the discarded run");
	exl_sweep_discards_free(&d);
	ok(exl_sweep_discards(root, "nogroup", &d) == 0 && d.n == 0,
	   "a group without experiments.md has none");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ok(system(cmd) == 0, "cleaned up");
}

/* chain_refused: the chain spec text is refused with want (a prefix). */
static void chain_refused(const char *text, const char *want, const char *what)
{
	struct exl_chain c;
	struct exl_err err;
	int rc;

	exl_err_clear(&err);
	rc = exl_chain_parse("c.yaml", text, strlen(text), &c, &err);
	ok(rc < 0 && strncmp(err.text, want, strlen(want)) == 0 &&
	   !strchr(err.text, '\n'), "chain refused: %s", what);
	if (rc == 0)
		exl_chain_free(&c);
	else if (strncmp(err.text, want, strlen(want)) != 0)
		diag("got: %s", err.text);
}

static void test_chain(void)
{
	const char *text =
		"name: pipe\n"
		"stages:\n"
		"  - name: prep\n"
		"    script: prep.sh\n"
		"    args: [--fast]\n"
		"  - script: train.sh\n"
		"    after: any\n"
		"    grid: {lr: [0.1, 0.01]}\n"
		"    throttle: 1\n"
		"  - name: eval\n"
		"    script: eval.sh\n"
		"    exp: {group: evals, sp: 'split=test'}\n";
	struct exl_stage_sub sub = { 1, NULL, "/r/.exp-log/chains/p.chain", 1 };
	char root[] = "/tmp/exl-chain-XXXXXX", path[512], dep[512], next[512];
	char *jobs[] = { "11", "12", "13" }, *ft, **argv, *line, cmd[600];
	struct exl_chain_file f;
	struct exl_chain c;
	struct exl_err err;
	FILE *fp;

	ok(exl_chain_parse("c.yaml", text, strlen(text), &c, &err) == 0,
	   "chain spec parsed");
	is_int(c.n, 3, "3 stages");
	is_str(c.name, "pipe", "chain name");
	is_str(c.st[1].name, "stage2", "a stage without name: is stageN");
	is_int(c.st[0].naxes, 0, "a stage without grid: is one job");
	is_int(c.st[1].naxes, 1, "a stage with grid: is an array");
	is_str(exl_chain_after(&c, 1), "afterany", "after: any");
	is_str(exl_chain_after(&c, 2), "afterok", "afterok by default");
	is_str(exl_sweep_group(&c.st[0]), "pipe", "group: the chain's name");
	is_str(exl_sweep_group(&c.st[2]), "evals", "unless exp: group says");

	argv = exl_sweep_stage_argv(&c.st[0], "sbatch", NULL, NULL, &sub);
	line = argv ? exl_sweep_argv_line(argv) : NULL;
	is_str(line, "sbatch --parsable --hold --job-name=prep "
		     "--export=ALL,EXP_LOG_CHAIN=/r/.exp-log/chains/p.chain,EXP_LOG_CHAIN_STAGE=1 "
		     "--exp-log --exp-group=pipe prep.sh --fast",
	       "stage 1: one job, held");
	free(line);
	exl_sweep_argv_free(argv);
	sub.hold = 0;
	sub.dependency = "afterany:11";
	sub.stage = 2;
	argv = exl_sweep_stage_argv(&c.st[1], "sbatch", "0-1%1", "/r/m", &sub);
	line = argv ? exl_sweep_argv_line(argv) : NULL;
	is_str(line, "sbatch --parsable --dependency=afterany:11 --array=0-1%1 "
		     "--job-name=stage2 "
		     "--export=ALL,EXP_LOG_SWEEP=/r/m,EXP_LOG_CHAIN=/r/.exp-log/chains/p.chain,EXP_LOG_CHAIN_STAGE=2 "
		     "--exp-log --exp-group=pipe train.sh",
	       "stage 2: an array waiting for stage 1");
	free(line);
	exl_sweep_argv_free(argv);

	ft = exl_chain_file_text(&c, jobs);
	is_str(ft, "# chain pipe\n1\t11\t-\tpipe\tprep\n"
		   "2\t12\tafterany\tpipe\tstage2\n3\t13\tafterok\tevals\teval\n",
	       "chain file text");
	ok(mkdtemp(root) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/p.chain", root);
	fp = fopen(path, "w");
	ok(fp && fputs(ft, fp) >= 0 && fclose(fp) == 0, "chain file written");
	free(ft);
	ok(exl_chain_file_read(path, &f, &err) == 0 && f.n == 3 &&
	   strcmp(f.e[2].group, "evals") == 0, "chain file read back");
	exl_chain_file_free(&f);
	ok(exl_chain_links(path, 1, dep, sizeof(dep), next, sizeof(next), &err) == 0,
	   "links of stage 1");
	is_str(dep, "", "stage 1 depends on nothing");
	is_str(next, "job 12 (stage 2 stage2 of chain pipe, afterany, group pipe)",
	       "stage 1 is needed by stage 2");
	ok(exl_chain_links(path, 3, dep, sizeof(dep), next, sizeof(next), &err) == 0,
	   "links of stage 3");
	is_str(dep, "afterok:12 (stage 2 stage2 of chain pipe, group pipe)",
	       "stage 3 depends on stage 2");
	is_str(next, "", "the last stage is needed by none");
	ok(exl_chain_links(path, 4, dep, sizeof(dep), next, sizeof(next), &err) < 0,
	   "no stage 4");
	put(root, "bad.chain", "# chain x\n1\t11\t-\tg\n");
	snprintf(path, sizeof(path), "%s/bad.chain", root);
	ok(exl_chain_file_read(path, &f, &err) < 0 && strstr(err.text, "bad.chain:2: malformed line"),
	   "a malformed chain file is refused with its line");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ok(system(cmd) == 0, "cleaned up");
	exl_chain_free(&c);

	chain_refused("stages:\n  - {script: a.sh}\n", "c.yaml:2: stages: a chain needs at least 2 stages",
		      "one stage");
	chain_refused("name: p\nstage:\n  - {script: a.sh}\n", "c.yaml:2: unknown key 'stage'",
		      "unknown top key");
	chain_refused("stages:\n  - {script: a.sh, after: ok}\n  - {script: b.sh}\n",
		      "c.yaml:2: after: the first stage waits for nothing", "after: on stage 1");
	chain_refused("stages:\n  - {script: a.sh}\n  - {script: b.sh, after: maybe}\n",
		      "c.yaml:3: after: 'maybe': use ok", "a bad after:");
	chain_refused("stages:\n  - {script: a.sh, name: x}\n  - {script: b.sh, name: x}\n",
		      "c.yaml:3: stage 2: name 'x' is stage 1's too", "two stages, one name");
	chain_refused("stages:\n  - {script: a.sh}\n  - {script: b.sh, grid: {lr: []}}\n",
		      "c.yaml:3: grid: lr has no values", "an empty axis in a stage");
	chain_refused("stages:\n  - {script: a.sh}\n  - {script: b.sh, sample: {count: 2}}\n",
		      "c.yaml:3: sample: the stage has no grid", "sample without grid");
	chain_refused("stages:\n  - {script: a.sh}\n  - {script: b.sh, exp: {sp: 'a b'}}\n",
		      "c.yaml:3: exp: exp-log: --exp-sp: invalid key", "a bad --exp-sp in a stage");
	chain_refused("stages:\n  - script: a.sh\n    grid: {\"bad name\": [1]}\n  - {script: b.sh}\n",
		      "c.yaml:3: grid: 'bad name' is not a valid statepoint name", "a bad statepoint name");
}

int main(void)
{
	test_grid();
	test_chain();
	test_refusals();
	test_map_and_argv();
	test_discards();
	return done_testing();
}
