/* config_opts.c - the merged configuration fills the options the
 * command line left unset (see config.h). */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "opts/options.h"
#include "util/names.h"

/* set_str: replace *slot by a copy of val; -1 when out of memory. */
static int set_str(char **slot, const char *val)
{
	char *c = val ? strdup(val) : NULL;

	if (val && !c)
		return -1;
	free(*slot);
	*slot = c;
	return 0;
}

int exl_opts_apply_config(struct exl_opts *o, const struct exl_config *c,
			  struct exl_err *err)
{
	int rc = 0;

	if (!o->dir && c->log_dir && set_str(&o->dir, c->log_dir) < 0)
		rc = exl_errf(err, "exp-log: out of memory");
	if (!o->group && c->group && exl_valid_group(c->group) == 0 &&
	    set_str(&o->group, c->group) < 0)
		rc = exl_errf(err, "exp-log: out of memory");
	if (!o->run_type && c->mode) {
		o->run_type = exl_parse_mode(c->mode, err);
		if (!o->run_type)
			rc = -1;
	}
	if (!o->status_interval_set) {
		o->status_interval = c->status_interval;
		o->status_interval_set = 1;
	}
	if (c->hash_data)
		o->hash_data = 1;
	if (!o->telemetry_set) {
		o->telemetry = c->telemetry_interval > 0 ?
			       (unsigned int)c->telemetry_interval : 0;
		o->telemetry_set = 1;
	}
	if (!o->wandb && c->wandb_mode && set_str(&o->wandb, c->wandb_mode) < 0)
		rc = exl_errf(err, "exp-log: out of memory");
	if (!o->wandb_project && c->wandb_project &&
	    (set_str(&o->wandb_project, c->wandb_project) < 0 ||
	     (!o->wandb_entity && c->wandb_entity &&
	      set_str(&o->wandb_entity, c->wandb_entity) < 0)))
		rc = exl_errf(err, "exp-log: out of memory");
	return rc;
}
