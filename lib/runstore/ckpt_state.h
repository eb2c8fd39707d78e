/* ckpt_state.h - is a run's checkpoint ready to leave the cluster?
 *
 * A checkpoint may be published only with MODEL_PASSPORT.json and
 * SIGNOFF.json beside it (seeds/001, "Publishing Checkpoints").  This
 * looks for the two files in the checkpoint's directory and reads the
 * signoff's verdict and whether it carries a signature, so that the
 * word a table shows agrees with passport(1); it does not verify hashes
 * or keys (`passport verify --require-signoff` does).
 */
#ifndef EXL_CKPT_STATE_H
#define EXL_CKPT_STATE_H

#include <stddef.h>

enum exl_ckpt_state {
	EXL_CKPT_NA,		/* no checkpoint recorded */
	EXL_CKPT_NONE,		/* no passport (or checkpoint not here) */
	EXL_CKPT_PASSPORT,	/* MODEL_PASSPORT.json only */
	EXL_CKPT_SIGNED,	/* both, the signoff with a signature */
	EXL_CKPT_UNSIGNED,	/* both, the signoff without one (no --key) */
	EXL_CKPT_BAD,		/* SIGNOFF.json unreadable or no verdict */
};

/* "n/a", "none", "passport only", "signed", "unsigned", "bad signoff". */
const char *exl_ckpt_state_name(enum exl_ckpt_state st);

/* The checkpoint directory for a Results value: backticks removed, a
 * relative path taken against base, a file replaced by its directory.
 * Returns -1 when there is no value or it does not fit. */
int exl_ckpt_dir(const char *value, const char *base, char *out,
		 size_t len);

/* The state for a Results checkpoint value (NULL: none recorded). */
enum exl_ckpt_state exl_ckpt_state(const char *value, const char *base);

/* Top-level directories found missing, so that thousands of checkpoints
 * on storage this machine does not mount cost one lookup, not one each.
 * Zero it before use; good for one pass over the run logs. */
struct exl_ckpt_memo {
	char missing[8][64];
	int n;
};

/* exl_ckpt_state with a memo (may be NULL). */
enum exl_ckpt_state exl_ckpt_state_memo(const char *value, const char *base,
					struct exl_ckpt_memo *memo);

#endif
