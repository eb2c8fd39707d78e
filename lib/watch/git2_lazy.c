/* git2_lazy.c - load libgit2 on first use (git2_lazy.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "exl_build.h"
#include "watch/git2_lazy.h"

static struct exl_git2 table;
static char failure[256];
static int tried;

/* load: dlopen libgit2 and look up every function; 0, or -1 with the
 * reason in failure. */
static int load(void)
{
	void *h, *sym;

	/* NODELETE: the table outlives any caller; LOCAL: its symbols
	 * never satisfy another module's */
	h = dlopen(GIT2_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h) {
		snprintf(failure, sizeof(failure), "couldn't load %s: %s",
			 GIT2_SONAME, dlerror());
		return -1;
	}
#define EXL_GIT2_LOOKUP(f)						\
	if (!(sym = dlsym(h, #f))) {					\
		snprintf(failure, sizeof(failure),			\
			 "%s has no %s: reinstall exp-log", GIT2_SONAME, #f); \
		memset(&table, 0, sizeof(table));			\
		return -1;						\
	}								\
	memcpy(&table.f, &sym, sizeof(sym));
	EXL_GIT2_FUNCTIONS(EXL_GIT2_LOOKUP)
#undef EXL_GIT2_LOOKUP
	return 0;
}

const struct exl_git2 *exl_git2(struct exl_err *err)
{
	if (!tried) {
		tried = 1;
		if (load() == 0)
			failure[0] = '\0';
	}
	if (failure[0]) {
		exl_errf(err, "%s", failure);
		return NULL;
	}
	return &table;
}
