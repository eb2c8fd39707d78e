/* config_user.c - the site file in the caller, the user file in a child
 * dropped to the job user for good (see config_flat.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_flat.h"
#include "config/config_impl.h"
#include "util/privdrop.h"

int exl_config_load_site(struct exl_config *c, const char *site_path,
			 struct exl_config_problems *probs)
{
	struct exl_cfg_load l = { .c = c, .file = "exp-log", .probs = probs };

	if (exl_config_defaults(c) < 0) {
		exl_cfg_problem(&l, 0, "", "out of memory");
		return -1;
	}
	if (exl_config_load_file(c, site_path ? site_path : EXL_CONFIG_SITE_PATH,
				 1, probs) < 0)
		return -1;
	return 0;
}

struct user_arg {
	struct exl_config *c;	/* the caller's site view */
	pid_t caller;		/* the caller's pid */
	const char *site_path;
	const char *user_path;
	const struct exl_config_user *u;
	struct exl_config_flat *out;
};

/* in_child: as the job user for good: layer the user file over the
 * site view and flatten the result.  In a forked child the view is the
 * child's copy; where exl_as_user_out runs this in the caller's process
 * (the caller already is the user: sbatch), over a view of its own from
 * the site file read again, so the caller's stays as it is until the
 * result is checked. */
static int in_child(void *arg, struct exl_err *err)
{
	struct user_arg *a = arg;
	struct exl_config_problems probs;
	struct exl_config view, *v = a->c;
	int rc;

	if (a->u->in_child)
		a->u->in_child(a->u->arg);
	memset(&probs, 0, sizeof(probs));
	if (getpid() == a->caller) {
		memset(&view, 0, sizeof(view));
		exl_config_load_site(&view, a->site_path, NULL);
		v = &view;
	}
	exl_config_load_file(v, a->user_path, 0, &probs);
	rc = exl_config_flat_pack(v, &probs, a->out, err);
	if (v == &view)
		exl_config_free(&view);
	return rc;
}

/* add_problems: the child's problem lines after the caller's. */
static void add_problems(struct exl_config_problems *probs,
			 const struct exl_config_problems *more)
{
	size_t i;

	for (i = 0; i < more->count; i++) {
		if (probs->count < EXL_CONFIG_PROBLEMS_MAX &&
		    i < EXL_CONFIG_PROBLEMS_MAX)
			snprintf(probs->msg[probs->count],
				 sizeof(probs->msg[0]), "%s", more->msg[i]);
		probs->count++;
	}
}

/* no_user_file: the user has no file at user_path, seen as the user
 * (the effective uid is uid: user_init, or the user's own sbatch), so
 * no child is forked to read nothing.  Only a missing file counts:
 * anything else (a symlink, no permission) goes to the child, which
 * says what is wrong with it.  Never looked at as anyone else. */
static int no_user_file(const char *user_path, uid_t uid)
{
	struct stat st;

	if (geteuid() != uid)
		return 0;
	return lstat(user_path, &st) < 0 &&
	       (errno == ENOENT || errno == ENOTDIR);
}

int exl_config_load_as_user(struct exl_config *c, const char *site_path,
			    const char *user_path,
			    const struct exl_config_user *u,
			    struct exl_config_problems *probs)
{
	struct exl_cfg_load l = { .c = c, .file = user_path, .probs = probs };
	static struct exl_config_flat flat;
	struct user_arg a = { c, getpid(), site_path, user_path, u, &flat };
	struct exl_err err;
	int rc;

	rc = exl_config_load_site(c, site_path, probs);
	if (!user_path || no_user_file(user_path, u->uid))
		return rc;
	memset(&flat, 0, sizeof(flat));
	if (exl_as_user_out(u->uid, u->gid, u->groups, u->ngroups,
			    u->timeout_s, in_child, &a, &flat, sizeof(flat),
			    &err) < 0) {
		exl_cfg_problem(&l, 0, "", "couldn't be read as the job user (%s); file ignored",
				err.text);
		return -1;
	}
	if (exl_config_flat_check(&flat, c, &err) < 0) {
		exl_cfg_problem(&l, 0, "", "refused (%s); file ignored",
				err.text);
		return -1;
	}
	if (exl_config_flat_apply(c, &flat) < 0) {
		exl_cfg_problem(&l, 0, "", "out of memory; file ignored");
		return -1;
	}
	if (flat.probs.count) {
		if (probs)
			add_problems(probs, &flat.probs);
		rc = -1;
	}
	return rc;
}
