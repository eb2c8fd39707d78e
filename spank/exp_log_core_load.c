/* exp_log_core_load.c - find and load exp_log_core.so (exp_log_core.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <slurm/spank.h>

#include "exp_log_core.h"

static const struct exp_log_core_ops *core;
static int tried;

const struct exp_log_core_ops *exp_log_core(void)
{
	char path[4096];
	const char *slash;
	Dl_info info;
	void *h;

	if (tried)
		return core;
	tried = 1;
	/* beside this plugin, wherever plugstack.conf says that is */
	if (!dladdr((void *)exp_log_core, &info) || !info.dli_fname ||
	    !(slash = strrchr(info.dli_fname, '/'))) {
		slurm_error("exp-log: couldn't find the plugin's own directory");
		return NULL;
	}
	snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - info.dli_fname),
		 info.dli_fname, EXP_LOG_CORE_FILE);
	/* NODELETE: a telemetry thread may outlive the step's last hook */
	h = dlopen(path, RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
	if (!h) {
		slurm_error("exp-log: couldn't load %s: %s: reinstall exp-log (both .so files)",
			    path, dlerror());
		return NULL;
	}
	core = dlsym(h, EXP_LOG_CORE_SYMBOL);
	if (!core || core->abi != EXP_LOG_CORE_ABI) {
		slurm_error("exp-log: %s does not match this exp_log.so: reinstall exp-log",
			    path);
		core = NULL;
	}
	return core;
}
