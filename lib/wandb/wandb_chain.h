/* wandb_chain.h - one W&B run made of several offline run directories.
 *
 * A job requeued by Slurm (or resumed with --exp-resume) starts W&B
 * again with the same WANDB_RUN_ID; each start writes its own
 * "offline-run-<time>-<id>" directory beside the earlier ones.  Those
 * directories are the links of one chain: one W&B run, synced in the
 * order they were written, the first with `wandb sync DIR` and every
 * later one with `wandb sync --append DIR`.
 *
 * Run ids: W&B makes 8 characters of [a-z0-9] (wandb.util.generate_id);
 * exp-log makes the same, and accepts letters, digits and '_' (1 to
 * EXL_WANDB_RUN_ID_MAX characters) from a person.  '-' is refused: in a
 * run directory's name it starts W&B's optional suffix.
 */
#ifndef EXL_WANDB_CHAIN_H
#define EXL_WANDB_CHAIN_H

#include <stddef.h>
#include <time.h>

/* Longest run id accepted; the length of the ones made. */
#define EXL_WANDB_RUN_ID_MAX 64
#define EXL_WANDB_RUN_ID_LEN 8

/* 0 when id is a run id exp-log may export, -1 when not. */
int exl_wandb_valid_run_id(const char *id);

/* A new random run id (EXL_WANDB_RUN_ID_LEN of [a-z0-9]) into buf (at
 * least EXL_WANDB_RUN_ID_LEN + 1 bytes).  0, or -1 (errno) when the
 * kernel gave no random bytes. */
int exl_wandb_new_run_id(char *buf, size_t len);

/* One run directory to group: its path, run id and start time. */
struct exl_wandb_chain_in {
	const char *dir;
	const char *id;
	time_t created;
};

/* Where each input landed: its chain (0, 1, ... ordered by parent
 * directory, then run id), its link number (1 = first) and the chain's
 * length. */
struct exl_wandb_chain_pos {
	size_t chain, link, links;
};

/* Group runs into chains: runs with the same id whose directories sit
 * in the same parent directory.  Links are ordered by start time, then
 * by path; a run without an id is a chain of its own.  order (n
 * entries) gets the input indices chain by chain, link by link; pos[i]
 * tells where input i landed.  Returns the number of chains. */
size_t exl_wandb_chains(const struct exl_wandb_chain_in *in, size_t n,
			size_t *order, struct exl_wandb_chain_pos *pos);

#endif
