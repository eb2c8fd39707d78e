/* Unit tests: the team-root permission rules of `runlog lint`
 * (lint_share.c): what would keep other members out, and the repair. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runstore/lint_share.h"
#include "tap.h"

static char dir[] = "/tmp/exl-share-XXXXXX";

static char *p(const char *name)
{
	return tap_path(dir, name);
}

static int has(const struct exl_findings *f, const char *rule,
	       const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].rule, rule) &&
		    !strcmp(f->v[i].file, name[0] ? p(name) : dir))
			return 1;
	return 0;
}

static void put(const char *name, mode_t mode)
{
	int fd = open(p(name), O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd >= 0) {
		if (write(fd, "x\n", 2) != 2)
			diag("short write to %s", name);
		close(fd);
	}
	chmod(p(name), mode);
}

int main(void)
{
	struct exl_findings f = { 0 };
	struct exl_share_plan plan;
	struct stat st;
	size_t i;
	int bad = 0;

	if (!mkdtemp(dir))
		return 1;
	/* a one-user root: nothing to say */
	chmod(dir, 0755);
	mkdir(p("g"), 0755);
	put("g/a.md", 0644);
	exl_lint_share(dir, &f, &plan);
	is_int(f.n, 0, "one-user root: no finding");
	is_int(plan.team, 0, "not a team root");
	exl_share_plan_free(&plan);

	/* group-writable, not setgid, a 0755 group dir, a 0644 run log */
	chmod(dir, 0775);
	put("g/private", 0600);
	exl_lint_share(dir, &f, &plan);
	ok(plan.team, "group-writable root: a team root");
	ok(has(&f, "share-setgid", ""), "root without setgid reported");
	ok(has(&f, "share-dir", "g"), "0755 directory reported");
	ok(has(&f, "share-file", "g/a.md"), "0644 file reported");
	ok(!has(&f, "share-file", "g/private"), "0600 file is private: skipped");
	ok(f.n && strstr(f.v[f.n - 1].fix, "chmod g+rw"), "fix names chmod: %s",
	   f.n ? f.v[f.n - 1].fix : "");
	if (geteuid() == 0) {
		/* a file outside the root's group (root may chown) */
		ok(chown(p("g/a.md"), (uid_t)-1, 1) == 0, "file in another group");
		exl_findings_free(&f);
		exl_share_plan_free(&plan);
		exl_lint_share(dir, &f, &plan);
		ok(f.n && has(&f, "share-file", "g/a.md"), "other group reported");
	} else {
		ok(1, "# SKIP chgrp case needs root");
		ok(1, "# SKIP chgrp case needs root");
	}
	for (i = 0; i < plan.n; i++)
		if (exl_share_repair(&plan, &plan.v[i]) < 0)
			bad++;
	is_int(bad, 0, "every repair done");
	ok(stat(p("g"), &st) == 0 && (st.st_mode & 07777) == 02775,
	   "directory now 2775");
	ok(stat(p("g/a.md"), &st) == 0 && (st.st_mode & 07777) == 0664 &&
	   stat(dir, &st) == 0 && lstat(p("g/a.md"), &st) == 0 &&
	   st.st_gid == plan.gid, "file now 0664 in the root's group");
	exl_findings_free(&f);
	exl_share_plan_free(&plan);
	exl_lint_share(dir, &f, &plan);
	is_int(f.n, 0, "clean after the repair");
	/* a symlink is neither followed nor reported */
	ok(symlink("/etc/passwd", p("g/link")) == 0, "plant a symlink");
	exl_findings_free(&f);
	exl_share_plan_free(&plan);
	exl_lint_share(dir, &f, &plan);
	is_int(f.n, 0, "symlink ignored");
	exl_findings_free(&f);
	exl_share_plan_free(&plan);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("couldn't remove %s", dir);
	}
	return done_testing();
}
