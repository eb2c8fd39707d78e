/* sync_chain.c - the offline directories of one W&B run (a job requeued
 * or resumed with the same WANDB_RUN_ID) synced as one run, in order. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "sync_item.h"
#include "wandb/wandb_chain.h"
#include "wandb/wandb_names.h"

/* known: abs is the directory of one of the items. */
static int known(const struct sync_item *items, size_t n, const char *abs)
{
	size_t i;
	int hit = 0;

	for (i = 0; i < n && !hit; i++) {
		char *a = exl_wandb_abs_path(items[i].w.run.dir);

		hit = a && strcmp(a, abs) == 0;
		free(a);
	}
	return hit;
}

/* add_one: the run in dir (a link found beside a named one). */
static int add_one(struct sync_item **items, size_t *n, const char *dir)
{
	struct sync_item *m = realloc(*items, (*n + 1) * sizeof(**items));

	if (!m)
		return -1;
	*items = m;
	memset(&m[*n], 0, sizeof(m[*n]));
	if (load_named_run(dir, EXL_WANDB_LOAD_LOG, &m[*n].w) < 0)
		return 0;	/* said why; the chain goes on without it */
	(*n)++;
	return 0;
}

/* add_siblings: the offline runs with id beside dir's run. */
static int add_siblings(struct sync_item **items, size_t *n,
			const char *rundir, const char *id)
{
	char *parent = exl_dirname(rundir), *path, *abs;
	struct dirent *de;
	const char *did;
	DIR *d;
	int rc = 0;

	if (!parent)
		return -1;
	d = opendir(parent);
	while (d && rc == 0 && (de = readdir(d))) {
		if (exl_wandb_dir_kind(de->d_name, NULL, &did) != 1 ||
		    strcmp(did, id) != 0)
			continue;
		path = exl_path_join(parent, de->d_name);
		abs = path ? exl_wandb_abs_path(path) : NULL;
		if (!abs)
			rc = -1;
		else if (!known(*items, *n, abs))
			rc = add_one(items, n, path);
		free(abs);
		free(path);
	}
	if (d)
		closedir(d);
	free(parent);
	return rc;
}

int sync_add_links(struct sync_item **items, size_t *n)
{
	size_t i, first = *n;
	char id[EXL_WANDB_RUN_ID_MAX + 64];

	for (i = 0; i < first; i++) {
		const struct exl_wandb_run *r = &(*items)[i].w.run;

		(*items)[i].named = 1;
		if (!r->offline || !r->dir_id[0])
			continue;
		snprintf(id, sizeof(id), "%s", r->dir_id);
		if (add_siblings(items, n, (*items)[i].w.run.dir, id) < 0) {
			cli_err("out of memory");
			return -1;
		}
	}
	return 0;
}

/* by_first: runs in the order their first item came (the command
 * line's order), links in order. */
static int by_first(const void *x, const void *y, void *arg)
{
	const size_t *first = arg;
	const struct sync_item *a = x, *b = y;

	if (first[a->chain] != first[b->chain])
		return first[a->chain] < first[b->chain] ? -1 : 1;
	return a->link < b->link ? -1 : a->link > b->link;
}

size_t sync_order_chains(struct sync_item *items, size_t n)
{
	struct exl_wandb_chain_in *in = calloc(n ? n : 1, sizeof(*in));
	struct exl_wandb_chain_pos *pos = calloc(n ? n : 1, sizeof(*pos));
	size_t *order = calloc(n ? n : 1, sizeof(*order));
	struct sync_item *sorted = calloc(n ? n : 1, sizeof(*sorted));
	size_t *first = calloc(n ? n : 1, sizeof(*first));
	size_t i, k = 0;

	if (!in || !pos || !order || !sorted || !first) {
		/* leave them as they are: each its own run */
		for (i = 0; i < n; i++) {
			items[i].link = items[i].links = 1;
			items[i].chain = i;
		}
		k = n;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct exl_wandb_run *r = &items[i].w.run;

		in[i].dir = r->dir;
		/* online runs are never synced: never part of a chain */
		in[i].id = r->offline ? r->dir_id : NULL;
		in[i].created = exl_wandb_run_created(r);
	}
	exl_wandb_chains(in, n, order, pos);
	for (i = 0; i < n; i++)
		first[i] = n;
	for (i = 0; i < n; i++) {
		struct sync_item *it = &items[i];

		it->chain = pos[i].chain;
		it->link = pos[i].link;
		it->links = pos[i].links;
		if (first[it->chain] > i)
			first[it->chain] = i;
		sorted[i] = *it;
	}
	qsort_r(sorted, n, sizeof(*sorted), by_first, first);
	/* a synced link nobody named only tells the next one to append */
	for (i = 0; i < n; i++) {
		if (sorted[i].w.run.synced && !sorted[i].named &&
		    sorted[i].w.run.offline) {
			size_t j;

			for (j = i + 1; j < n && sorted[j].chain == sorted[i].chain; j++)
				sorted[j].append = 1;
			free_wrun(&sorted[i].w);
			continue;
		}
		items[k++] = sorted[i];
	}
out:
	free(in);
	free(pos);
	free(order);
	free(sorted);
	free(first);
	return k;
}

void sync_plan_chains(struct sync_item *items, struct sync_summary *s)
{
	size_t i, j;

	for (i = 0; i < s->n; i = j) {
		/* an earlier link that is neither synced nor to be synced
		 * (skipped, no destination) */
		const struct sync_item *gap = NULL;
		int before = 0;

		for (j = i; j < s->n && items[j].chain == items[i].chain; j++) {
			struct sync_item *it = &items[j];

			it->append = it->append || before;
			if (it->status == SYNC_PLANNED && gap) {
				char b[4096];

				it->status = SYNC_BLOCKED;
				snprintf(it->why, sizeof(it->why), "link %zu of %zu "
					 "waits for link %zu (%s), which is not "
					 "synced: W&B gets the links of one run "
					 "in order", it->link, it->links,
					 gap->link, show_path(gap->w.run.dir, b,
							      sizeof(b)));
				s->planned--;
				s->blocked++;
			}
			if (it->w.run.synced || it->status == SYNC_PLANNED)
				before = 1;
			else if (!gap)
				gap = it;
		}
	}
}

size_t sync_block_after(struct sync_item *items, size_t n,
			const struct sync_item *failed)
{
	size_t i, blocked = 0;
	char b[4096];

	for (i = 0; i < n; i++) {
		struct sync_item *it = &items[i];

		if (it->chain != failed->chain || it->link <= failed->link ||
		    it->status != SYNC_PLANNED)
			continue;
		it->status = SYNC_BLOCKED;
		snprintf(it->why, sizeof(it->why), "not synced: link %zu of %zu "
			 "(%s) failed; sync again to go on from it",
			 failed->link, failed->links,
			 show_path(failed->w.run.dir, b, sizeof(b)));
		blocked++;
	}
	return blocked;
}
