/* Unit tests: the code state of a submit directory (libgit2, loaded on
 * first use) and the look up the tree that spares loading it outside a
 * repository.  Repositories are made with the git command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "watch/gitstate.h"
#include "tap.h"

static char dir[] = "/tmp/exl-gitstate-XXXXXX";

/* sh: run a shell command in dir; 0 on success. */
static int sh(const char *cmd)
{
	char line[2048];

	snprintf(line, sizeof(line),
		 "cd '%s' && (%s) >/dev/null 2>&1", dir, cmd);
	return system(line);
}

static void outside(void)
{
	struct exl_gitstate gs;
	char sub[600];

	snprintf(sub, sizeof(sub), "%s/plain/deeper", dir);
	ok(sh("mkdir -p plain/deeper") == 0,
	   "a directory outside any repository");
	is_int(exl_gitstate_maybe_repo(sub), 0, "no .git or HEAD up to /");
	ok(exl_gitstate_read(sub, &gs) == 0 && !gs.found && !gs.error[0],
	   "read: not a repository, no error");
	is_int(exl_gitstate_maybe_repo("relative/dir"), 1,
	       "a relative path: left to libgit2");
	snprintf(sub, sizeof(sub), "%s/missing", dir);
	is_int(exl_gitstate_maybe_repo(sub), 1,
	       "a missing directory: left to libgit2");
	ok(sh("mkdir -p bare/x && touch bare/HEAD") == 0,
	   "a bare-looking directory");
	snprintf(sub, sizeof(sub), "%s/bare/x", dir);
	is_int(exl_gitstate_maybe_repo(sub), 1,
	       "below a HEAD: maybe a repository");
}

static void inside(void)
{
	struct exl_gitstate gs;
	char wt[600], sub[600];

	if (sh("git --version") != 0) {
		ok(1, "# SKIP no git command");
		return;
	}
	ok(sh("mkdir -p repo/src && cd repo && git init -q -b main . && "
	      "git config user.email t@example.org && "
	      "git config user.name t && "
	      "echo a >src/f && git add src/f && git commit -q -m one") == 0,
	   "a repository with one commit");
	snprintf(wt, sizeof(wt), "%s/repo", dir);
	snprintf(sub, sizeof(sub), "%s/repo/src", dir);
	is_int(exl_gitstate_maybe_repo(sub), 1,
	       "below .git: maybe a repository");
	ok(exl_gitstate_read(sub, &gs) == 0 && gs.found,
	   "found from a subdirectory");
	is_str(gs.repo, wt, "its work tree");
	is_str(gs.branch, "main", "branch");
	is_int((long long)strlen(gs.commit), 40, "a full commit id");
	ok(!gs.dirty && !gs.diffstat[0] && !gs.error[0], "clean");
	ok(sh("echo b >>repo/src/f") == 0, "change a tracked file");
	ok(exl_gitstate_read(sub, &gs) == 0 && gs.dirty, "dirty");
	is_str(gs.diffstat, "1 file changed, 1 insertion(+), 0 deletions(-)",
	       "diffstat");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	outside();
	inside();
	{
		char rm[600];

		snprintf(rm, sizeof(rm), "rm -rf -- '%s'", dir);
		if (system(rm) != 0)
			diag("couldn't remove %s", dir);
	}
	return done_testing();
}
