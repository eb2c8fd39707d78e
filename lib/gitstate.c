/* gitstate.c - branch, commit and dirty flag through libgit2. */
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "gitstate.h"

static void git_fail(struct exl_gitstate *gs, const char *what)
{
	const git_error *e = git_error_last();

	snprintf(gs->error, sizeof(gs->error), "%s: %s", what,
		 e && e->message ? e->message : "unknown libgit2 error");
}

/* is_dirty: any change to tracked files in index or work tree. */
static int is_dirty(git_repository *repo)
{
	git_status_options opts;
	git_status_list *list = NULL;
	size_t n;

	if (git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION) < 0)
		return -1;

	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, repo, &opts) < 0)
		return -1;
	n = git_status_list_entrycount(list);
	git_status_list_free(list);
	return n > 0;
}

int exl_gitstate_read(const char *dir, struct exl_gitstate *gs)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	const git_oid *oid;
	const char *wd;
	int rc, dirty;

	memset(gs, 0, sizeof(*gs));
	git_libgit2_init();
	rc = git_repository_open_ext(&repo, dir, 0, NULL);
	if (rc == GIT_ENOTFOUND)
		goto out;
	if (rc < 0) {
		git_fail(gs, "couldn't open repository");
		goto out;
	}
	gs->found = 1;
	wd = git_repository_workdir(repo);
	snprintf(gs->repo, sizeof(gs->repo), "%s",
		 wd ? wd : git_repository_path(repo));
	if (strlen(gs->repo) > 1 && gs->repo[strlen(gs->repo) - 1] == '/')
		gs->repo[strlen(gs->repo) - 1] = '\0';
	rc = git_repository_head(&head, repo);
	if (rc == GIT_EUNBORNBRANCH) {
		snprintf(gs->branch, sizeof(gs->branch), "(no commits yet)");
	} else if (rc < 0) {
		git_fail(gs, "couldn't read HEAD");
		goto out;
	} else {
		if (git_repository_head_detached(repo) == 1)
			snprintf(gs->branch, sizeof(gs->branch), "HEAD (detached)");
		else
			snprintf(gs->branch, sizeof(gs->branch), "%s",
				 git_reference_shorthand(head));
		oid = git_reference_target(head);
		if (oid)
			git_oid_tostr(gs->commit, sizeof(gs->commit), oid);
	}
	if (!git_repository_is_bare(repo)) {
		dirty = is_dirty(repo);
		if (dirty < 0)
			git_fail(gs, "couldn't read status");
		else
			gs->dirty = dirty;
	}
out:
	git_reference_free(head);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return 0;
}
