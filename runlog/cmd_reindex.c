/* cmd_reindex.c - `runlog reindex`: rebuild the run index (run_index.h)
 * from the run logs themselves, one group at a time under its lock, so
 * that it is safe while jobs start and end. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "util/fileio.h"
#include "runstore/layout.h"
#include "runstore/run_index.h"
#include "runlog.h"
#include "runstore/runlog_scan.h"
#include "runstore/status_row.h"
#include "util/jsonfile.h"

static const char usage[] =
"Usage: runlog reindex [--json]\n"
"\n"
"Rebuild the run index of the root (runlog --root DIR; default\n"
"./run_logs) in .exp-log/index, which the default view of `runlog\n"
"status` reads instead of every run log: read all run logs,\n"
"list the open ones and those that ended in the last 7 days, drop\n"
"entries that name nothing, and mark the index complete.  exp-log keeps\n"
"the index itself; run this once for a root written by an older exp-log,\n"
"after copying run logs in by hand, or when `runlog status` says the\n"
"index is missing.  Each group is rebuilt under its lock: running jobs\n"
"may go on writing.\n"
"\n"
"  -j, --json   print {\"root\", \"run_logs\", \"open\", \"ended\", \"changed\",\n"
"               \"unreadable\"} instead of a sentence\n"
"  -h, --help   this help\n";

struct totals {
	size_t logs, open, ended, changed, unreadable;
};

/* runs_of: what each readable run log of sc says, for exl_index_sync;
 * NULL with *n 0 when memory ran out. */
static struct exl_index_run *runs_of(const struct exl_scan *sc, size_t *n,
				     struct totals *t)
{
	struct exl_index_run *r = calloc(sc->n ? sc->n : 1, sizeof(*r));
	size_t i;

	*n = 0;
	if (!r)
		return NULL;
	for (i = 0; i < sc->n; i++) {
		const struct exl_scan_entry *e = &sc->v[i];

		t->logs++;
		if (!e->ok) {
			if (!e->gone) {
				cli_err("%s: %s: not indexed", e->path,
					 e->error ? e->error : "unreadable");
				t->unreadable++;
			}
			continue;
		}
		r[*n].rel = e->rel;
		r[*n].job_id = e->sum.job_id;
		r[*n].open = !exl_summary_closed(&e->sum);
		r[*n].end = e->sum.end;
		if (r[*n].open)
			t->open++;
		(*n)++;
	}
	return r;
}

/* one_level: rebuild the entries of group (NULL: the flat level) under
 * its lock, from a listing made under it.  -1 after a message. */
static int one_level(const struct rl *c, const char *group, struct totals *t)
{
	struct exl_index_list cur = { 0 };
	struct exl_index_run *runs = NULL;
	struct exl_scan sc = { 0 };
	struct exl_err err;
	size_t n = 0, changed = 0;
	int fd, rc = -1, listed;

	fd = rl_lock(c->root, group);
	if (fd < 0)
		return -1;
	listed = exl_scan_list_level(c->root, group, &sc, &err);
	/* a group directory removed by hand: its entries name nothing */
	if (listed < 0 && errno == ENOENT && group) {
		exl_scan_free(&sc);
		memset(&sc, 0, sizeof(sc));
		listed = 0;
	}
	if (listed < 0 || exl_scan_summaries(&sc, 0, &err) < 0 ||
	    exl_index_read(c->root, 0, &cur, &err) < 0) {
		cli_err("%s", err.text);
		goto out;
	}
	runs = runs_of(&sc, &n, t);
	if (!runs) {
		cli_err("out of memory");
		goto out;
	}
	if (exl_index_sync(c->root, group, runs, n, &cur, c->now, &changed,
			   &err) < 0) {
		cli_err("%s", err.text);
		goto out;
	}
	t->changed += changed;
	rc = 0;
out:
	exl_unlock(fd);
	free(runs);
	exl_index_list_free(&cur);
	exl_scan_free(&sc);
	return rc;
}

/* add_index_groups: add to sc's groups those the index names that the
 * listing did not find (removed by hand), so that their entries go.
 * -1 after a message. */
