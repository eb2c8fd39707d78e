/* Unit tests: experiments.md maintenance and markdown table rows. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstore/experiments.h"
#include "util/fileio.h"
#include "util/mdtable.h"
#include "tap.h"
#include "testdir.h"

static struct exl_err err;
static int changed;

static char *up(const char *text, const char *run, const char *desc,
		const char *metric, const char *status, const char *prev)
{
	struct exl_experiment_row row = { run, desc, metric, status, NULL, NULL, 0 };
	char *out = exl_experiments_upsert(text, NULL, &row, prev, &changed,
					   &err);

	if (!out)
		diag("upsert: %s", err.text);
	return out;
}

static void test_rows(void)
{
	struct exl_md_row r;
	char *s;

	ok(exl_md_row_parse("  | a | b \\| c |d|", &r) == 0 && r.n == 3 &&
	   strcmp(r.cells[1], "b \\| c") == 0 && strcmp(r.cells[2], "d") == 0,
	   "row split at unescaped pipes");
	s = exl_md_row_render(&r);
	is_str(s, "| a | b \\| c | d |", "rendered again");
	free(s);
	exl_md_row_free(&r);
	ok(exl_md_row_parse("| a | b", &r) == 0 && r.n == 2, "no closing pipe");
	exl_md_row_free(&r);
	is_int(exl_md_row_parse("a | b", &r), 1, "not a row");
	ok(exl_md_row_parse("|:---|--:| - |", &r) == 0 &&
	   exl_md_row_is_separator(&r), "delimiter row");
	exl_md_row_free(&r);
	ok(exl_md_row_parse("| run | --- |", &r) == 0 &&
	   !exl_md_row_is_separator(&r), "header is no delimiter");
	exl_md_row_free(&r);
	s = exl_md_cell_escape(" a|b\nc\td ", 100);
	is_str(s, "a\\|b c d", "cell escape");
	free(s);
	s = exl_md_cell_text(" a\\|b ");
	is_str(s, "a|b", "cell text");
	free(s);
}

static void test_new_file(void)
{
	struct exl_experiment_row row = { "2026-03-11_train_baseline",
		"front cam, default LR", "val_loss 0.028", "running", "first", NULL,
		0 };
	char *t;

	t = exl_experiments_upsert(NULL, "Arx5 Multitask", &row, NULL, &changed,
				   &err);
	is_str(t, "# Arx5 Multitask Experiments\n\n"
	       "| run | description | metric | status | notes |\n"
	       "|-----|------|------|------|------|\n"
	       "| [2026-03-11_train_baseline](2026-03-11_train_baseline.md) | "
	       "front cam, default LR | val_loss 0.028 | running | first |\n",
	       "new file with title, header, delimiter and the row");
	ok(changed, "changed");
	free(t);
	row.notes = NULL;
	t = exl_experiments_upsert("  \n", NULL, &row, NULL, &changed, &err);
	ok(t && strncmp(t, "# Experiments\n\n| run |", 22) == 0 &&
	   strstr(t, "| running | |\n"), "blank file: default title");
	free(t);
	row.run = NULL;
	ok(!exl_experiments_upsert(NULL, NULL, &row, NULL, &changed, &err) &&
	   strstr(err.text, "run"), "a row needs its run");
}

static void test_ownership(void)
{
	char *a, *b, *c, *d, *e, *f;

	a = up(NULL, "r1", "lr 1e-3", "", "running", NULL);
	b = up(a, "r2", "lr 5e-4", "", "running", NULL);
	ok(strstr(b, "| [r1](r1.md) | lr 1e-3 | | running | |\n"
		  "| [r2](r2.md) | lr 5e-4 | | running | |\n") != NULL,
	   "second run appended after the first");
	c = up(b, "r1", "lr 1e-3", "val_loss 0.028", "completed", "running");
	ok(changed && strstr(c, "| [r1](r1.md) | lr 1e-3 | val_loss 0.028 | "
			     "completed | |\n"), "machine status replaced");
	ok(strstr(c, "| [r2](r2.md) | lr 5e-4 | | running | |\n") != NULL,
	   "other row untouched");
	/* a person records a verdict and a note, moves r2 up, pads a cell */
	d = strdup("# Experiments\n\nintro by hand\n\n"
	       "| run | description | metric | status | notes |\n"
	       "|-----|------|------|------|------|\n"
	       "| [r2](r2.md) |   moved up by hand   | | running | |\n"
	       "| [r1](r1.md) | lr 1e-3 | val_loss 0.028 | keep | baseline |\n"
	       "\nafter the table\n");
	e = up(d, "r1", "lr 1e-3 (rerun)", "val_loss 0.026", "failed (exit 1)",
	       "completed");
	is_str(e, "# Experiments\n\nintro by hand\n\n"
	       "| run | description | metric | status | notes |\n"
	       "|-----|------|------|------|------|\n"
	       "| [r2](r2.md) |   moved up by hand   | | running | |\n"
	       "| [r1](r1.md) | lr 1e-3 (rerun) | val_loss 0.026 | keep | baseline |\n"
	       "\nafter the table\n",
	       "human status and notes kept, order kept, machine cells rewritten");
	f = up(e, "r1", "lr 1e-3 (rerun)", "val_loss 0.026", "failed (exit 1)",
	       "completed");
	ok(!changed && strcmp(e, f) == 0, "same values: no change");
	free(f);
	f = up(e, "r3", "new", "n/a", "running", NULL);
	ok(strstr(f, "| [r1](r1.md) | lr 1e-3 (rerun) | val_loss 0.026 | keep | "
		  "baseline |\n| [r3](r3.md) | new | n/a | running | |\n\n"
		  "after the table\n") != NULL, "new row after the last row");
	free(f);
	f = up(e, "r2", NULL, "0.5", NULL, NULL);
	ok(strstr(f, "| [r2](r2.md) | moved up by hand | 0.5 | running | |\n") != NULL,
	   "NULL description and status leave those cells");
	free(f);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}

