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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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

/* The named runs: their absolute directories and "parent\n<id>" keys,
 * both sorted, for lookups while each parent directory is read once. */
struct named {
	char **abs, **keys;
	size_t nabs, nkeys;
};

static void named_free(struct named *w)
{
	size_t i;

	for (i = 0; i < w->nabs; i++)
		free(w->abs[i]);
	for (i = 0; i < w->nkeys; i++)
		free(w->keys[i]);
	free(w->abs);
	free(w->keys);
}

static int named_load(const struct sync_item *items, size_t n,
		      struct named *w)
{
	size_t i, k;

	w->abs = calloc(n ? n : 1, sizeof(*w->abs));
	w->keys = calloc(n ? n : 1, sizeof(*w->keys));
	if (!w->abs || !w->keys)
		return -1;
	for (i = 0; i < n; i++) {
		const struct exl_wandb_run *r = &items[i].w.run;
		char *a = exl_wandb_abs_path(r->dir), *par;

		if (!a)
			return -1;
		w->abs[w->nabs++] = a;
		if (!r->offline || !r->dir_id[0])
			continue;
		par = exl_dirname(a);
		if (!par || asprintf(&w->keys[w->nkeys], "%s\n%s", par,
				     r->dir_id) < 0) {
			free(par);
			return -1;
		}
		free(par);
		w->nkeys++;
	}
	qsort(w->abs, w->nabs, sizeof(*w->abs), cmp_str);
	qsort(w->keys, w->nkeys, sizeof(*w->keys), cmp_str);
	/* one key per parent and id */
	for (i = k = 0; i < w->nkeys; i++) {
		if (k && strcmp(w->keys[k - 1], w->keys[i]) == 0)
			free(w->keys[i]);
		else
			w->keys[k++] = w->keys[i];
	}
	w->nkeys = k;
	return 0;
}

/* add_parent: the unnamed links in parent (read once) of the ids the
 * named runs there have. */
static int add_parent(struct sync_item **items, size_t *n,
		      const struct named *w, const char *parent)
{
	struct dirent *de;
	const char *id;
	char *key, *path;
	DIR *d = opendir(parent);
	int rc = 0;

	while (d && rc == 0 && (de = readdir(d))) {
		if (exl_wandb_dir_kind(de->d_name, NULL, &id) != 1)
			continue;
		if (asprintf(&key, "%s\n%s", parent, id) < 0) {
			rc = -1;
			break;
		}
		if (bsearch(&key, w->keys, w->nkeys, sizeof(*w->keys),
			    cmp_str)) {
			path = exl_path_join(parent, de->d_name);
			if (!path)
				rc = -1;
			else if (!bsearch(&path, w->abs, w->nabs,
					  sizeof(*w->abs), cmp_str))
				rc = add_one(items, n, path);
			free(path);
		}
		free(key);
	}
	if (d)
		closedir(d);
	return rc;
}

int sync_add_links(struct sync_item **items, size_t *n)
{
	struct named w = { 0 };
	size_t i, first = *n, plen;
	char *parent;
	int rc = 0;

	for (i = 0; i < first; i++)
		(*items)[i].named = 1;
	if (named_load(*items, first, &w) < 0)
		rc = -1;
	/* each parent directory once (the keys are sorted by parent) */
	for (i = 0; rc == 0 && i < w.nkeys; i++) {
		char *nl = strchr(w.keys[i], '\n');

		plen = (size_t)(nl - w.keys[i]);
		if (i && strncmp(w.keys[i - 1], w.keys[i], plen + 1) == 0)
			continue;
		parent = strndup(w.keys[i], plen);
		rc = parent ? add_parent(items, n, &w, parent) : -1;
		free(parent);
	}
	named_free(&w);
	if (rc < 0)
		cli_err("out of memory");
	return rc;
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
	char **abs = calloc(n ? n : 1, sizeof(*abs));
	size_t i, k = 0;
	int oom = !in || !pos || !order || !sorted || !first || !abs;

	/* absolute: a named "wandb/offline-run-..." and the link found
	 * beside it by its absolute parent are in one directory */
	for (i = 0; !oom && i < n; i++)
		oom = !(abs[i] = exl_wandb_abs_path(items[i].w.run.dir));
	if (oom) {
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

		in[i].dir = abs[i];
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
	for (i = 0; abs && i < n; i++)
		free(abs[i]);
	free(abs);
	return k;
}

/* append_note: `wandb sync --append` runs W&B's legacy sync, which sends
 * a run's exit record only when a final record follows it
 * (WANDB-FORMAT.md section 4): say so for a link that has none. */
static void append_note(struct sync_item *it)
{
	const struct exl_wandb_summary *s = &it->w.run.sum;
	size_t n = strlen(it->why);

	if (!it->w.run.have_sum || !s->has_exit || s->has_final ||
	    n + 2 >= sizeof(it->why))
		return;
	snprintf(it->why + n, sizeof(it->why) - n, "%snote: an exit record "
		 "without a final record: `wandb sync --append` will not send "
		 "the exit", n ? " " : "");
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
			if (it->status == SYNC_PLANNED && it->append)
				append_note(it);
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
