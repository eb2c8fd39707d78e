/* scan_cache.c - a run-log scan and the summary cache: which entries are
 * worth caching, writing them, and matching a loaded cache to a scan
 * (see runlog_scan.h; the file format is summary_cache.c's). */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "runstore/layout.h"
#include "runstore/runlog_scan.h"
#include "runstore/summary_cache.h"
#include "util/strbuf.h"

int exl_cache_worthy(const struct exl_scan_entry *e, time_t now)
{
	/* a racy entry: its next change may keep this mtime */
	return e->ok && !strchr(e->rel, '\t') && !strchr(e->rel, '\n') &&
	       e->id.mtime_s < (long long)now - 1;
}

int exl_cache_write(const char *path, const struct exl_scan *sc, time_t now,
		    struct exl_err *err)
{
	struct exl_sb b = { 0 };
	size_t i;

	exl_cache_begin(&b);
	for (i = 0; i < sc->n; i++)
		if (exl_cache_worthy(&sc->v[i], now))
			exl_cache_put(&b, sc->v[i].rel, &sc->v[i].id,
				      &sc->v[i].sum);
	return exl_cache_store(path, &b, err);
}

void exl_cache_match(const struct exl_summary_cache *c, struct exl_scan *sc)
{
	size_t i = 0, j = 0;

	while (i < sc->n && j < c->n) {
		int o = exl_scan_order(sc->v[i].rel, c->v[j].rel);

		if (o == 0)
			sc->v[i++].cached = &c->v[j++];
		else if (o < 0)
			i++;
		else
			j++;
	}
}

struct loader {
	const char *path;
	struct exl_summary_cache *cache;
	int rc, err;
};

static void *load(void *arg)
{
	struct loader *l = arg;

	l->rc = exl_cache_load(l->path, l->cache);
	l->err = errno;
	return NULL;
}

int exl_scan_list_cached(const char *root, const char *group,
			 const char *cpath, int nthreads, struct exl_scan *sc,
			 struct exl_summary_cache *cache, struct exl_err *err)
{
	struct loader l = { .path = cpath, .cache = cache, .rc = 0 };
	pthread_t tid;
	int threaded, rc;

	memset(cache, 0, sizeof(*cache));
	/* listing waits on the kernel and parsing the cache on the CPU:
	 * on a machine of two cores or more they overlap */
	threaded = cpath && pthread_create(&tid, NULL, load, &l) == 0;
	rc = exl_scan_list_stat(root, group, nthreads, 1, sc, err);
	if (threaded)
		pthread_join(tid, NULL);
	else if (cpath)
		load(&l);
	if (rc == 0 && l.rc < 0)
		rc = exl_errnof(err, l.err, "couldn't load %s", cpath);
	return rc;
}
