/* Unit tests: default and configured progress patterns, JSON lines. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watch/progress.h"
#include "tap.h"

#define NONE -1.0	/* "no value" in the table below */

static const struct {
	const char *line;
	long long step;		/* -1: none */
	double loss, val;	/* NONE: none */
} forms[] = {
	{ "step 1200 loss 0.085", 1200, 0.085, NONE },
	{ "step=1200, loss=0.085", 1200, 0.085, NONE },
	{ "Step: 1200 | train_loss: 0.085 | val_loss: 0.09", 1200, 0.085, 0.09 },
	{ "iter 5 loss 1.2", 5, 1.2, NONE },
	{ "Iteration: 12, Loss = 3.5e-2", 12, 0.035, NONE },
	{ "global_step=77 loss=0.1", 77, 0.1, NONE },
	{ "Epoch [1/10], Step [100/600], Loss: 2.2100", 100, 2.21, NONE },
	{ "step 100: train loss 4.2345, val loss 4.2501", 100, 4.2345, 4.2501 },
	{ "val loss 0.31 loss 0.25", -1, 0.25, 0.31 },
	{ "val_loss: 0.3", -1, NONE, 0.3 },
	{ "eval/loss=0.4 test-loss 0.5", -1, NONE, 0.4 },
	{ "Validation Loss: 0.77", -1, NONE, 0.77 },
	{ "Test set: Average loss: 0.0330, Accuracy: 9890/10000", -1, NONE, 0.033 },
	{ "{'loss': 0.5123, 'grad_norm': 1.2, 'learning_rate': 4.9e-05, 'epoch': 0.1}",
	  -1, 0.5123, NONE },
	{ "{'eval_loss': 0.45, 'eval_runtime': 1.2}", -1, NONE, 0.45 },
	{ " 45%|\xe2\x96\x88\xe2\x96\x88\xe2\x96\x8c       | 450/1000 [00:10<00:12, 45.0it/s, loss=0.523]",
	  450, 0.523, NONE },
	{ "Epoch 0:  45%|####5     | 450/1000 [00:10<00:12, v_num=0, train_loss=0.52, val_loss=0.61]",
	  450, 0.52, 0.61 },
	{ "| epoch   1 |   200/ 2983 batches | lr 5.00 | loss  7.60 | ppl  2000",
	  -1, 7.6, NONE },
	{ "[step 3] total_loss: 2", 3, 2, NONE },
	{ "step 7 loss -1.5", 7, -1.5, NONE },
	{ "loss 1e-4", -1, 1e-4, NONE },
	{ "loss info: ok", -1, NONE, NONE },
	{ "reducing loss scale to 32768", -1, NONE, NONE },
	{ "val_loss_scale 5", -1, NONE, NONE },
	{ "max_steps=10000 warmup_steps: 100", -1, NONE, NONE },
	{ "Training for 10000 steps", -1, NONE, NONE },
	{ "substep 5 lossy 0.3", -1, NONE, NONE },
	{ "step 99999999999999999999999 loss 0.5", -1, 0.5, NONE },
	{ "val ok, train loss 0.5", -1, 0.5, NONE },
};

static int same(double got, double want)
{
	return fabs(got - want) <= 1e-12 * fabs(want);
}

static void test_forms(const struct exl_patterns *pat)
{
	struct exl_line_facts f;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		exl_patterns_match(pat, forms[i].line, &f);
		ok(f.have_step == (forms[i].step >= 0) &&
		   (!f.have_step || f.step == forms[i].step) &&
		   f.have_loss == (forms[i].loss != NONE) &&
		   (!f.have_loss || same(f.loss, forms[i].loss)) &&
		   f.have_val == (forms[i].val != NONE) &&
		   (!f.have_val || same(f.val, forms[i].val)),
		   "pattern form: %s", forms[i].line);
		if (f.have_step != (forms[i].step >= 0) ||
		    f.have_loss != (forms[i].loss != NONE) ||
		    f.have_val != (forms[i].val != NONE))
			diag("got step %d:%lld loss %d:%g val %d:%g",
			     f.have_step, f.step, f.have_loss, f.loss,
			     f.have_val, f.val);
	}
	ok(exl_patterns_match(pat, "step 5 loss nan", &f) && f.have_loss &&
	   isnan(f.loss), "loss nan is read (and counted later)");
	ok(exl_patterns_match(pat, "loss: inf", &f) && f.have_loss &&
	   isinf(f.loss), "loss inf is read");
}

