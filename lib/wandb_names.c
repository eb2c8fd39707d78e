/* wandb_names.c - W&B run directory and file names (wandb_names.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "wandb_names.h"

/* digits: n ASCII digits at p, their value in *v. */
static int digits(const char *p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*v = *v * 10 + (p[i] - '0');
	}
	return 0;
}

int exl_wandb_dir_kind(const char *name, time_t *when, const char **id)
{
	struct tm tm = { 0 };
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
	if (digits(p, 4, &y) < 0 || digits(p + 4, 2, &mo) < 0 ||
	    digits(p + 6, 2, &d) < 0 || p[8] != '_' ||
	    digits(p + 9, 2, &h) < 0 || digits(p + 11, 2, &mi) < 0 ||
	    digits(p + 13, 2, &s) < 0 || p[15] != '-' || p[16] == '\0')
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	if (when) {
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = s;
		tm.tm_isdst = -1;
		*when = mktime(&tm);
	}
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
