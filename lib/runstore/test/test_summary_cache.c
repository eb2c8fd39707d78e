/* Unit tests: the summary cache of `runlog status`. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runstore/runlog_scan.h"
#include "runstore/summary_cache.h"
#include "tap.h"

#define SUM_NONE "\t0\t0\t0\t0\t0\t0\t0\t-1\t0000000000000000\t-1\t0" \
	"\t0000000000000000\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N" \
	"\t\\N\t\\N\t\\N\t\\N\t\\N\t0\n"
#include "tmpdir.h"

static const char *log_a =
	"# a — tab\there\n## Mode\n- run_type: experiment\n## Job\n"
	"- execution_id: 5\n- start: `2026-03-11T15:00:00+00:00`\n"
	"## Status\n- 2026-03-11 15:30 — running, step 7, loss 0.5, GPU util 9%\n"
	"## W&B\n- synced: https://wandb.ai/x\\\\y\n"
	"## Efficiency\n- cpu_efficiency: 50.0% (job 5)\n";

/* scan: list and summarise root with cache c (may be empty). */
static void scan(const char *root, const struct exl_summary_cache *c,
		 struct exl_scan *sc)
{
	struct exl_err err;

	if (exl_scan_list(root, NULL, sc, &err) < 0 ||
	    (exl_cache_match(c, sc), exl_scan_summaries(sc, 1, &err)) < 0)
		diag("scan: %s", err.text);
}

static size_t borrowed(const struct exl_scan *sc)
{
	size_t i, n = 0;

	for (i = 0; i < sc->n; i++)
		n += sc->v[i].sum.borrowed;
	return n;
}

int main(void)
{
	struct exl_summary_cache c = { 0 }, none = { 0 };
	struct exl_scan sc;
	struct exl_err err;
	char d[256], p[4300], *path;
	struct timespec old[2] = { { 1700000000, 0 }, { 1700000000, 0 } };
	time_t now = time(NULL);

	if (!tmpdir_make(d, sizeof(d)))
		return 1;
	tmpdir_put(d, "g/2026-03-11_a.md", log_a);
	tmpdir_put(d, "2026-03-11_flat.md", "# flat\n");
	tmpdir_put(d, "g/2026-03-12_new.md", "# new\n");
	snprintf(p, sizeof(p), "%s/g/2026-03-11_a.md", d);
	utimensat(AT_FDCWD, p, old, 0);
	snprintf(p, sizeof(p), "%s/2026-03-11_flat.md", d);
	utimensat(AT_FDCWD, p, old, 0);
	path = exl_cache_path(d);

	scan(d, &none, &sc);
	is_int(borrowed(&sc), 0, "no cache: everything read");
	ok(exl_cache_write(path, &sc, now, &err) == 0, "write");
	exl_scan_free(&sc);
	ok(exl_cache_load(path, &c) == 0, "load");
	is_int(c.n, 2, "the file changed just now is not cached (racy)");
	scan(d, &c, &sc);
	is_int(borrowed(&sc), 2, "unchanged files come from the cache");
	is_str(sc.v[1].rel, "g/2026-03-11_a.md", "order");
	is_str(sc.v[1].sum.title, "a — tab\there", "escaped tab round trip");
	is_str(sc.v[1].sum.wandb_url, "https://wandb.ai/x\\\\y", "backslashes");
	is_int(sc.v[1].sum.ev.step, 7, "step");
	ok(sc.v[1].sum.ev.loss == 0.5 && !strcmp(sc.v[1].sum.ev.loss_name, "loss"),
	   "loss");
	is_int(sc.v[1].sum.ev.gpu_util, 9, "gpu");
	is_int(sc.v[1].sum.start, 1773241200, "start");
	ok(sc.v[0].sum.objective == NULL, "NULL stays NULL");
	is_int(sc.v[1].sum.has_eff, 1, "an Efficiency block, remembered");
	is_int(sc.v[0].sum.has_eff, 0, "none, remembered");
	exl_scan_free(&sc);

	/* an edit in place (same inode) is seen */
	snprintf(p, sizeof(p), "%s/g/2026-03-11_a.md", d);
	tmpdir_put(d, "g/2026-03-11_a.md", "# edited — by hand\n");
	utimensat(AT_FDCWD, p, old, 0);
	scan(d, &c, &sc);
	is_str(sc.v[1].sum.title, "edited — by hand", "a changed size: read again");
	ok(!sc.v[1].sum.borrowed, "not from the cache");
	exl_scan_free(&sc);
	exl_cache_free(&c);

	/* hostile cache files (SUM_NONE: the summary fields of a record
	 * with nothing in them) */
	tmpdir_put(d, ".exp-log/cache/summaries", "not a cache\n");
	ok(exl_cache_load(path, &c) == 0 && c.n == 0, "bad magic: empty cache");
	exl_cache_free(&c);
	tmpdir_put(d, ".exp-log/cache/summaries",
		   "exp-log summary cache 4\nshort\tline\n"
		   "b\t1\t2\t3\t4\t5" SUM_NONE
		   "a\t1\t2\t3\t4\t5" SUM_NONE
		   "c\tx\t2\t3\t4\t5" SUM_NONE);
	ok(exl_cache_load(path, &c) == 0, "malformed lines");
	is_int(c.n, 1, "short line skipped; out-of-order line ends the cache");
	exl_cache_free(&c);
	ok(exl_cache_load("/nonexistent/cache", &c) == 0 && c.n == 0,
	   "missing cache: empty");
	exl_cache_free(&c);
	free(path);
	tmpdir_remove(d);
	return done_testing();
}
