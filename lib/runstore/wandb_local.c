/* wandb_local.c - the W&B section's local/synced lines (wandb_local.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstore/owned.h"
#include "runstore/wandb_local.h"
#include "runstore/runlog_keys.h"

void exl_wandb_local_start(const char *wandb_dir, char *buf, size_t len)
{
	snprintf(buf, len, "%s (offline runs go to `%s`; named here when the "
		 "job ends)", EXL_WANDB_LOCAL_NONE_YET, wandb_dir);
}

void exl_wandb_local_run_id(const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "`%s` (WANDB_RUN_ID, WANDB_RESUME=allow: one W&B "
		 "run across requeues and --exp-resume)", id);
}

/* set: key to value, over the plugin's "none yet" line or its own
 * earlier value; a human's value stays. */
static int set(struct exl_doc *d, size_t sec, const char *key,
	       const char *value, int fresh, struct exl_rr_map *owned)
{
	if (fresh) {
		if (exl_doc_set_key(d, sec, key, value) < 0)
			return -1;
		return owned && exl_owned_remember(owned, "W&B", key, value) < 0 ?
		       -1 : 0;
	}
	return exl_owned_set(d, sec, "W&B", key, value, owned) < 0 ? -1 : 0;
}

int exl_wandb_local_end(struct exl_doc *d, const char *wandb_dir,
			const struct exl_wandb_finalize_report *rep,
			struct exl_rr_map *owned)
{
	long sec = exl_doc_find_section(d, "W&B", 0);
	char *cur, local[4400], synced[4400];
	int fresh;

	if (sec < 0)
		return 0;
	cur = exl_doc_get_key(d, (size_t)sec, EXL_K_LOCAL);
	if (!cur)
		return 0;
	fresh = strncmp(cur, EXL_WANDB_LOCAL_NONE_YET,
			strlen(EXL_WANDB_LOCAL_NONE_YET)) == 0;
	free(cur);
	/* neither the start line nor an earlier end: not an offline run */
	if (!fresh && !exl_owned_get(owned, "W&B", EXL_K_LOCAL))
		return 0;
	if (rep->runs == 0) {
		snprintf(local, sizeof(local), "none created (the job never "
			 "started W&B; WANDB_DIR was `%s`)", wandb_dir);
		snprintf(synced, sizeof(synced), "n/a (nothing to sync)");
	} else {
		if (rep->runs == 1)
			snprintf(local, sizeof(local), "`%s`", rep->newest);
		else
			snprintf(local, sizeof(local), "`%s` (newest of %u "
				 "offline runs in `%s`)", rep->newest, rep->runs,
				 wandb_dir);
		snprintf(synced, sizeof(synced), "pending — run `exp-wandb-sync "
			 "sync %s`", rep->newest);
	}
	if (set(d, (size_t)sec, "local", local, fresh, owned) < 0 ||
	    set(d, (size_t)sec, "synced", synced, fresh, owned) < 0)
		return -1;
	return 0;
}
