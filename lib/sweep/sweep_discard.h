/* sweep_discard.h - runs a person marked "discard" in experiments.md,
 * so that sbatch-exp --rerun failed can warn before repeating one (the
 * same statepoints and the same config, by its sha256). */
#ifndef EXL_SWEEP_DISCARD_H
#define EXL_SWEEP_DISCARD_H

#include <stddef.h>

/* One discarded run: its stem, statepoints and config sha256 ("" when
 * the run log names none). */
struct exl_discarded {
	char stem[128];
	char sp[512];
	char sha[65];
};

struct exl_discards {
	struct exl_discarded *v;
	size_t n;
};

/* The runs of root's group whose status cell in the group's
 * experiments.md starts with "discard".  -1 when out of memory; a group
 * without experiments.md has none. */
int exl_sweep_discards(const char *root, const char *group,
		       struct exl_discards *out);

/* The first discarded run with statepoints sp and config sha256 sha
 * ("" or NULL: no config), or NULL. */
const struct exl_discarded *exl_sweep_discarded(const struct exl_discards *d,
						const char *sp,
						const char *sha);

void exl_sweep_discards_free(struct exl_discards *d);

#endif
