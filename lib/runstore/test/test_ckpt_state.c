/* Unit tests: passport files beside a checkpoint. */
#include <stdio.h>

#include "runstore/ckpt_state.h"
#include "tap.h"
#include "tmpdir.h"

int main(void)
{
	/* a checkpoint directory and the SIGNOFF.json beside its passport */
	static const char *const signoffs[][2] = {
		{ "signed", "{\"verdict\": \"pass\", "
			    "\"signature\": {\"algorithm\": \"ed25519\"}}" },
		{ "soft", "{\"verdict\": \"soft_signal\", \"signature\": {}}" },
		{ "nokey", "{\"verdict\": \"pass\"}" },
		{ "nullsig", "{\"verdict\": \"pass\", \"signature\": null}" },
		{ "empty", "{}" },
		{ "odd", "{\"verdict\": \"fail\", \"signature\": {}}" },
		{ "torn", "{\"verdict\": \"pa" },
	};
	char d[256], out[4096], want[4200];
	size_t i;

	if (!tmpdir_make(d, sizeof(d)))
		return 1;
	tmpdir_put(d, "signed/w.bin", "x");
	for (i = 0; i < sizeof(signoffs) / sizeof(signoffs[0]); i++) {
		snprintf(out, sizeof(out), "%s/MODEL_PASSPORT.json",
			 signoffs[i][0]);
		tmpdir_put(d, out, "{}");
		snprintf(out, sizeof(out), "%s/SIGNOFF.json", signoffs[i][0]);
		tmpdir_put(d, out, signoffs[i][1]);
	}
	tmpdir_put(d, "half/MODEL_PASSPORT.json", "{}");
	tmpdir_put(d, "bare/w.bin", "x");

	is_int(exl_ckpt_state(NULL, d), EXL_CKPT_NA, "no checkpoint: n/a");
	is_int(exl_ckpt_state("_(filled when the job ends)_", d), EXL_CKPT_NA,
	       "placeholder: n/a");
	is_int(exl_ckpt_state("signed", d), EXL_CKPT_SIGNED, "relative dir, signed");
	is_int(exl_ckpt_state("`signed/w.bin` (step 9)", d), EXL_CKPT_SIGNED,
	       "a file: its directory; text after the path ignored");
	is_int(exl_ckpt_state("soft", d), EXL_CKPT_SIGNED,
	       "a soft_signal verdict, signed: signed");
	is_int(exl_ckpt_state("nokey", d), EXL_CKPT_UNSIGNED,
	       "a signoff without a signature (passport sign, no --key): unsigned");
	is_int(exl_ckpt_state("nullsig", d), EXL_CKPT_UNSIGNED,
	       "a null signature: unsigned");
	is_int(exl_ckpt_state("empty", d), EXL_CKPT_BAD, "no verdict: bad signoff");
	is_int(exl_ckpt_state("odd", d), EXL_CKPT_BAD,
	       "a verdict passport does not write: bad signoff");
	is_int(exl_ckpt_state("torn", d), EXL_CKPT_BAD, "not JSON: bad signoff");
	is_int(exl_ckpt_state("half/", d), EXL_CKPT_PASSPORT, "passport only");
	is_int(exl_ckpt_state("bare/w.bin", d), EXL_CKPT_NONE, "no passport");
	is_int(exl_ckpt_state("/nonexistent/ckpt", d), EXL_CKPT_NONE,
	       "not on this machine: none");
	ok(exl_ckpt_dir("bare/w.bin", d, out, sizeof(out)) == 0, "dir of a file");
	snprintf(want, sizeof(want), "%s/bare", d);
	is_str(out, want, "it is the file's directory");
	ok(exl_ckpt_dir("/abs/dir/", d, out, sizeof(out)) == 0 &&
	   strcmp(out, "/abs/dir") == 0, "absolute, trailing slash dropped");
	ok(exl_ckpt_dir("n/a", d, out, sizeof(out)) < 0, "n/a");
	ok(exl_ckpt_dir("/x", d, out, 2) < 0, "too long for out");
	is_str(exl_ckpt_state_name(EXL_CKPT_PASSPORT), "passport only", "names");
	is_str(exl_ckpt_state_name(EXL_CKPT_NA), "n/a", "n/a name");
	is_str(exl_ckpt_state_name(EXL_CKPT_UNSIGNED), "unsigned",
	       "unsigned name");
	is_str(exl_ckpt_state_name(EXL_CKPT_BAD), "bad signoff", "bad name");
	tmpdir_remove(d);
	return done_testing();
}
