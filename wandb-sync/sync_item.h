/* sync_item.h - one run through exp-wandb-sync sync: plan, result,
 * report. */
#ifndef SYNC_ITEM_H
#define SYNC_ITEM_H

#include "sync_exec.h"
#include "wsync.h"

enum sync_status {
	SYNC_PLANNED,		/* would be synced (dry run) */
	SYNC_SKIPPED,		/* not synced, see skip */
	SYNC_NO_DEST,		/* entity or project unknown */
	SYNC_OK,
	SYNC_FAILED,
	SYNC_INTERRUPTED,
	SYNC_BLOCKED,		/* an earlier link of its chain is not synced */
};

struct sync_item {
	struct wrun w;
	const char *entity, *project;
	const char *entity_from, *project_from;	/* "flag", "run log" */
	enum sync_status status;
	char why[512];		/* skip, failure or missing destination */
	char *argv[10];
	int named;		/* named on the command line */
	size_t chain, link, links;	/* its W&B run's links (wandb_chain.h) */
	int append;		/* `wandb sync --append`: not the first link */
	struct sync_task *task;	/* while it runs */
	char url[1024];
	const char *url_from;	/* "output" or "built" */
	char *stderr_tail;	/* cleaned and redacted */
	int recorded;		/* URL written into the run log */
	char record_error[512];
};

struct sync_summary {
	int dry_run;
	const char *wandb;	/* executable, NULL when not found */
	const char *key_from;	/* "file", "environment" or NULL */
	const char *key_file;
	char key_problem[512];
	size_t n;
	size_t planned, ok, failed, skipped, no_dest, blocked;
};

/* sync_plan.c: the runs named on the command line, or every unsynced
 * offline run under the roots (default roots without any).  Returns the
 * count (items in *out), -1 with a message printed. */
int sync_collect_named(char **args, size_t n, struct sync_item **out);
int sync_collect_unsynced(char **roots, size_t n, struct sync_item **out);

/* sync_chain.c: every other link of the named runs' chains (the
 * offline runs with the same id beside them), added to *items.  -1 (a
 * message printed) when out of memory. */
int sync_add_links(struct sync_item **items, size_t *n);

/* Sort the items chain by chain, link by link, and set their chain
 * fields; links already synced that were not named are dropped (they
 * only tell that the next link appends).  Returns the new count. */
size_t sync_order_chains(struct sync_item *items, size_t n);

/* After sync_plan: a link whose earlier link will not be synced is
 * blocked (W&B gets the links in order or not at all); the others learn
 * whether they append. */
void sync_plan_chains(struct sync_item *items, struct sync_summary *s);

/* A link that failed: the planned links after it in its chain are
 * blocked.  Returns how many. */
size_t sync_block_after(struct sync_item *items, size_t n,
			const struct sync_item *failed);

/* Decide each item's status and destination (flags first, then the run
 * log); named: the user named the runs.  Counts go into s. */
void sync_plan(struct sync_item *items, struct sync_summary *s,
	       const char *entity, const char *project, int named);

/* sync_env.c: the wandb executable (opt, else wandb on PATH), or NULL. */
char *sync_find_wandb(const char *opt);

/* The API key from token_file or the default key files; with none, notes
 * that the environment has WANDB_API_KEY.  -1 (s->key_problem says why)
 * when there is no usable key.  *key stays NULL for the environment. */
int sync_get_key(const char *token_file, struct sync_summary *s,
		 char **key_file, char **key);

/* This process's environment with WANDB_API_KEY set to key (when not
 * NULL); sync_free_env wipes the entry that holds the key. */
char **sync_child_env(const char *key);
void sync_free_env(char **env, const char *key);

/* The plan, before anything runs (text). */
void sync_print_plan(const struct sync_item *it, const struct sync_summary *s);

/* One result line (and the stderr tail of a failure), as it happens. */
void sync_print_result(const struct sync_item *it);

/* The closing line ("dry run: ...", "2 of 5 syncs failed"). */
void sync_print_summary(const struct sync_summary *s);

/* Everything as JSON on stdout. */
void sync_print_json(const struct sync_item *it, const struct sync_summary *s);

#endif
