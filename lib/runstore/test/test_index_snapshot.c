/* Unit tests: the run index snapshot (index_snapshot.h): used only while
 * no index directory changed, the same entries as a read, and never
 * trusted when it is damaged, hostile or older than asked. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstore/index_snapshot.h"
#include "runstore/run_index.h"
#include "tap.h"
#include "tmpdir.h"

#define DAY 86400

static char root[256], snap[300];

/* same: do a and b hold the same entries (order as read)? */
static int same(const struct exl_index_list *a, const struct exl_index_list *b)
{
	size_t i;

	if (a->n != b->n || a->skipped != b->skipped)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct exl_index_entry *x = &a->v[i], *y = &b->v[i];

		if (strcmp(x->key, y->key) || strcmp(x->rel, y->rel) ||
		    !x->job_id != !y->job_id ||
		    (x->job_id && strcmp(x->job_id, y->job_id)) ||
		    x->end != y->end || strcmp(x->day, y->day))
			return 0;
	}
	return 1;
}

/* check: a read through the snapshot at since; was it used (hit), and
 * does it hold what a plain read holds? */
static void check(time_t since, int save, int want_hit, const char *what)
{
	struct exl_index_list l, plain;
	struct exl_err err;
	int hit = -1;

	ok(exl_index_read_snap(root, since, snap, save, &l, &hit, &err) == 0,
	   "%s: read", what);
	is_int(hit, want_hit, "%s: snapshot %s", what,
	       want_hit ? "used" : "not used");
	ok(exl_index_read(root, since, &plain, &err) == 0 && same(&l, &plain),
	   "%s: the entries a read gives (%zu)", what, l.n);
	exl_index_list_free(&l);
	exl_index_list_free(&plain);
}

static void put(const char *text)
{
	FILE *f = fopen(snap, "w");

	ok(f && fputs(text, f) >= 0 && fclose(f) == 0, "write a snapshot by hand");
}

int main(void)
{
	time_t now = time(NULL);
	struct exl_err err;
	struct stat st;
	char buf[4096], *nl;
	FILE *f;
	size_t n;

	if (!tmpdir_make(root, sizeof(root)) || chdir(root) < 0 ||
	    mkdir(".exp-log", 0755) < 0)
		return 1;
	snprintf(snap, sizeof(snap), "%s/.exp-log/cache/index", root);
	ok(exl_index_init(root, 1, &err) == 0 &&
	   exl_index_open(root, "101", "101", "g/2026-03-11_a.md", &err) == 0 &&
	   exl_index_open(root, "102", NULL, "2026-03-11_b.md", &err) == 0 &&
	   exl_index_open(root, "103", "103", "g/2026-03-11_c.md", &err) == 0 &&
	   exl_index_end(root, "103", "103", "g/2026-03-11_c.md", now - 3600,
			 now, &err) == 0, "an index: two open runs, one ended");

	/* just changed: a coarse clock could hide the next change */
	check(now - DAY, 1, 0, "fresh index");
	ok(stat(snap, &st) < 0, "a directory changed this second: not saved");
	sleep(2);
	check(now - DAY, 0, 0, "without save");
	ok(stat(snap, &st) < 0, "without save: nothing written");
	check(now - DAY, 1, 0, "settled index");
	ok(stat(snap, &st) == 0, "saved");
	check(now - DAY, 1, 1, "next read");
	check(now, 1, 1, "a later since");
	check(now - 2 * DAY, 1, 0, "an earlier since than saved");

	/* any change to the index: read again */
	ok(exl_index_open(root, "104", "104", "g/2026-03-11_d.md", &err) == 0,
	   "a run opens");
	check(now - DAY, 1, 0, "after an open");
	sleep(2);
	check(now - DAY, 1, 0, "settled again");
	ok(exl_index_end(root, "104", "104", "g/2026-03-11_d.md", now, now,
			 &err) == 0, "it ends");
	check(now - DAY, 1, 0, "after an end");
	sleep(2);
	check(now - DAY, 1, 0, "settled a third time");
	check(now - DAY, 1, 1, "and used");

	/* hostile or damaged snapshots are never used */
	f = fopen(snap, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	ok(n > 0 && strstr(buf, "\nE\t101\t101\tg/2026-03-11_a.md\t0\t\n"),
	   "the snapshot lists 101");
	{
		char evil[4200];

		snprintf(evil, sizeof(evil), "%sE\t666\t666\t../../etc/x.md\t0\t\n",
			 buf);
		put(evil);
		check(now - DAY, 0, 0, "a path outside the root");
		snprintf(evil, sizeof(evil), "%sgarbage\n", buf);
		put(evil);
		check(now - DAY, 0, 0, "a malformed line");
		snprintf(evil, sizeof(evil), "%s", buf);
		evil[strlen(evil) - 1] = '\0';
		put(evil);
		check(now - DAY, 0, 0, "cut short");
		nl = strchr(buf, '\n');
		snprintf(evil, sizeof(evil), "%s", nl ? nl + 1 : "");
		put(evil);
		check(now - DAY, 0, 0, "no header");
		snprintf(evil, sizeof(evil), "exp-log index snapshot 1\t0\t0\n"
			 "E\t101\t101\tg/2026-03-11_a.md\t0\t\n");
		put(evil);
		check(now - DAY, 0, 0, "entries without directories");
		snprintf(evil, sizeof(evil), "exp-log index snapshot 1\t0\t0\n"
			 "D\topen\t\t1\t1\t1\t1\n"
			 "E\t101\t101\tg/2026-03-11_a.md\t0\t\n");
		put(evil);
		check(now - DAY, 0, 0, "another directory's identity");
	}
	ok(unlink(snap) == 0, "snapshot removed");
	check(now - DAY, 1, 0, "no snapshot");
	check(now - DAY, 1, 1, "written again");
	if (chdir("/") == 0)
		tmpdir_remove(root);
	return done_testing();
}
