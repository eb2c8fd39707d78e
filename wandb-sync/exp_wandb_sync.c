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
	"usage: exp-wandb-sync COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Offline W&B runs on a cluster: find them, slim them, sync them.\n"
	"\n"
	"commands:\n"
	"  list [ROOT...]        show every W&B run: id, state, size, synced, run log\n"
	"  slim RUN...           remove transient artifact staging/cache data (dry run\n"
	"                        unless --yes)\n"
	"  sync RUN...|--all-unsynced\n"
	"                        upload runs with `wandb sync` and record their URLs\n"
	"                        in the exp-log run logs (dry run unless --yes)\n"
	"\n"
	"`exp-wandb-sync COMMAND --help` shows a command's options; the manual is\n"
	"exp-wandb-sync(1).  Exit status: 0 ok, 1 some syncs failed, 2 usage, 3 error.\n";

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
	if (argc < 2) {
		fputs(usage, stderr);
		return EXL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return EXL_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("exp-wandb-sync (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return EXL_EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	cli_err("unknown command '%s' (try --help)", argv[1]);
	return EXL_EXIT_USAGE;
}
