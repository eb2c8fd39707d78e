/* unlogged.c - fallback records of jobs without a run log (unlogged.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "util/jsonfile.h"
#include "runstore/unlogged.h"

#define EXL_UNLOGGED_SUB ".cache/exp-log/unlogged"

char *exl_unlogged_dir(const char *home)
{
	return exl_path_join(home, EXL_UNLOGGED_SUB);
}

/* job_id_ok: digits and '_' only (array jobs: 12_3): a safe file name */
static int job_id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (!(id[i] >= '0' && id[i] <= '9') && id[i] != '_')
			return 0;
	return i > 0 && i < 32;
}

int exl_unlogged_write(const char *home, const char *job_id,
		       const char *root, const char *error, time_t when,
		       struct exl_err *err)
{
	char *dir, *path = NULL, name[48];
	json_object *o;
	int rc = -1;

	if (!home || home[0] != '/' || !job_id_ok(job_id))
		return exl_errf(err, "no home directory or bad job id for the fallback record");
	dir = exl_unlogged_dir(home);
	if (!dir)
		return exl_errnof(err, ENOMEM, "fallback record");
	snprintf(name, sizeof(name), "%s.json", job_id);
	if (exl_mkdir_p(dir, 0700, err) < 0)
		goto out;
	path = exl_path_join(dir, name);
	o = json_object_new_object();
	if (!path || !o) {
		json_object_put(o);
		exl_errnof(err, ENOMEM, "fallback record");
		goto out;
	}
	exl_json_set_str(o, "job_id", job_id);
	exl_json_set_int(o, "time", (long long)when);
	exl_json_set_str(o, "root", root ? root : "");
	exl_json_set_str(o, "error", error ? error : "");
	rc = exl_json_write(path, o, err);
	json_object_put(o);
out:
	free(path);
	free(dir);
	return rc;
}

/* read_one: a record file into u; -1 when it is not one. */
static int read_one(const char *dir, const char *name, struct exl_unlogged *u)
{
	char *path = exl_path_join(dir, name);
	json_object *o = path ? exl_json_read(path, 1 << 16, NULL) : NULL;
	const char *s;

	memset(u, 0, sizeof(*u));
	if (path)
		snprintf(u->path, sizeof(u->path), "%s", path);
	free(path);
	if (!o)
		return -1;
	s = exl_json_str(o, "job_id");
	snprintf(u->job_id, sizeof(u->job_id), "%s", s ? s : "?");
	s = exl_json_str(o, "root");
	snprintf(u->root, sizeof(u->root), "%s", s ? s : "");
	s = exl_json_str(o, "error");
	snprintf(u->error, sizeof(u->error), "%s", s ? s : "");
	u->when = (time_t)exl_json_int(o, "time", 0);
	json_object_put(o);
	return 0;
}

int exl_unlogged_each(const char *home, int max,
		      void (*fn)(const struct exl_unlogged *u, void *arg),
		      void *arg)
{
	char *dir;
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (!home || home[0] != '/')
		return 0;
	dir = exl_unlogged_dir(home);
	if (!dir)
		return -1;
	d = opendir(dir);
	if (!d) {
		n = errno == ENOENT || errno == ENOTDIR ? 0 : -1;
		free(dir);
		return n;
	}
	while (n < max && (e = readdir(d))) {
		struct exl_unlogged u;
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l < 6 ||
		    strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		if (read_one(dir, e->d_name, &u) == 0) {
			fn(&u, arg);
			n++;
		}
	}
	closedir(d);
	free(dir);
	return n;
}
