/* wandb_finalize.c - finalize every offline run of a WANDB_DIR
 * (wandb_append.h). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fileio.h"
#include "wandb/wandb_append.h"
#include "wandb/wandb_names.h"

static void __attribute__((format(printf, 2, 3)))
detail(struct exl_wandb_finalize_report *rep, const char *fmt, ...)
{
	va_list ap;

	if (rep->ndetail >= sizeof(rep->detail) / sizeof(rep->detail[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(rep->detail[rep->ndetail++], sizeof(rep->detail[0]), fmt, ap);
	va_end(ap);
}

/* finalize_run: the record log of one offline run directory. */
static void finalize_run(const char *run_dir, int code, int runtime,
			 unsigned flags, struct exl_wandb_finalize_report *rep)
{
	struct exl_err e = { { 0 } };
	char *log = exl_wandb_find_log(run_dir);
	int rc;

	if (!log) {
		if (errno != ENOENT) {
			rep->failed++;
			detail(rep, "%s: couldn't look for its run file: %s",
			       run_dir, strerror(errno));
		}
		return;
	}
	rep->runs++;
	/* offline-run-<YYYYmmdd_HHMMSS>-<id>: the latest name is the newest */
	if (!rep->newest[0] || strcmp(exl_basename(run_dir),
				      exl_basename(rep->newest)) > 0)
		snprintf(rep->newest, sizeof(rep->newest), "%s", run_dir);
	rc = exl_wandb_append_exit(log, code, runtime, flags, &e);
	switch (rc) {
	case EXL_WANDB_APPENDED:
		rep->appended++;
		break;
	case EXL_WANDB_ALREADY_FINAL:
		rep->already++;
		break;
	case EXL_WANDB_REFUSED_TORN:
	case EXL_WANDB_REFUSED_DAMAGED:
	case EXL_WANDB_REFUSED_NO_RUN:
		rep->refused++;
		detail(rep, "%s", e.text);
		break;
	default:
		rep->failed++;
		detail(rep, "%s", e.text);
		break;
	}
	free(log);
}

/* scan_dir: offline run directories directly inside dir.  Returns -1
 * with err set when dir exists but cannot be read. */
static int scan_dir(const char *dir, int code, int runtime, unsigned flags,
		    struct exl_wandb_finalize_report *rep, struct exl_err *err)
{
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return exl_errnof(err, errno, "couldn't read %s", dir);
	}
	while ((de = readdir(d))) {
		char *path;

		if (exl_wandb_dir_kind(de->d_name, NULL, NULL) != 1)
			continue;
		path = exl_path_join(dir, de->d_name);
		if (!path) {
			rep->failed++;
			continue;
		}
		/* real directories only: never follow a planted link */
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			finalize_run(path, code, runtime, flags, rep);
		free(path);
	}
	closedir(d);
	return 0;
}

int exl_wandb_finalize_dir(const char *wandb_dir, int exit_code,
			   int runtime_s, unsigned flags,
			   struct exl_wandb_finalize_report *rep,
			   struct exl_err *err)
{
	/* W&B puts runs in <dir>/wandb (or <dir>/.wandb) when given a root
	 * directory, and directly in a dir that is itself a wandb dir */
	static const char *const sub[] = { NULL, "wandb", ".wandb" };
	size_t i;

	memset(rep, 0, sizeof(*rep));
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		char *dir = sub[i] ? exl_path_join(wandb_dir, sub[i]) :
				     strdup(wandb_dir);
		int rc;

		if (!dir)
			return exl_errnof(err, ENOMEM, "couldn't read %s", wandb_dir);
		rc = scan_dir(dir, exit_code, runtime_s, flags, rep, err);
		free(dir);
		if (rc < 0)
			return -1;
	}
	return rep->refused || rep->failed ? 1 : 0;
}
