/* Unit tests: plugstack.conf arguments. */
#include <string.h>

#include "config/plugargs.h"
#include "tap.h"

int main(void)
{
	struct exl_plugargs pa;
	struct exl_err err;
	char *none[] = { NULL };
	char *good[] = { "config=/etc/site/exp-log.yaml" };
	char *rel[] = { "config=exp-log.yaml" };
	char *unknown[] = { "confg=/x" };
	char *bare[] = { "verbose" };

	ok(exl_plugargs_parse(&pa, 0, none, &err) == 0 &&
	   strcmp(pa.site_config, "/etc/slurm/exp-log.yaml") == 0, "defaults");
	ok(exl_plugargs_parse(&pa, 1, good, &err) == 0 &&
	   strcmp(pa.site_config, "/etc/site/exp-log.yaml") == 0, "config=PATH");
	ok(exl_plugargs_parse(&pa, 1, rel, &err) < 0 &&
	   strstr(err.text, "give an absolute path"), "relative path refused");
	ok(exl_plugargs_parse(&pa, 1, unknown, &err) < 0 &&
	   strcmp(err.text, "exp-log: plugstack.conf: unknown argument 'confg=/x': the plugin takes config=/path/to/exp-log.yaml") == 0,
	   "unknown key named");
	ok(exl_plugargs_parse(&pa, 1, bare, &err) < 0, "bare word refused");
	return done_testing();
}
