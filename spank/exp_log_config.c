/* exp_log_config.c - the site and user configuration in the plugin.
 *
 * The site file comes from plugstack.conf's config= (default
 * /etc/slurm/exp-log.yaml), the user's from ~/.config/exp-log.yaml.  An
 * invalid file never stops a job: each problem is one line naming file,
 * line and key, shown to the user at submission and in the run log.
 * In slurmstepd (saved uid 0) the user's file is parsed in a child that
 * dropped to the job user for good (exp_log_load_config_as,
 * config/config_flat.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/spank.h>

#include "exp_log.h"
#include "config/config_flat.h"

/* loaded: the options the command line left unset, from the view just
 * loaded. */
static int loaded(void)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	struct exl_err err;

	c->cfg_loaded = 1;
	if (exl_opts_apply_config(c->opts, &c->cfg, &err) < 0) {
		slurm_error("%s", err.text);
		return -1;
	}
	return 0;
}

/* How long the user file may take to parse where a child does it. */
#define EXP_LOG_SELF_CONFIG_TIMEOUT_S 60

int exp_log_load_config(const char *user_home)
{
	gid_t groups[256];
	int n = getgroups(256, groups);
	struct exl_config_user u = {
		.uid = getuid(), .gid = getgid(), .groups = groups,
		.ngroups = n < 0 ? 0 : n,
		.timeout_s = EXP_LOG_SELF_CONFIG_TIMEOUT_S,
	};
	const char *home = user_home ? user_home : getenv("HOME");

	/* the same checked path as the job's (exl_config_flat_check), so the
	 * submission and the job take the same view of a user file; as the
	 * user already, it runs in this process */
	return exp_log_load_config_as(&u, home && home[0] == '/' ? home : NULL);
}

int exp_log_load_config_as(const struct exl_config_user *u,
			   const char *user_home)
{
	struct exp_log_ctx *c = &exp_log_ctx;
	char user_path[4200];

	if (c->cfg_loaded)
		return 0;
	memset(&c->probs, 0, sizeof(c->probs));
	if (user_home && snprintf(user_path, sizeof(user_path), "%s/%s",
				  user_home, EXL_CONFIG_USER_PATH) >=
			 (int)sizeof(user_path))
		user_home = NULL;
	exl_config_load_as_user(&c->cfg, c->pargs.site_config,
				user_home ? user_path : NULL, u, &c->probs);
	return loaded();
}

int exp_log_root_allowed(const char *root, struct exl_err *err)
{
	return exl_config_root_allowed(&exp_log_ctx.cfg, root, err);
}
