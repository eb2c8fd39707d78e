/* sigspec.h - the job's --signal spec, recovered on the submit side.
 *
 * Slurm 22.05 keeps --signal (warn_signal/warn_time/warn_flags) in the job
 * record but does not return it to clients (job_info_t has no such field),
 * and SPANK has no item for it.  The submit side therefore reads it the way
 * sbatch does: command line first, then the SBATCH_SIGNAL-style
 * environment variable, then "#SBATCH --signal" lines of the script, and
 * passes the normalized spec to the job through the SPANK job environment.
 */
#ifndef EXL_SIGSPEC_H
#define EXL_SIGSPEC_H

#include <stddef.h>

#include "util/exl_err.h"

/* Normalize "[R:|B:|RB:]SIG[@SECS]" (SIG as number, TERM or SIGTERM) to
 * "B:TERM@90" form (Slurm's default time is 60 s; "B:" kept when the
 * signal goes to the batch shell only).  Returns -1 if malformed. */
int exl_sigspec_normalize(const char *spec, char *out, size_t len,
			  struct exl_err *err);

/* Seconds of warning in a normalized spec ("B:TERM@90" -> 90), -1 if none. */
int exl_sigspec_secs(const char *spec);

/* Find the --signal value on a submit command line (argv[0] is the
 * program).  Scanning stops at the script (the first operand), so the
 * script's own arguments are never taken for sbatch options.  *script_idx
 * is set to the operand's index, or -1.  Returns the last value found, or
 * NULL. */
const char *exl_sigspec_from_argv(int argc, char *const argv[],
				  int *script_idx);

/* The last "#SBATCH --signal=..." (or "--signal ...") in a script's
 * directive block (leading comment lines, as sbatch reads them).  Writes
 * the raw value into out; returns 0 when found, -1 otherwise. */
int exl_sigspec_from_script(const char *text, char *out, size_t len);

#endif