static int add_index_groups(const struct rl *c, struct exl_scan *sc)
{
	struct exl_index_list l;
	struct exl_err err;
	size_t i;
	int rc = 0;

	if (exl_index_read(c->root, 0, &l, &err) < 0) {
		exl_index_list_free(&l);
		cli_err("%s", err.text);
		return -1;
	}
	for (i = 0; rc == 0 && i < l.n; i++) {
		const char *rel = l.v[i].rel, *slash = strchr(rel, '/');

		if (slash && !exl_scan_group(sc, rel, (size_t)(slash - rel))) {
			cli_err("out of memory");
			rc = -1;
		}
	}
	exl_index_list_free(&l);
	return rc;
}

/* count_ended: ended entries the index holds now. */
static size_t count_ended(const struct rl *c)
{
	struct exl_index_list l;
	struct exl_err err;
	size_t i, n = 0;

	if (exl_index_read(c->root, 0, &l, &err) == 0)
		for (i = 0; i < l.n; i++)
			n += l.v[i].day[0] != '\0';
	exl_index_list_free(&l);
	return n;
}

static int report(const struct rl *c, const struct totals *t, int json)
{
	json_object *o;

	if (!json) {
		printf("%s: %zu run log%s, %zu open, %zu recently ended; "
		       "%zu index entr%s changed\n", c->root, t->logs,
		       t->logs == 1 ? "" : "s", t->open, t->ended, t->changed,
		       t->changed == 1 ? "y" : "ies");
		return EXL_EXIT_OK;
	}
	o = json_object_new_object();
	if (!o || json_object_object_add(o, "root",
					 json_object_new_string(c->root)) < 0) {
		json_object_put(o);
		cli_err("out of memory");
		return EXL_EXIT_ERROR;
	}
	json_object_object_add(o, "run_logs", json_object_new_int64((int64_t)t->logs));
	json_object_object_add(o, "open", json_object_new_int64((int64_t)t->open));
	json_object_object_add(o, "ended", json_object_new_int64((int64_t)t->ended));
	json_object_object_add(o, "changed", json_object_new_int64((int64_t)t->changed));
	json_object_object_add(o, "unreadable",
			       json_object_new_int64((int64_t)t->unreadable));
	exl_json_print(o);
	return EXL_EXIT_OK;
}

int cmd_reindex(struct rl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct totals t = { 0 };
	struct exl_scan sc;
	struct exl_err err;
	char *meta;
	size_t i;
	int ch, json = 0, rc;

	optind = 0;	/* glibc: reinitialise (main used "+") */
	while ((ch = getopt_long(argc, argv, ":jh", lo, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 'h')
			return rl_help(usage);
		else
			return cli_bad_option(ch, argv, "reindex");
	}
	if (optind < argc)
		return rl_usage("reindex", "%s: unexpected argument", argv[optind]);
	/* the groups as they are now; each is listed again under its lock */
	if (exl_scan_list(c->root, NULL, &sc, &err) < 0) {
		cli_err("%s", err.text);
		return EXL_EXIT_ERROR;
	}
	meta = exl_layout_meta(c->root);
	if (!meta || exl_mkdir_p(meta, 0755, &err) < 0 ||
	    exl_index_init(c->root, 0, &err) < 0) {
		cli_err("%s", meta ? err.text : "out of memory");
		free(meta);
		exl_scan_free(&sc);
		return EXL_EXIT_ERROR;
	}
	free(meta);
	rc = add_index_groups(c, &sc);
	if (rc == 0)
		rc = one_level(c, NULL, &t);
	for (i = 0; rc == 0 && i < sc.ngroups; i++)
		rc = one_level(c, sc.groups[i], &t);
	exl_scan_free(&sc);
	if (rc < 0)
		return EXL_EXIT_ERROR;
	if (exl_index_prune(c->root, c->now, &err) < 0 ||
	    exl_index_stamp(c->root, &err) < 0) {
		cli_err("%s", err.text);
		return EXL_EXIT_ERROR;
	}
	t.ended = count_ended(c);
	rc = report(c, &t, json);
	if (rc == EXL_EXIT_OK && t.unreadable)
		rc = EXL_EXIT_CHECK;
	return rc;
}
