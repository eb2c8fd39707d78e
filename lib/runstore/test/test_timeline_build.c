/* Unit tests: rebuilding timeline.md from the run logs present. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "runstore/timeline.h"
#include "runstore/timeline_build.h"

int main(void)
{
	struct exl_tl_file files[] = {
		{ "2026-02-21_train.md", 0 },
		{ "2026-02-20_train.md", 0 },
		{ "2026-02-20_train_2.md", 0 },
		{ "eval.md", 1771848000 },	/* 2026-02-23 12:00 UTC */
	};
	char *t;
	int changed;

	setenv("TZ", "UTC", 1);
	t = exl_timeline_rebuild(NULL, "Arx5 Multitask", files, 4, &changed);
	is_str(t, "# Arx5 Multitask Timeline\n\n"
	       "1. `2026-02-20_train.md` — Friday, Feb 20th\n"
	       "2. `2026-02-20_train_2.md` — Friday, Feb 20th\n"
	       "3. `2026-02-21_train.md` — Saturday, Feb 21st\n"
	       "4. `eval.md` — Monday, Feb 23rd\n",
	       "new timeline in date order, _2 after its twin");
	ok(changed, "changed");
	free(t);

	t = exl_timeline_rebuild("# Mine\n\nintro line\n\n"
				 "1. `2026-02-21_train.md` — Sat — diverged!\n"
				 "  a note under it\n"
				 "2. `gone.md` — kept although missing\n",
				 "X", files, 3, &changed);
	is_str(t, "# Mine\n\nintro line\n\n"
	       "1. `2026-02-20_train.md` — Friday, Feb 20th\n"
	       "2. `2026-02-20_train_2.md` — Friday, Feb 20th\n"
	       "3. `2026-02-21_train.md` — Sat — diverged!\n"
	       "  a note under it\n"
	       "4. `gone.md` — kept although missing\n",
	       "title, prose, remarks and notes kept; renumbered");
	free(t);

	t = exl_timeline_rebuild("# T\n\n1. `2026-02-20_train.md` — Friday, Feb 20th\n",
				 "T", files + 1, 1, &changed);
	ok(t && !changed, "complete timeline: unchanged");
	free(t);
	{
		/* one order with the plugin, which appends at job start: the
		 * start the logs record, not the name, decides within a day */
		struct exl_tl_file two[] = {
			{ "2026-02-25_alpha.md", 1772031600 },	/* 15:00 UTC */
			{ "2026-02-25_zeta.md", 1772028000 },	/* 14:00 UTC */
		};

		t = exl_timeline_rebuild(NULL, "T", two, 2, &changed);
		is_str(t, "# T Timeline\n\n"
		       "1. `2026-02-25_zeta.md` — Wednesday, Feb 25th\n"
		       "2. `2026-02-25_alpha.md` — Wednesday, Feb 25th\n",
		       "same day: ordered by the logs' start times");
		free(t);
		t = exl_timeline_rebuild("# T Timeline\n\n"
					 "1. `2026-02-25_zeta.md` — Wednesday, Feb 25th\n"
					 "2. `2026-02-25_alpha.md` — Wednesday, Feb 25th\n",
					 "T", two, 2, &changed);
		ok(t && !changed, "the plugin's own order is not renumbered");
		free(t);
	}
	{
		/* array tasks that started in the same second keep the order
		 * their starts appended them in; one not listed goes after */
		struct exl_tl_file same[] = {
			{ "2026-02-25_t1.md", 1772028000 },
			{ "2026-02-25_t2.md", 1772028000 },
			{ "2026-02-25_t0.md", 1772028000 },
		};
		const char *old = "# T Timeline\n\n"
			"1. `2026-02-25_t2.md` — Wednesday, Feb 25th\n"
			"2. `2026-02-25_t1.md` — Wednesday, Feb 25th\n";

		t = exl_timeline_rebuild(old, "T", same, 2, &changed);
		ok(t && !changed, "same second: the listed order is kept");
		free(t);
		t = exl_timeline_rebuild(old, "T", same, 3, &changed);
		is_str(t, "# T Timeline\n\n"
		       "1. `2026-02-25_t2.md` — Wednesday, Feb 25th\n"
		       "2. `2026-02-25_t1.md` — Wednesday, Feb 25th\n"
		       "3. `2026-02-25_t0.md` — Wednesday, Feb 25th\n",
		       "same second: an unlisted run after the listed ones");
		free(t);
		t = exl_timeline_rebuild(NULL, "T", same, 3, &changed);
		is_str(t, "# T Timeline\n\n"
		       "1. `2026-02-25_t0.md` — Wednesday, Feb 25th\n"
		       "2. `2026-02-25_t1.md` — Wednesday, Feb 25th\n"
		       "3. `2026-02-25_t2.md` — Wednesday, Feb 25th\n",
		       "same second, nothing listed: by file name");
		free(t);
		is_int(exl_timeline_offset(old, "2026-02-25_t1.md"),
		       strstr(old, "`2026-02-25_t1.md`") - old, "offset of a listed run");
		is_int(exl_timeline_offset(old, "2026-02-25_t0.md"), -1,
		       "an unlisted run has none");
	}
	t = exl_timeline_rebuild("", "Run Logs", files, 0, &changed);
	is_str(t, "# Run Logs Timeline\n\n", "empty");
	free(t);
	ok(exl_timeline_lists("1. `a.md` — x", "a.md"), "lists");
	ok(!exl_timeline_lists("1. `ba.md` — x", "a.md"), "not a suffix match");
	ok(!exl_timeline_lists(NULL, "a.md"), "no text");
	return done_testing();
}
