/* env_capture.h - the software environment of a run, captured by the
 * commands the site configures (env_capture in exp-log.yaml: "pip freeze",
 * "conda list", "module list"...).  Each command's output is stored beside
 * the run log and its sha256 goes into Config and the sidecar.
 */
#ifndef EXL_ENV_CAPTURE_H
#define EXL_ENV_CAPTURE_H

#include <stddef.h>

#include "util/exl_err.h"
#include "util/sha256file.h"

/* Output kept per command; longer output is cut (and says so). */
#define EXL_ENV_CAPTURE_MAX (16u << 20)

struct exl_env_result {
	char path[4096];		/* where the output went */
	char sha256[EXL_SHA256_HEX];
	int status;			/* wait status of the command */
	int timed_out;
	size_t bytes;
};

/* Run "/bin/sh -c command" with stdin from /dev/null, in cwd, for at most
 * timeout_s seconds, and store its stdout+stderr at out_path (atomically).
 * Returns 0 when the output was stored (whatever the exit status: a
 * failing "conda list" is itself a fact worth keeping), -1 otherwise. */
int exl_env_capture(const char *command, const char *cwd, const char *out_path,
		    int timeout_s, struct exl_env_result *res,
		    struct exl_err *err);

/* "`path` (sha256 `...`)" or "`path` (exit 1, sha256 ...)" for Config. */
void exl_env_result_text(const struct exl_env_result *r, char *buf,
			 size_t len);

#endif
