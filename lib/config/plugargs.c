/* plugargs.c - plugstack.conf arguments (see plugargs.h). */
#include <stdio.h>
#include <string.h>

#include "config/plugargs.h"

int exl_plugargs_parse(struct exl_plugargs *pa, int ac, char **av,
		       struct exl_err *err)
{
	static const char *const keys[] = { "config", NULL };
	int i;

	snprintf(pa->site_config, sizeof(pa->site_config), "%s",
		 EXL_SITE_CONFIG_DEFAULT);
	for (i = 0; i < ac; i++) {
		const char *eq = strchr(av[i], '=');
		size_t kl = eq ? (size_t)(eq - av[i]) : strlen(av[i]);

		if (eq && kl == strlen(keys[0]) && strncmp(av[i], keys[0], kl) == 0) {
			if (eq[1] != '/' ||
			    snprintf(pa->site_config, sizeof(pa->site_config),
				     "%s", eq + 1) >= (int)sizeof(pa->site_config))
				return exl_errf(err, "exp-log: plugstack.conf: config=%s: give an absolute path",
						eq + 1);
			continue;
		}
		return exl_errf(err, "exp-log: plugstack.conf: unknown argument '%s': the plugin takes config=/path/to/exp-log.yaml",
				av[i]);
	}
	return 0;
}
