/* git2_lazy.h - libgit2, loaded with dlopen() on first use.
 *
 * libgit2 brings about a dozen shared libraries with it (mbedtls, ssh2,
 * kerberos, http-parser, ...).  Linked into exp_log_core.so, srun, the
 * step and the job epilog paid for loading them on every --exp-log job
 * although only the process that reads the job's repository uses them;
 * so nothing links libgit2 and gitstate.c calls it through this table,
 * filled the first time a repository is read.
 */
#ifndef EXL_GIT2_LAZY_H
#define EXL_GIT2_LAZY_H

#include <git2.h>

#include "util/exl_err.h"

/* Every libgit2 function gitstate.c calls. */
#define EXL_GIT2_FUNCTIONS(X) \
	X(git_libgit2_init) X(git_libgit2_shutdown) X(git_error_last) \
	X(git_repository_open_ext) X(git_repository_free) \
	X(git_repository_workdir) X(git_repository_path) \
	X(git_repository_is_bare) X(git_repository_head) \
	X(git_repository_head_detached) X(git_reference_shorthand) \
	X(git_reference_target) X(git_reference_free) X(git_oid_tostr) \
	X(git_revparse_single) X(git_tree_free) X(git_diff_options_init) \
	X(git_diff_tree_to_workdir_with_index) X(git_diff_get_stats) \
	X(git_diff_stats_files_changed) X(git_diff_stats_insertions) \
	X(git_diff_stats_deletions) X(git_diff_stats_free) X(git_diff_free) \
	X(git_diff_to_buf) X(git_buf_dispose) X(git_status_options_init) \
	X(git_status_list_new) X(git_status_list_entrycount) \
	X(git_status_list_free)

#define EXL_GIT2_FIELD(f) __typeof__(f) *f;
struct exl_git2 {
	EXL_GIT2_FUNCTIONS(EXL_GIT2_FIELD)
};
#undef EXL_GIT2_FIELD

/* The table, loaded on the first call (once per process; later calls
 * return the same table or the same failure).  NULL with err when
 * libgit2 (GIT2_SONAME) cannot be loaded. */
const struct exl_git2 *exl_git2(struct exl_err *err);

#endif
