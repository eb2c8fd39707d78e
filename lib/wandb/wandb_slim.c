/* wandb_slim.c - plan and remove transient W&B artifact data
 * (wandb_slim.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "wandb/wandb_names.h"
#include "wandb/wandb_slim.h"

/* How deep the search for staging/cache areas goes. */
#define AREA_DEPTH_RUN 6
#define AREA_DEPTH_TOP 5

/* A staged file an unsynced run still has to upload. */
struct need {
	char *path;
	char run_id[128];
};

struct planner {
	struct exl_wandb_slim_plan *plan;
	struct need *needs;
	size_t nneeds;
	char **areas;		/* canonical staging/cache directories */
	size_t nareas;
	int oom;
};

/* under: a equals b or lies inside it. */
static int under(const char *a, const char *b)
{
	size_t n = strlen(b);

	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' ||
					 (n == 1 && b[0] == '/'));
}

static int overlaps(const char *a, const char *b)
{
	return under(a, b) || under(b, a);
}

/* canon: realpath when the path exists, else a copy. */
static char *canon(const char *p)
{
	char *r = realpath(p, NULL);

	return r ? r : strdup(p);
}

/* count_file: exl_wandb_walk_files callback adding up an item's tree. */
static void count_file(void *arg, const char *rel, int depth,
		       const struct stat *st)
{
	struct exl_wandb_slim_item *it = arg;

	(void)rel;
	(void)depth;
	it->bytes += (uint64_t)st->st_size;
	it->files++;
}

/* add_item: a candidate at path (a regular file or a real directory;
 * anything else, symlinks included, is ignored). */
static void add_item(struct planner *p, char *path, const char *what)
{
	struct exl_wandb_slim_plan *pl = p->plan;
	struct exl_wandb_slim_item *n, *it;
	struct stat st;

	if (!path || lstat(path, &st) < 0 ||
	    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		p->oom |= !path;
		free(path);
		return;
	}
	n = realloc(pl->items, (pl->n + 1) * sizeof(*n));
	if (!n) {
		p->oom = 1;
		free(path);
		return;
	}
	pl->items = n;
	it = &pl->items[pl->n++];
	memset(it, 0, sizeof(*it));
	it->path = path;
	it->what = what;
	if (S_ISDIR(st.st_mode)) {
		it->is_dir = 1;
		exl_wandb_walk_files(path, count_file, it);
	} else {
		it->bytes = (uint64_t)st.st_size;
		it->files = 1;
	}
}

/* add_area: every entry of a staging or cache directory is an item. */
static void add_area(struct planner *p, const char *dir, const char *what)
{
	char *real = canon(dir), **n;
	struct dirent *de;
	DIR *d;

	if (!real || !(n = realloc(p->areas, (p->nareas + 1) * sizeof(*n)))) {
		free(real);
		p->oom = 1;
		return;
	}
	p->areas = n;
	p->areas[p->nareas++] = real;
	d = opendir(real);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			add_item(p, exl_path_join(real, de->d_name), what);
	closedir(d);
}

/* find_areas: look below dir for "artifacts/staging" and "artifacts/obj"
 * directories.  skip_runs: do not enter W&B run directories; skip_files:
 * do not enter a top-level files/ (a run's own files). */
static void find_areas(struct planner *p, const char *dir, int depth,
		       int skip_runs, int skip_files)
{
	int parent_is_artifacts = strcmp(exl_basename(dir), "artifacts") == 0;
	struct dirent *de;
	DIR *d;

	if (depth < 0 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d)) && !p->oom) {
		const char *name = de->d_name;
		struct stat st;
		char *child;

		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (skip_files && !strcmp(name, "files"))
			continue;
		if (skip_runs && exl_wandb_dir_kind(name, NULL, NULL) >= 0)
			continue;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		child = exl_path_join(dir, name);
		if (!child) {
			p->oom = 1;
			break;
		}
		if (parent_is_artifacts && !strcmp(name, "staging"))
			add_area(p, child, "artifact staging");
		else if (parent_is_artifacts && !strcmp(name, "obj"))
			add_area(p, child, "artifact cache");
		else
			find_areas(p, child, depth - 1, skip_runs, 0);
		free(child);
	}
	closedir(d);
}

/* add_needs: staged files of the unsynced offline runs in wandb_dir. */
static void add_needs(struct planner *p, const char *wandb_dir)
{
	struct dirent *de;
	DIR *d = opendir(wandb_dir);

	if (!d)
		return;
	while ((de = readdir(d)) && !p->oom) {
		struct exl_wandb_run r;
		struct exl_err e;
		char *dir;
		size_t i;

		if (exl_wandb_dir_kind(de->d_name, NULL, NULL) != 1 ||
		    !(dir = exl_path_join(wandb_dir, de->d_name)))
			continue;
		if (exl_wandb_run_load(dir, EXL_WANDB_LOAD_LOG, &r, &e) == 0) {
			for (i = 0; !r.synced && r.have_sum && i < r.sum.nstaged; i++) {
				struct need *n = realloc(p->needs, (p->nneeds + 1) *
							 sizeof(*n));

				if (!n) {
					p->oom = 1;
					break;
				}
				p->needs = n;
				n[p->nneeds].path = canon(r.sum.staged[i]);
				snprintf(n[p->nneeds].run_id, sizeof(n->run_id), "%s",
					 exl_wandb_run_id(&r));
				p->oom |= !n[p->nneeds++].path;
			}
			exl_wandb_run_free(&r);
		}
		free(dir);
	}
	closedir(d);
}

