/* config_flat.h - the user's exp-log.yaml, parsed where root cannot come
 * back (issue 19, finding 7).
 *
 * slurmstepd's user_init runs with the job user's effective uid but a
 * saved uid of 0: a memory bug in the YAML reader or a pattern compiler
 * fed by the user's file would be root.  So the parent (root may come
 * back) reads only the site file, which is root's; a child that has
 * dropped to the job user for good layers the user file over a copy of
 * it and sends back a struct exl_config_flat: the settings a user file
 * may change, in fixed-size fields (no pointers), and the problems
 * found.  The parent checks that struct again as hostile input (bounds,
 * NUL-terminated strings, ranges, enums, the site's allowed_roots)
 * before it overlays it on the site view: the site-only keys never come
 * from the child, so a user file cannot widen what the site allows.
 */
#ifndef EXL_CONFIG_FLAT_H
#define EXL_CONFIG_FLAT_H

#include <sys/types.h>

#include "config/config.h"

#define EXL_CFG_FLAT_MAGIC 0x65786c31u	/* "exl1" */
#define EXL_CFG_FLAT_PATH 4096	/* log_dir, NUL included (PATH_MAX) */
#define EXL_CFG_FLAT_TEXT 1025	/* a pattern or glob (1024 + NUL) */
#define EXL_CFG_FLAT_NAME 81	/* group, W&B names (80 + NUL) */
#define EXL_CFG_FLAT_LIST 64	/* error patterns, checkpoint globs */

/* Which text fields are set (NULL in struct exl_config when clear). */
#define EXL_CFG_FLAT_LOG_DIR 0x001u
#define EXL_CFG_FLAT_GROUP 0x002u
#define EXL_CFG_FLAT_MODE 0x004u
#define EXL_CFG_FLAT_WANDB_MODE 0x008u
#define EXL_CFG_FLAT_WANDB_ENTITY 0x010u
#define EXL_CFG_FLAT_WANDB_PROJECT 0x020u
#define EXL_CFG_FLAT_STEP 0x040u
#define EXL_CFG_FLAT_LOSS 0x080u
#define EXL_CFG_FLAT_VAL_LOSS 0x100u
#define EXL_CFG_FLAT_ALL 0x1ffu

/* The user-settable part of struct exl_config, flat. */
struct exl_config_flat {
	unsigned int magic;	/* EXL_CFG_FLAT_MAGIC */
	unsigned int set;	/* EXL_CFG_FLAT_* bits */
	int status_interval, stall_intervals, telemetry_interval, hash_data;
	long long hash_data_max;
	unsigned int n_error_patterns, n_checkpoint_patterns;
	char log_dir[EXL_CFG_FLAT_PATH];
	char group[EXL_CFG_FLAT_NAME], mode[EXL_CFG_FLAT_TEXT];
	char wandb_mode[EXL_CFG_FLAT_NAME];
	char wandb_entity[EXL_CFG_FLAT_NAME], wandb_project[EXL_CFG_FLAT_NAME];
	char pattern_step[EXL_CFG_FLAT_TEXT], pattern_loss[EXL_CFG_FLAT_TEXT];
	char pattern_val_loss[EXL_CFG_FLAT_TEXT];
	char error_patterns[EXL_CFG_FLAT_LIST][EXL_CFG_FLAT_TEXT];
	char checkpoint_patterns[EXL_CFG_FLAT_LIST][EXL_CFG_FLAT_TEXT];
	struct exl_config_problems probs;	/* the user file's */
};

/* Copy c's user-settable values and probs into f (zeroed first).
 * Returns 0, or -1 with err when a value does not fit (a list longer
 * than EXL_CFG_FLAT_LIST). */
int exl_config_flat_pack(const struct exl_config *c,
			 const struct exl_config_problems *probs,
			 struct exl_config_flat *f, struct exl_err *err);

/* Check f as hostile input: magic, known set bits, every string
 * NUL-terminated in its field and empty when its bit is clear, numbers in
 * the schema's ranges, modes and names valid, patterns and globs one line
 * (globs relative, without ".."), an absolute log_dir inside site's
 * allowed_roots, problem lines terminated.  Nothing is compiled or
 * followed but log_dir's components (exl_config_root_allowed).  Returns 0,
 * or -1 with err naming the field. */
int exl_config_flat_check(const struct exl_config_flat *f,
			  const struct exl_config *site, struct exl_err *err);

/* Overlay a checked f on c (the site view): the user-settable fields are
 * replaced, the site-only ones kept.  Returns 0, or -1 when out of memory
 * (c can still be freed). */
int exl_config_flat_apply(struct exl_config *c,
			  const struct exl_config_flat *f);

/* Defaults, then the site file only (site_path, NULL:
 * EXL_CONFIG_SITE_PATH).  Never looks at $HOME.  c must not hold anything
 * yet.  Returns 0, or -1 when probs got a problem. */
int exl_config_load_site(struct exl_config *c, const char *site_path,
			 struct exl_config_problems *probs);

/* Who parses the user file, and how long it may take. */
struct exl_config_user {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;	/* supplementary groups (ngroups of them) */
	int ngroups;
	int timeout_s;
	/* run in the child after the drop, before the user file is read
	 * (NULL: nothing); the plugin's test hook records its uids there */
	void (*in_child)(void *arg);
	void *arg;
};

/* The job's view, as exl_config_load gives it, with the user file
 * (user_path, NULL: none) parsed in a child dropped to u's uid, gid and
 * groups for good (exl_as_user_out; in-process when the caller already is
 * that uid for good).  The child's struct goes through
 * exl_config_flat_check; a child that fails or sends something refused
 * leaves the site view and one problem naming user_path.  When the caller
 * already runs as u's uid and sees no file at user_path, no child is
 * forked: the view is the site's.  c must not hold
 * anything yet.  Returns 0 when everything applied cleanly, -1 when probs
 * got a problem. */
int exl_config_load_as_user(struct exl_config *c, const char *site_path,
			    const char *user_path,
			    const struct exl_config_user *u,
			    struct exl_config_problems *probs);

#endif
