/* Unit tests: recovering and normalizing --signal. */
#include <string.h>

#include "util/sigspec.h"
#include "tap.h"

int main(void)
{
	static const struct { const char *in, *out; } norm[] = {
		{ "TERM@90", "TERM@90" },
		{ "B:TERM@90", "B:TERM@90" },
		{ "B:SIGUSR1@300", "B:USR1@300" },
		{ "R:USR2", "USR2@60" },
		{ "RB:10@5", "B:USR1@5" },
		{ "15", "TERM@60" },
		{ "b:term@30", "B:TERM@30" },
	};
	static const char *const bad[] = { "", "FOO@10", "B:TERM@x", "X:TERM",
					   "TERM@-1", "0", "99999" };
	char out[64];
	struct exl_err err;
	const char *v;
	size_t i;
	int idx;

	for (i = 0; i < sizeof(norm) / sizeof(norm[0]); i++) {
		out[0] = '\0';
		ok(exl_sigspec_normalize(norm[i].in, out, sizeof(out), &err) == 0 &&
		   strcmp(out, norm[i].out) == 0, "normalize %s -> %s (got %s)",
		   norm[i].in, norm[i].out, out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(exl_sigspec_normalize(bad[i], out, sizeof(out), &err) < 0,
		   "malformed '%s' refused", bad[i]);
	is_int(exl_sigspec_secs("B:TERM@90"), 90, "seconds");
	is_int(exl_sigspec_secs("TERM"), -1, "no seconds");
	is_int(exl_sigspec_secs("TERM@99999999999"), -1, "seconds out of range");
	is_int(exl_sigspec_secs("TERM@x"), -1, "seconds not a number");

	{
		char *const a[] = { "sbatch", "-o", "out", "--signal=B:TERM@30",
				    "job.sh", "--signal=USR1", NULL };

		v = exl_sigspec_from_argv(6, a, &idx);
		is_str(v, "B:TERM@30", "script arguments are not sbatch's");
		is_int(idx, 4, "script found");
	}
	{
		char *const a[] = { "sbatch", "--signal", "USR1@10", "-N", "2",
				    "--exp-log", "--wait", "--signal=TERM@5",
				    "j.sh", NULL };

		v = exl_sigspec_from_argv(9, a, &idx);
		is_str(v, "TERM@5", "last one wins; flags and args skipped");
		is_int(idx, 8, "script after flags");
	}
	{
		char *const a[] = { "sbatch", "--job-name", "--signal=x", "j.sh",
				    NULL };

		v = exl_sigspec_from_argv(4, a, &idx);
		ok(v == NULL, "an option's argument is not an option");
	}
	{
		char *const a[] = { "sbatch", "-t1", "--wrap=sleep 1", NULL };

		v = exl_sigspec_from_argv(3, a, &idx);
		ok(v == NULL && idx == -1, "no script, no signal");
	}
	ok(exl_sigspec_from_script("#!/bin/bash\n#SBATCH -N 2\n"
				   "#SBATCH --signal=B:USR1@120\n"
				   "# comment\n\n#SBATCH --signal TERM@30 # x\n"
				   "echo hi\n#SBATCH --signal=KILL@1\n",
				   out, sizeof(out)) == 0 &&
	   strcmp(out, "TERM@30") == 0,
	   "last directive before the first command (got %s)", out);
	ok(exl_sigspec_from_script("#!/bin/sh\necho\n#SBATCH --signal=X\n",
				   out, sizeof(out)) < 0,
	   "directives after a command are ignored");
	ok(exl_sigspec_from_script("#SBATCH --signals=TERM\n", out,
				   sizeof(out)) < 0, "similar option ignored");
	return done_testing();
}
