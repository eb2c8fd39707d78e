/* sized.h - a history record of an exact encoded size, for tests that
 * need a file to end a given number of bytes before a block boundary. */
#ifndef EXL_TEST_SIZED_H
#define EXL_TEST_SIZED_H

#include <stdlib.h>
#include <string.h>

#include "wandb/wandb_write.h"

/* A history record exactly want bytes long (its value string sized to
 * hit it); p is NULL when no value length gets there. */
static struct exl_wandb_blob __attribute__((unused))
history_of_size(size_t want)
{
	struct exl_wandb_blob d = { NULL, 0 };
	size_t n;

	for (n = want > 40 ? want - 40 : 0; n <= want; n++) {
		char *v = malloc(n + 1);

		if (!v)
			break;
		memset(v, '1', n);
		v[n] = '\0';
		d = exl_wandb_enc_history(1, "f", v, 0);
		free(v);
		if (d.len == want)
			return d;
		free(d.p);
		d.p = NULL;
		if (d.len > want)
			break;
	}
	d.p = NULL;
	return d;
}

#endif
