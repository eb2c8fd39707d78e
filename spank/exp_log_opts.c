/* exp_log_opts.c - option registration and callbacks (thin plugin).
 *
 * Options are registered with spank_option_register() from
 * slurm_spank_init: Slurm 22.05 ignores a static spank_options table in
 * sbatch/salloc.  The table itself (names, usage, rules) lives in
 * lib/options.c, compiled into this plugin.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/spank.h>

#include "exp_log_core.h"
#include "exp_log_thin.h"
#include "opts/options.h"

struct exp_log_thin exp_log_thin;

/* exp_log_opt_cb: one callback for every option; val is the option id.
 * On the submit side (remote == 0) files named by options are checked
 * against the submit directory, where they are meant to be. */
static int exp_log_opt_cb(int val, const char *arg, int remote)
{
	struct exp_log_thin *t = &exp_log_thin;
	const struct exp_log_core_ops *core;
	struct exl_err err;

	if (exl_opts_set(&t->opts, (enum exl_opt_id)val, arg, &err) < 0) {
		slurm_error("%s", err.text);
		t->opts_failed = 1;
		return -1;
	}
	if (!remote && val == EXL_OPT_CONFIG && access(arg, R_OK) < 0) {
		slurm_error("exp-log: --exp-config: can't read '%s': %s: give a readable config file",
			    arg, strerror(errno));
		t->opts_failed = 1;
		return -1;
	}
	/* a checkpoint may come from a job this one depends on: warn, and
	 * the run log records it as given */
	if (!remote && val == EXL_OPT_CHECKPOINT && access(arg, F_OK) < 0)
		slurm_info("exp-log: warning: --exp-checkpoint: '%s' does not exist now (%s); recorded as given",
			   arg, strerror(errno));
	/* sbatch ignores a failing init_post_opt: refuse here instead */
	if (!remote && val == EXL_OPT_LOG &&
	    (!(core = exp_log_thin_core()) || core->check_root() < 0)) {
		t->opts_failed = 1;
		return -1;
	}
	return 0;
}

/* to_spank: a struct spank_option for one table entry. */
static void to_spank(const struct exl_option_desc *d, struct spank_option *o)
{
	memset(o, 0, sizeof(*o));
	o->name = (char *)d->name;
	o->arginfo = (char *)d->arginfo;
	o->usage = (char *)d->usage;
	o->has_arg = d->has_arg;
	o->val = (int)d->id;
	o->cb = exp_log_opt_cb;
}

int exp_log_register_options(spank_t sp)
{
	const struct exl_option_desc *d;
	struct spank_option o;
	spank_err_t rc;

	for (d = exl_option_table; d->name; d++) {
		to_spank(d, &o);
		rc = spank_option_register(sp, &o);
		if (rc != ESPANK_SUCCESS) {
			slurm_error("exp-log: couldn't register --%s: %s",
				    d->name, spank_strerror(rc));
			return -1;
		}
	}
	return 0;
}

int exp_log_getopts(spank_t sp)
{
	const struct exl_option_desc *d;
	struct spank_option o;
	char *arg;

	for (d = exl_option_table; d->name; d++) {
		to_spank(d, &o);
		arg = NULL;
		if (spank_option_getopt(sp, &o, &arg) != ESPANK_SUCCESS)
			continue;
		if (exp_log_opt_cb((int)d->id, arg, 1) < 0)
			return -1;
	}
	return 0;
}

const struct exp_log_core_ops *exp_log_thin_core(void)
{
	struct exp_log_thin *t = &exp_log_thin;
	const struct exp_log_core_ops *core = exp_log_core();

	if (core && !t->core_inited) {
		core->init(t->ac, t->av, &t->opts);
		t->core_inited = 1;
	}
	return core;
}
