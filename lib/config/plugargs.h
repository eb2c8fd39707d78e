/* plugargs.h - the plugin's arguments on its plugstack.conf line:
 *
 *   optional /usr/lib/.../exp_log.so [config=/etc/slurm/exp-log.yaml]
 */
#ifndef EXL_PLUGARGS_H
#define EXL_PLUGARGS_H

#include "util/exl_err.h"

#define EXL_SITE_CONFIG_DEFAULT "/etc/slurm/exp-log.yaml"

struct exl_plugargs {
	char site_config[4096];	/* the site's exp-log.yaml */
};

/* Defaults first, then each "key=value"; an unknown key or a bad value
 * is an error naming it (the admin sees it in the slurmd log and in
 * sbatch's output). */
int exl_plugargs_parse(struct exl_plugargs *pa, int ac, char **av,
		       struct exl_err *err);

#endif
