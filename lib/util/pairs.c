/* pairs.c - split "k1=v1,k2=v2" (see pairs.h). */
#include <stdlib.h>
#include <string.h>

#include "util/pairs.h"

int exl_pairs_each(const char *pairs, exl_pair_fn fn, void *arg)
{
	char *copy = strdup(pairs ? pairs : ""), *kv, *save = NULL;
	int rc = 0;

	if (!copy)
		return -1;
	for (kv = strtok_r(copy, ",", &save); kv && rc == 0;
	     kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq || eq == kv)
			continue;
		*eq = '\0';
		rc = fn(arg, kv, eq + 1);
	}
	free(copy);
	return rc;
}
