/* exp_wandb_sync.c - exp-wandb-sync: offline W&B runs on a cluster.
 *
 *   list  every W&B run under some roots, read from its own record log
 *   slim  remove transient artifact staging/cache data (dry run first)
 *   sync  run `wandb sync` with bounded concurrency and timeouts, record
 *         the URL in the exp-log run log
 *
 * See exp-wandb-sync(1).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "exl_build.h"
#include "wsync.h"

static const char usage[] =
	"Usage: exp-wandb-sync COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Offline W&B runs on a cluster: find them, slim them, sync them.\n"
	"\n"
	"commands:\n"
	"  list [ROOT...]        show every W&B run: id, state, size, synced, run log\n"
	"  slim RUN...           remove transient artifact staging/cache data (dry run\n"
	"                        unless --yes)\n"
	"  sync RUN...|--all-unsynced [ROOT...]\n"
	"                        upload runs with `wandb sync` and record their URLs\n"
	"                        in the exp-log run logs (dry run unless --yes)\n"
	"\n"
	"  -h, --help            this help; `exp-wandb-sync COMMAND --help` shows a\n"
	"                        command's options\n"
	"  -V, --version         print the version\n"
	"\n"
	"The manual is exp-wandb-sync(1).  Exit status: 0 ok, 1 some syncs failed,\n"
	"2 usage, 3 error.\n";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "list", cmd_list },
		{ "slim", cmd_slim },
		{ "sync", cmd_sync },
	};
	size_t i;

	cli_init(argv[0]);
	if (argc < 2)
		return cli_missing(NULL, "COMMAND (list, slim or sync)", usage);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return EXL_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))
		return cli_version();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		return cli_usage_err(NULL, "unknown option '%s'", argv[1]);
	return cli_usage_err(NULL, "unknown command '%s' (list, slim or sync)",
			     argv[1]);
}
