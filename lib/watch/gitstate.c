/* gitstate.c - branch, commit and dirty flag through libgit2, which is
 * loaded on first use (git2_lazy.h): every git_* call below goes through
 * the table G points at. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fileio.h"
#include "watch/git2_lazy.h"
#include "watch/gitstate.h"
#include "util/sha256file.h"

/* the loaded table, set by exl_gitstate_read and _write_patch before
 * any other function here runs */
static const struct exl_git2 *G;

static void git_fail(struct exl_gitstate *gs, const char *what)
{
	const git_error *e = G->git_error_last();

	snprintf(gs->error, sizeof(gs->error), "%s: %s", what,
		 e && e->message ? e->message : "unknown libgit2 error");
}

/* head_diff: tracked changes from HEAD's tree to the work tree (with
 * the index), the same set "git diff HEAD" shows. */
static int head_diff(git_repository *repo, git_diff **diff)
{
	git_diff_options opts;
	git_object *obj = NULL;
	git_tree *tree = NULL;
	int rc;

	if (G->git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION) < 0)
		return -1;
	opts.flags = GIT_DIFF_IGNORE_SUBMODULES;
	if (G->git_revparse_single(&obj, repo, "HEAD^{tree}") < 0)
		return -1;
	tree = (git_tree *)obj;
	rc = G->git_diff_tree_to_workdir_with_index(diff, repo, tree, &opts);
	G->git_tree_free(tree);
	return rc;
}

static void read_diffstat(git_repository *repo, struct exl_gitstate *gs)
{
	git_diff *diff = NULL;
	git_diff_stats *stats = NULL;
	size_t f, ins, del;

	if (head_diff(repo, &diff) < 0 ||
	    G->git_diff_get_stats(&stats, diff) < 0)
		goto out;
	f = G->git_diff_stats_files_changed(stats);
	ins = G->git_diff_stats_insertions(stats);
	del = G->git_diff_stats_deletions(stats);
	if (f)
		snprintf(gs->diffstat, sizeof(gs->diffstat),
			 "%zu file%s changed, %zu insertion%s(+), %zu deletion%s(-)",
			 f, f == 1 ? "" : "s", ins, ins == 1 ? "" : "s", del,
			 del == 1 ? "" : "s");
out:
	G->git_diff_stats_free(stats);
	G->git_diff_free(diff);
}

/* is_dirty: any change to tracked files in index or work tree. */
static int is_dirty(git_repository *repo)
{
	git_status_options opts;
	git_status_list *list = NULL;
	size_t n;

	if (G->git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION) < 0)
		return -1;

	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (G->git_status_list_new(&list, repo, &opts) < 0)
		return -1;
	n = G->git_status_list_entrycount(list);
	G->git_status_list_free(list);
	return n > 0;
}

/* has_entry: dir/name exists (a dangling link counts). */
static int has_entry(const char *dir, const char *name)
{
	char p[4096 + 8];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "", name);
	return lstat(p, &st) == 0;
}

int exl_gitstate_maybe_repo(const char *dir)
{
	char buf[4096], *slash;
	struct stat st;

	/* libgit2's own verdict (an error) on what we can't walk */
	if (!dir || dir[0] != '/' || strlen(dir) >= sizeof(buf) ||
	    stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 1;
	snprintf(buf, sizeof(buf), "%s", dir);
	for (;;) {
		/* a work tree's .git (directory, gitlink file or link), or
		 * a bare repository's HEAD */
		if (has_entry(buf, ".git") || has_entry(buf, "HEAD"))
			return 1;
		if (strcmp(buf, "/") == 0)
			return 0;
		slash = strrchr(buf, '/');
		if (slash == buf)
			buf[1] = '\0';
		else
			*slash = '\0';
	}
}

int exl_gitstate_read(const char *dir, struct exl_gitstate *gs)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	const git_oid *oid;
	const char *wd;
	struct exl_err lerr;
	int rc, dirty;

	memset(gs, 0, sizeof(*gs));
	if (!exl_gitstate_maybe_repo(dir))
		return 0;
	if (!(G = exl_git2(&lerr))) {
		/* information only: say why, like an unreadable repository */
		snprintf(gs->error, sizeof(gs->error), "%.255s", lerr.text);
		return 0;
	}
	G->git_libgit2_init();
	rc = G->git_repository_open_ext(&repo, dir, 0, NULL);
	if (rc == GIT_ENOTFOUND)
		goto out;
	if (rc < 0) {
		git_fail(gs, "couldn't open repository");
		goto out;
	}
	gs->found = 1;
	wd = G->git_repository_workdir(repo);
	snprintf(gs->repo, sizeof(gs->repo), "%s",
		 wd ? wd : G->git_repository_path(repo));
	if (strlen(gs->repo) > 1 && gs->repo[strlen(gs->repo) - 1] == '/')
		gs->repo[strlen(gs->repo) - 1] = '\0';
	rc = G->git_repository_head(&head, repo);
	if (rc == GIT_EUNBORNBRANCH) {
		snprintf(gs->branch, sizeof(gs->branch), "(no commits yet)");
	} else if (rc < 0) {
		git_fail(gs, "couldn't read HEAD");
		goto out;
	} else {
		if (G->git_repository_head_detached(repo) == 1)
			snprintf(gs->branch, sizeof(gs->branch), "HEAD (detached)");
		else
			snprintf(gs->branch, sizeof(gs->branch), "%s",
				 G->git_reference_shorthand(head));
		oid = G->git_reference_target(head);
		if (oid)
			G->git_oid_tostr(gs->commit, sizeof(gs->commit), oid);
	}
	if (!G->git_repository_is_bare(repo)) {
		dirty = is_dirty(repo);
		if (dirty < 0)
			git_fail(gs, "couldn't read status");
		else
			gs->dirty = dirty;
		if (dirty > 0 && gs->commit[0])
			read_diffstat(repo, gs);
	}
out:
	G->git_reference_free(head);
	G->git_repository_free(repo);
	G->git_libgit2_shutdown();
	return 0;
}

int exl_gitstate_write_patch(const char *dir, const char *path,
			     size_t max_bytes, char sha_hex[65],
			     struct exl_err *err)
{
	git_repository *repo = NULL;
	git_diff *diff = NULL;
	git_buf buf = { 0 };
	size_t len;
	int rc = -1;

	if (!(G = exl_git2(err)))
		return -1;
	G->git_libgit2_init();
	if (G->git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
		rc = 1;
		goto out;
	}
	if (head_diff(repo, &diff) < 0 ||
	    G->git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH) < 0) {
		const git_error *e = G->git_error_last();

		exl_errf(err, "couldn't diff %s: %s", dir,
			 e && e->message ? e->message : "libgit2 error");
		goto out;
	}
	if (buf.size == 0) {
		rc = 1;
		goto out;
	}
	len = buf.size;
	if (len > max_bytes) {
		static const char cut[] = "\n# exp-log: patch cut at the size limit\n";

		len = max_bytes;
		memcpy(buf.ptr + len - (sizeof(cut) - 1), cut, sizeof(cut) - 1);
	}
	if (exl_sha256_buf(buf.ptr, len, sha_hex) < 0) {
		exl_errf(err, "couldn't hash the patch of %s", dir);
		goto out;
	}
	rc = exl_write_atomic(path, buf.ptr, len, 0644, err);
out:
	G->git_buf_dispose(&buf);
	G->git_diff_free(diff);
	G->git_repository_free(repo);
	G->git_libgit2_shutdown();
	return rc;
}