static void test_human_table(void)
{
	const char *seed =
		"# Experiments\n"
		"| run | description | val_loss | status | notes |\n"
		"|-----|-------------|----------|--------|-------|\n"
		"| train_baseline_2026-03-11 | front cam, default LR | 0.028 | keep | baseline |\n"
		"| `train_lr_sweep_2026-03-12` | LR 1e-3 -> 5e-4 | 0.025 | | small \\| improvement |\n"
		"| train_both_cams_2026-03-13.md | front + wrist | 0.031 | discard | worse |\n";
	char *t;

	t = up(seed, "train_lr_sweep_2026-03-12", "LR 1e-3 -> 5e-4", "0.024",
	       "completed", NULL);
	is_str(t, "# Experiments\n"
	       "| run | description | val_loss | status | notes |\n"
	       "|-----|-------------|----------|--------|-------|\n"
	       "| train_baseline_2026-03-11 | front cam, default LR | 0.028 | keep | baseline |\n"
	       "| `train_lr_sweep_2026-03-12` | LR 1e-3 -> 5e-4 | 0.024 | completed | small \\| improvement |\n"
	       "| train_both_cams_2026-03-13.md | front + wrist | 0.031 | discard | worse |\n",
	       "hand-written table: val_loss is the metric, `stem` is a key, "
	       "empty status filled, escaped pipe kept");
	free(t);
	t = up(seed, "train_both_cams_2026-03-13", "a|b", "0.03", "completed",
	       "running");
	ok(strstr(t, "| train_both_cams_2026-03-13.md | a\\|b | 0.03 | discard | worse |\n"),
	   "stem.md is a key; pipes escaped; verdict kept");
	free(t);
}

