/* gitstate.h - code state of the repository a job was submitted from. */
#ifndef EXL_GITSTATE_H
#define EXL_GITSTATE_H

#include "util/exl_err.h"

struct exl_gitstate {
	int found;		/* a repository contains the directory */
	char repo[4096];	/* its work tree */
	char branch[256];	/* "HEAD (detached)" when detached */
	char commit[41];	/* full hex id, "" before the first commit */
	int dirty;		/* tracked files modified or staged */
	char diffstat[256];	/* "2 files changed, 5 insertions(+), 1 deletion(-)" */
	char error[256];	/* why the state could not be read, if so */
};

/* Read the state of the repository containing dir (libgit2).  Not being
 * in a repository is not an error (found = 0); an unreadable repository
 * fills error and returns 0 too: code state is information, never a
 * reason to fail a job. */
int exl_gitstate_read(const char *dir, struct exl_gitstate *gs);

/* Whether dir (absolute) or a directory above it could hold a repository
 * (a ".git" entry, or a bare repository's "HEAD"): 0 only when surely
 * not, and exl_gitstate_read then answers found = 0 without loading
 * libgit2 (a dozen libraries, and a CA bundle parsed at its init). */
int exl_gitstate_maybe_repo(const char *dir);

/* Write the uncommitted changes (HEAD to work tree, tracked files) of the
 * repository containing dir as a patch to path (atomically, at most
 * max_bytes; a larger patch is cut and says so).  *sha_hex gets the
 * patch's sha256.  Returns 1 when there is nothing to write. */
int exl_gitstate_write_patch(const char *dir, const char *path,
			     size_t max_bytes, char sha_hex[65],
			     struct exl_err *err);

#endif
