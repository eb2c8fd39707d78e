/* Unit tests: timeline.md entries. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tap.h"
#include "tmpdir.h"
#include "runstore/timeline.h"
#include "util/fileio.h"

static ino_t ino(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? st.st_ino : 0;
}

/* The group's timeline through its spare file: after the second write
 * the same two files take turns (a job array's starts create and free
 * no file for it), the text is what a fresh file would hold, and a
 * removal goes the same way. */
static void through_spare(time_t when)
{
	char dir[64], *tl, *sp, *text = NULL;
	struct exl_err err;
	ino_t a, b;
	int i, rc = 0, turns = 1;

	if (!tmpdir_make(dir, sizeof(dir)))
		tap_bail("mkdtemp");
	tl = strdup(tap_path(dir, "timeline.md"));
	sp = strdup(tap_path(dir, "g.timeline.prev"));
	if (!tl || !sp)
		tap_bail("strdup");
	ok(exl_timeline_update(dir, sp, "g", "2026-02-20_t_1.md", when, NULL,
			       &err) == 0 && access(sp, F_OK) != 0,
	   "spare: the first write makes the timeline, no spare yet");
	a = ino(tl);
	ok(exl_timeline_update(dir, sp, "g", "2026-02-20_t_2.md", when, NULL,
			       &err) == 0 && ino(sp) == a,
	   "spare: the second keeps the version it replaced as the spare");
	b = ino(tl);
	for (i = 3; i <= 6; i++) {
		char name[32];

		snprintf(name, sizeof(name), "2026-02-20_t_%d.md", i);
		rc |= exl_timeline_update(dir, sp, "g", name, when, NULL, &err);
		turns &= (ino(tl) == a && ino(sp) == b) ||
			 (ino(tl) == b && ino(sp) == a);
	}
	ok(rc == 0 && turns, "spare: four more starts, the same two files");
	ok(exl_timeline_remove(dir, sp, "2026-02-20_t_3.md", &err) == 0 &&
	   exl_read_file(tl, 1 << 20, &text, NULL, &err) == 0,
	   "spare: a run taken back");
	is_str(text, "# G Timeline\n\n"
	       "1. `2026-02-20_t_1.md` — Friday, Feb 20th\n"
	       "2. `2026-02-20_t_2.md` — Friday, Feb 20th\n"
	       "4. `2026-02-20_t_4.md` — Friday, Feb 20th\n"
	       "5. `2026-02-20_t_5.md` — Friday, Feb 20th\n"
	       "6. `2026-02-20_t_6.md` — Friday, Feb 20th\n",
	       "spare: the timeline reads as if each write were fresh");
	free(text);
	free(tl);
	free(sp);
	tmpdir_remove(dir);
}

int main(void)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 1, .tm_mday = 20,
			 .tm_hour = 12, .tm_isdst = -1 };
	char *t1, *t2, *t3, *t4;
	time_t when;
	int added;

	/* the same-second tie rule: listed by position, then by name */
	ok(exl_timeline_tie(5, "b.md", 9, "a.md") < 0 &&
	   exl_timeline_tie(9, "a.md", 5, "b.md") > 0,
	   "tie: listed runs by their position, not their name");
	ok(exl_timeline_tie(40, "z.md", -1, "a.md") < 0 &&
	   exl_timeline_tie(-1, "a.md", 40, "z.md") > 0,
	   "tie: a listed run before an unlisted one");
	ok(exl_timeline_tie(-1, "a.md", -1, "b.md") < 0 &&
	   exl_timeline_tie(-1, "b.md", -1, NULL) == 0,
	   "tie: unlisted runs by name; 0 when nothing tells");
	setenv("TZ", "UTC", 1);
	tzset();
	when = mktime(&tm);
	t1 = exl_timeline_add(NULL, "Arx5 Multitask", "2026-02-20_train.md",
			      when, NULL, &added);
	is_str(t1, "# Arx5 Multitask Timeline\n\n1. `2026-02-20_train.md` — Friday, Feb 20th\n",
	       "new timeline");
	ok(added, "added");
	t2 = exl_timeline_add(t1, "x", "2026-02-21_train.md", when + 86400,
			      "depends on afterok:12 (stage 1 prep of chain p, group p)",
			      &added);
	ok(added && strstr(t2, "2. `2026-02-21_train.md` — Saturday, Feb 21st — depends on afterok:12 (stage 1 prep of chain p, group p)\n"),
	   "second entry numbered 2, with its chain note");
	t3 = exl_timeline_add(t2, "x", "2026-02-21_train.md", when, NULL, &added);
	ok(!added && strcmp(t3, t2) == 0, "duplicate entry not added");
	t4 = exl_timeline_add("# T Timeline\n\n1. `a.md` — x\nhuman note\n7. `b.md` — y",
			      "x", "c.md", when, NULL, &added);
	is_str(t4, "# T Timeline\n\n1. `a.md` — x\nhuman note\n7. `b.md` — y\n8. `c.md` — Friday, Feb 20th\n",
	       "numbering continues after human edits; missing newline fixed");
	free(t1);
	free(t2);
	free(t3);
	free(t4);

	{
		long n = -1;

		is_str(exl_timeline_entry("12. `a.md` — x", &n), "`a.md` — x",
		       "entry text");
		is_int(n, 12, "entry number");
		ok(!exl_timeline_entry("3.", NULL) && !exl_timeline_entry("3.x", NULL) &&
		   !exl_timeline_entry(" 3. x", NULL) && !exl_timeline_entry("- 3. x", NULL),
		   "not entries");
		ok(exl_timeline_entry("0. x", &n) && n == 0, "0 is a number too");
		/* issue 19: the next number must not wrap to a negative one */
		ok(!exl_timeline_entry("9223372036854775807. x", &n),
		   "LONG_MAX is no entry (its successor would wrap)");
		ok(!exl_timeline_entry("99999999999999999999. x", &n),
		   "a number past LONG_MAX is no entry");
		t1 = exl_timeline_add("# T Timeline\n\n9223372036854775807. `a.md` — x\n",
				      "x", "b.md", when, NULL, &added);
		ok(t1 && !strstr(t1, "-9223372036854775808") &&
		   strstr(t1, "\n1. `b.md`"), "the new entry is numbered 1, not wrapped");
		free(t1);
	}
	{
		const char *tl = "# T Timeline\n\n1. `a.md` — x\nhuman note "
				 "on `b.md`\n2. `b.md` — y\n3. `c.md` — z\n";
		int dropped = -1;

		t1 = exl_timeline_drop(tl, "b.md", &dropped);
		is_str(t1, "# T Timeline\n\n1. `a.md` — x\nhuman note on "
		       "`b.md`\n3. `c.md` — z\n",
		       "a taken-back run's entry dropped, a person's line naming "
		       "it and the other numbers kept");
		ok(dropped == 1, "said so");
		free(t1);
		t1 = exl_timeline_drop(tl, "d.md", &dropped);
		ok(t1 && strcmp(t1, tl) == 0 && dropped == 0,
		   "a run not listed: the text as it was");
		free(t1);
		t1 = exl_timeline_drop("1. `b.md` — y", "b.md", &dropped);
		ok(t1 && !*t1 && dropped == 1, "the last line without a newline");
		free(t1);
	}
	through_spare(when);
	return done_testing();
}