static void test_malformed(void)
{
	char *t, *long_desc;

	t = up("| run | description | metric | status | notes |\n"
	       "| r1 | one | 1 | | |\n", "r1", "one", "2", "completed", NULL);
	is_str(t, "| run | description | metric | status | notes |\n"
	       "|-----|------|------|------|------|\n"
	       "| r1 | one | 2 | completed | |\n",
	       "missing delimiter row put back");
	free(t);
	t = up("| Run | Description | Status | Notes |\n|:---|---|---|---|\n"
	       "| r1 | x |\n| r2 | y | ok | n | extra |\n",
	       "r1", "x", "0.5", "done", NULL);
	is_str(t, "| Run | Description | Status | Notes | metric |\n"
	       "| :--- | --- | --- | --- | --- |\n"
	       "| r1 | x | done | | 0.5 |\n"
	       "| r2 | y | ok | n | extra |\n",
	       "missing column appended; short row padded; long row kept");
	free(t);
	t = up("| run | description | metric | status | wandb |\n|---|---|---|---|---|\n"
	       "| r1 | x | 1 | a | link |\n", "r1", "x", "2", "b", NULL);
	is_str(t, "| run | description | metric | status | wandb | notes |\n"
	       "| --- | --- | --- | --- | --- | --- |\n"
	       "| r1 | x | 2 | a | link |\n",
	       "a person's extra column is never taken as the metric");
	free(t);
	t = up("notes\n```\n| run | a |\n```\n", "r1", "x", "1", "s", NULL);
	is_str(t, "notes\n```\n| run | a |\n```\n\n"
	       "| run | description | metric | status | notes |\n"
	       "|-----|------|------|------|------|\n"
	       "| [r1](r1.md) | x | 1 | s | |\n",
	       "table in a code block ignored; new table appended");
	free(t);
	long_desc = malloc(1000);
	memset(long_desc, 'd', 999);
	long_desc[999] = '\0';
	t = up(NULL, "r1", long_desc, "1", "s", NULL);
	ok(t && strstr(t, "ddd… |") && strlen(t) < 700, "long cell cut with …");
	free(t);
	free(long_desc);
}

static void test_plain(void)
{
	struct exl_experiment_row row = { "2026-03-11_a", "x", "val_loss 1",
					  "open", NULL, NULL, 1 };
	char *t, *u;

	t = exl_experiments_upsert(NULL, "Arx5", &row, NULL, &changed, &err);
	is_str(t, "# Arx5 Experiments\n\n"
	       "| run | description | metric | status | notes |\n"
	       "|-----|-------------|--------|--------|-------|\n"
	       "| 2026-03-11_a | x | val_loss 1 | open |  |\n",
	       "plain: bare stem, padded empty cell, delimiter as wide as the header");
	row.status = "completed";
	u = exl_experiments_upsert(t, "Arx5", &row, "open", &changed, &err);
	ok(changed && strstr(u, "\n| 2026-03-11_a | x | val_loss 1 | completed |  |\n"),
	   "plain: a rewritten row keeps empty cells padded");
	free(u);
	free(t);
	t = up(NULL, "r1", "d", "m", "completed", NULL);
	row.run = "r2";
	u = exl_experiments_upsert(t, NULL, &row, NULL, &changed, &err);
	ok(strstr(u, "| [r1](r1.md) | d | m | completed | |\n"
		  "| r2 | x | val_loss 1 | completed |  |\n") != NULL,
	   "plain row in a plugin's table; the plugin's row untouched");
	free(u);
	free(t);
	t = exl_md_row_render_padded(&(struct exl_md_row){
		(char *[]){ "a", "", "b\\|" }, 3 });
	is_str(t, "| a |  | b\\| |", "padded rendering");
	free(t);
}

static void test_find(void)
{
	const char *text =
		"# E\n\n```\n| run | x |\n| r9 | y |\n```\n"
		"| Run | Status | Notes |\n|---|---|---|\n"
		"| [r1](r1.md) | keep \\| maybe | n |\n"
		"| `r2` | | |\n"
		"| r3.md |\n"
		"\n| r4 | after the table |\n";
	char *st = NULL;

	ok(exl_experiments_find(text, "r1", &st) == 1, "find: link");
	is_str(st, "keep | maybe", "find: the status cell as text");
	free(st);
	ok(exl_experiments_find(text, "r2", &st) == 1 && st && !*st,
	   "find: `stem`, empty status");
	free(st);
	ok(exl_experiments_find(text, "r3", &st) == 1 && st && !*st,
	   "find: stem.md, short row");
	free(st);
	ok(exl_experiments_find(text, "r", NULL) == 0 &&
	   exl_experiments_find(text, "r4", NULL) == 0 &&
	   exl_experiments_find(text, "r9", NULL) == 0,
	   "find: no prefix match, nothing after the table or in code");
	ok(exl_experiments_find("| run | status |\n| r1 | a |\n", "r1", &st) == 1 &&
	   strcmp(st, "a") == 0, "find: a table without its delimiter row");
	free(st);
	ok(exl_experiments_find(NULL, "r1", NULL) == 0 &&
	   exl_experiments_find("| r1 | x |\n", "r1", NULL) == 0,
	   "find: no table");
}

