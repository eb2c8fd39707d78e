/* wandb_names.c - W&B run directory and file names (wandb_names.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fileio.h"
#include "util/timefmt.h"
#include "wandb/wandb_names.h"

int exl_wandb_dir_kind(const char *name, time_t *when, const char **id)
{
	struct tm tm;
	int offline = 0, y, mo, d, h, mi, s;
	const char *p = name;

	if (strncmp(p, "offline-", 8) == 0) {
		offline = 1;
		p += 8;
	}
	if (strncmp(p, "run-", 4) != 0)
		return -1;
	p += 4;
	/* YYYYMMDD_HHMMSS-ID */
	if (exl_digits(p, 4, &y) < 0 || exl_digits(p + 4, 2, &mo) < 0 ||
	    exl_digits(p + 6, 2, &d) < 0 || p[8] != '_' ||
	    exl_digits(p + 9, 2, &h) < 0 || exl_digits(p + 11, 2, &mi) < 0 ||
	    exl_digits(p + 13, 2, &s) < 0 || p[15] != '-' || p[16] == '\0')
		return -1;
	if (exl_tm_set(&tm, y, mo, d, h, mi, s) < 0)
		return -1;
	if (when)
		*when = mktime(&tm);
	if (id)
		*id = p + 16;
	return offline;
}

int exl_wandb_is_log_name(const char *name)
{
	size_t n = strlen(name);

	return n > 10 && strncmp(name, "run-", 4) == 0 &&
	       strcmp(name + n - 6, ".wandb") == 0;
}

char *exl_wandb_find_log(const char *run_dir)
{
	const char *id = NULL;
	char *want = NULL, *found = NULL;
	struct dirent *de;
	DIR *d;

	if (exl_wandb_dir_kind(exl_basename(run_dir), NULL, &id) >= 0 &&
	    asprintf(&want, "run-%s.wandb", id) < 0)
		return NULL;
	d = opendir(run_dir);
	if (!d) {
		free(want);
		return NULL;
	}
	while ((de = readdir(d))) {
		if (!exl_wandb_is_log_name(de->d_name))
			continue;
		if (de->d_type == DT_LNK)
			continue;
		if (want && strcmp(de->d_name, want) == 0) {
			free(found);
			found = strdup(de->d_name);
			break;
		}
		/* several logs (unusual): the first by name, every time */
		if (!found || strcmp(de->d_name, found) < 0) {
			free(found);
			found = strdup(de->d_name);
		}
	}
	closedir(d);
	free(want);
	if (!found) {
		errno = ENOENT;
		return NULL;
	}
	want = exl_path_join(run_dir, found);
	free(found);
	return want;
}