static void test_jsonl(void)
{
	struct exl_line_facts f;
	char deep[200];
	int i;

	ok(exl_jsonl_match("{\"step\": 1200, \"loss\": 0.085, \"val_loss\": 0.09}",
			   47, &f) && f.have_step && f.step == 1200 &&
	   f.have_loss && f.loss == 0.085 && f.have_val && f.val == 0.09,
	   "JSON line: step, loss, val_loss");
#define J(s) s, strlen(s), &f
	ok(exl_jsonl_match(J("{\"_step\": 3, \"train_loss\": 1.5}")) &&
	   f.step == 3 && f.loss == 1.5 && !f.have_val, "_step, train_loss");
	ok(exl_jsonl_match(J("{\"global_step\": 4, \"_step\": 99, \"train/loss\": 2}")) &&
	   f.step == 4 && f.loss == 2, "global_step preferred over _step, train/loss");
	ok(exl_jsonl_match(J("{\"iteration\": 5, \"eval_loss\": 0.7}")) &&
	   f.step == 5 && !f.have_loss && f.val == 0.7, "iteration, eval_loss");
	ok(exl_jsonl_match(J("  {\"step\": 6.0, \"val/loss\": 0.6}")) &&
	   f.have_step && f.step == 6 && f.val == 0.6,
	   "integral float step, val/loss, leading blanks");
	ok(exl_jsonl_match(J("{\"step\": -4, \"loss\": 1}")) && !f.have_step &&
	   f.have_loss, "negative step ignored");
	ok(exl_jsonl_match(J("{\"step\": 2.5, \"loss\": 1}")) && !f.have_step,
	   "fractional step ignored");
	ok(!exl_jsonl_match(J("{\"loss\": \"0.5\", \"step\": \"3\"}")),
	   "strings are not numbers");
	ok(!exl_jsonl_match(J("{\"lr\": 0.1}")), "no known key");
	ok(!exl_jsonl_match(J("[1, 2]")), "array is not a record");
	ok(!exl_jsonl_match(J("{\"step\": 1, \"loss\": ")), "truncated JSON");
	ok(exl_jsonl_match(J("{\"loss\": NaN}")) && f.have_loss && isnan(f.loss),
	   "NaN in JSON is read (and counted later)");
	strcpy(deep, "{\"a\":");
	for (i = 0; i < 60; i++)
		strcat(deep, "[");
	strcat(deep, "1");
	for (i = 0; i < 60; i++)
		strcat(deep, "]");
	strcat(deep, ", \"loss\": 1}");
	ok(!exl_jsonl_match(deep, strlen(deep), &f), "nesting bomb refused");
#undef J
}

static void test_configured(void)
{
	static const char *const errs[] = { "FATAL", "boom[0-9]" };
	static const char *const bad_err[] = { "(" };
	struct exl_patterns pat;
	struct exl_line_facts f;
	struct exl_err err;

	ok(exl_patterns_compile(&pat, "^it ([0-9]+)", "L=" EXL_PAT_NUMBER, "",
				errs, 2, &err) == 0, "custom patterns compile");
	ok(exl_patterns_match(&pat, "it 42 L=0.5 val_loss 3", &f) &&
	   f.step == 42 && f.loss == 0.5 && !f.have_val,
	   "custom step and loss; val switched off");
	ok(!exl_patterns_match(&pat, "x it 42", &f), "anchored pattern");
	is_int(exl_patterns_error(&pat, "boom7 here"), 1, "custom error pattern");
	is_int(exl_patterns_error(&pat, "Traceback"), -1, "defaults replaced");
	exl_patterns_free(&pat);

	ok(exl_patterns_compile(&pat, "step [0-9]+", NULL, NULL, NULL, 0,
				&err) < 0 && strstr(err.text, "step pattern") &&
	   strstr(err.text, "capture group"), "no group: %s", err.text);
	ok(exl_patterns_compile(&pat, NULL, "loss ([0-9]", NULL, NULL, 0,
				&err) < 0 && strstr(err.text, "loss pattern"),
	   "bad regex: %s", err.text);
	ok(exl_patterns_compile(&pat, NULL, NULL, NULL, bad_err, 1, &err) < 0 &&
	   strstr(err.text, "error pattern"), "bad error regex: %s", err.text);
	ok(exl_patterns_compile(&pat, NULL, NULL, NULL, errs, 0, &err) == 0 &&
	   pat.n_errors == 0, "no error patterns when asked");
	exl_patterns_free(&pat);
}

int main(void)
{
	struct exl_patterns pat;
	struct exl_err err;

	if (!ok(exl_patterns_default(&pat, &err) == 0, "defaults compile"))
		diag("%s", err.text);
	test_forms(&pat);
	is_int(exl_patterns_error(&pat, "torch.OutOfMemoryError: CUDA out of memory."),
	       0, "OOM is an error");
	is_int(exl_patterns_error(&pat, "/var/spool/slurm_script: line 5: 123 Killed python t.py"),
	       3, "Killed is an error");
	is_int(exl_patterns_error(&pat, "killed 3 zombies"), -1,
	       "error patterns are case-sensitive");
	is_int(exl_patterns_error(&pat, "slurmstepd: error: Detected 1 oom-kill event(s)"),
	       4, "oom-kill");
	exl_patterns_free(&pat);
	test_jsonl();
	test_configured();
	return done_testing();
}