static void test_update_file(void)
{
	struct exl_experiment_row row = { "r1", "d", "m", "running", NULL, NULL,
					  0 };
	char *text = NULL;
	struct stat st1, st2;

	ok(exl_experiments_update(td_root, "Grp", &row, NULL, &err) == 0,
	   "file created");
	ok(exl_read_file(td_path("experiments.md"), 1 << 20, &text, NULL,
			 &err) == 0 && strncmp(text, "# Grp Experiments\n", 18) == 0,
	   "titled by the group");
	free(text);
	stat(td_path("experiments.md"), &st1);
	ok(exl_experiments_update(td_root, "Grp", &row, NULL, &err) == 0,
	   "same row again");
	stat(td_path("experiments.md"), &st2);
	ok(st1.st_ino == st2.st_ino, "unchanged file not rewritten");
	row.status = "completed";
	ok(exl_experiments_update(td_root, "Grp", &row, "running", &err) == 0 &&
	   exl_read_file(td_path("experiments.md"), 1 << 20, &text, NULL,
			 &err) == 0 && strstr(text, "| m | completed |"),
	   "updated in place");
	free(text);
	mkdir(td_path("sub"), 0755);
	ok(symlink(td_path("experiments.md"), td_path("sub/experiments.md")) == 0 &&
	   exl_experiments_update(td_path("sub"), "Grp", &row, NULL, &err) < 0 &&
	   strstr(err.text, "symlink"), "symlinked file refused: %s", err.text);
}

/* test_statepoints: a sweep's statepoints as columns of their own. */
static void test_statepoints(void)
{
	struct exl_experiment_row row = { "r1", "d", "val_loss 0.5", "completed",
					  NULL, "lr=0.1,seed=1", 0 };
	char *t, *u, *v;

	t = exl_experiments_upsert(NULL, "Lrs", &row, NULL, &changed, &err);
	is_str(t, "# Lrs Experiments\n\n"
		  "| run | description | metric | status | notes | lr | seed |\n"
		  "|-----|------|------|------|------|---|---|\n"
		  "| [r1](r1.md) | d | val_loss 0.5 | completed | | 0.1 | 1 |\n",
	       "a column per statepoint");
	row.run = "r2";
	row.statepoints = "seed=2,bs=64,status=x";
	u = t ? exl_experiments_upsert(t, NULL, &row, NULL, &changed, &err) : NULL;
	ok(u && strstr(u, "| run | description | metric | status | notes | lr | seed | bs |\n"),
	   "a new statepoint appends its column");
	ok(u && strstr(u, "| [r2](r2.md) | d | val_loss 0.5 | completed | | | 2 | 64 |\n"),
	   "cells under their own columns; one named like a column is left out");
	row.run = "r1";
	row.statepoints = "lr=0.2,seed=1";
	v = u ? exl_experiments_upsert(u, NULL, &row, NULL, &changed, &err) : NULL;
	ok(v && changed && strstr(v, "| [r1](r1.md) | d | val_loss 0.5 | completed | | 0.2 | 1 |\n"),
	   "statepoint cells are the machine's: updated");
	free(t);
	free(u);
	free(v);
}

int main(void)
{
	if (td_init() < 0)
		return 1;
	test_rows();
	test_new_file();
	test_ownership();
	test_human_table();
	test_malformed();
	test_plain();
	test_find();
	test_update_file();
	test_statepoints();
	td_cleanup();
	return done_testing();
}