/* add_referenced: staged copies the run names that no area covers. */
static void add_referenced(struct planner *p, const struct exl_wandb_run *r)
{
	size_t i, j;

	for (i = 0; r->have_sum && i < r->sum.nstaged && !p->oom; i++) {
		char *real = canon(r->sum.staged[i]);
		int covered = 0;

		for (j = 0; real && j < p->nareas && !covered; j++)
			covered = under(real, p->areas[j]);
		for (j = 0; real && j < p->plan->n && !covered; j++)
			covered = !strcmp(real, p->plan->items[j].path);
		if (!real || covered) {
			p->oom |= !real;
			free(real);
			continue;
		}
		add_item(p, real, "artifact staging");
	}
}

/* decide: keep or remove each item. */
static void decide(struct planner *p, const struct exl_wandb_keep *link,
		   unsigned flags)
{
	struct exl_wandb_slim_plan *pl = p->plan;
	size_t i, j;

	for (i = 0; i < pl->n && !p->oom; i++) {
		struct exl_wandb_slim_item *it = &pl->items[i];
		int r = 0;

		for (j = 0; link && j < link->ncheckpoints && !it->keep; j++) {
			char *c = canon(link->checkpoints[j]);

			if (c && overlaps(it->path, c))
				r = asprintf(&it->keep, "named as a checkpoint in %s",
					     link->run_log);
			free(c);
		}
		for (j = 0; j < p->nneeds && !it->keep && !it->note; j++) {
			if (!under(p->needs[j].path, it->path))
				continue;
			if (flags & EXL_WANDB_SLIM_UNSYNCED)
				r = asprintf(&it->note, "run %s is not synced: its artifact upload will fail",
					     p->needs[j].run_id);
			else
				r = asprintf(&it->keep, "run %s is not synced yet and needs it to upload an artifact",
					     p->needs[j].run_id);
		}
		if (r < 0)
			p->oom = 1;
		if (it->keep)
			pl->kept += it->bytes;
		else
			pl->removable += it->bytes;
	}
}

/* is_wandb_dir: a directory W&B itself names ("wandb", ".wandb"). */
static int is_wandb_dir(const char *dir)
{
	char *real = canon(dir);
	int yes = real && (!strcmp(exl_basename(real), "wandb") ||
			   !strcmp(exl_basename(real), ".wandb"));

	free(real);
	return yes;
}

static int cmp_item(const void *a, const void *b)
{
	const struct exl_wandb_slim_item *x = a, *y = b;

	return strcmp(x->path, y->path);
}

int exl_wandb_slim_plan(const struct exl_wandb_run *run,
			const struct exl_wandb_keep *link, unsigned flags,
			struct exl_wandb_slim_plan *plan, struct exl_err *err)
{
	struct planner p = { .plan = plan };
	char *wandb_dir = exl_dirname(run->dir);
	size_t i;

	memset(plan, 0, sizeof(*plan));
	if (!wandb_dir)
		return exl_errnof(err, ENOMEM, "couldn't plan for %s", run->dir);
	add_needs(&p, wandb_dir);
	find_areas(&p, run->dir, AREA_DEPTH_RUN, 0, 1);
	/* around the run: the exp-log state dir it belongs to, or a W&B
	 * directory; never an arbitrary parent such as a home directory */
	if (link)
		find_areas(&p, link->state_dir, AREA_DEPTH_TOP, 1, 0);
	else if (is_wandb_dir(wandb_dir))
		find_areas(&p, wandb_dir, AREA_DEPTH_TOP, 1, 0);
	add_referenced(&p, run);
	if (plan->n)
		qsort(plan->items, plan->n, sizeof(*plan->items), cmp_item);
	decide(&p, link, flags);
	for (i = 0; i < p.nneeds; i++)
		free(p.needs[i].path);
	free(p.needs);
	for (i = 0; i < p.nareas; i++)
		free(p.areas[i]);
	free(p.areas);
	free(wandb_dir);
	if (p.oom) {
		exl_wandb_slim_plan_free(plan);
		return exl_errnof(err, ENOMEM, "couldn't plan for %s", run->dir);
	}
	return 0;
}

/* rm_entry: nftw callback removing one entry, children first. */
static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

int exl_wandb_slim_apply(const struct exl_wandb_slim_plan *plan,
			 uint64_t *freed, struct exl_err *err)
{
	unsigned failed = 0;
	size_t i;

	*freed = 0;
	for (i = 0; i < plan->n; i++) {
		const struct exl_wandb_slim_item *it = &plan->items[i];
		struct stat st;
		int rc;

		if (it->keep)
			continue;
		/* still what was planned: a file, or a real directory */
		if (lstat(it->path, &st) < 0 ||
		    (it->is_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
			if (!failed++)
				exl_errf(err, "%s: changed since it was looked at: left alone",
					 it->path);
			continue;
		}
		if (it->is_dir)
			rc = nftw(it->path, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
		else
			rc = unlink(it->path);
		if (rc < 0) {
			if (!failed++)
				exl_errnof(err, errno, "couldn't remove %s", it->path);
			continue;
		}
		*freed += it->bytes;
	}
	return (int)failed;
}

void exl_wandb_slim_plan_free(struct exl_wandb_slim_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n; i++) {
		free(plan->items[i].path);
		free(plan->items[i].keep);
		free(plan->items[i].note);
	}
	free(plan->items);
	memset(plan, 0, sizeof(*plan));
}
