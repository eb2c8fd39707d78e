/* wandb_chain.c - run ids and chains of offline run directories
 * (wandb_chain.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "wandb/wandb_chain.h"

int exl_wandb_valid_run_id(const char *id)
{
	size_t n = id ? strlen(id) : 0, i;

	if (n == 0 || n > EXL_WANDB_RUN_ID_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return -1;
	}
	return 0;
}

int exl_wandb_new_run_id(char *buf, size_t len)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[EXL_WANDB_RUN_ID_LEN * 2];
	size_t i = 0, k = 0;
	ssize_t got;

	if (len < EXL_WANDB_RUN_ID_LEN + 1) {
		errno = ERANGE;
		return -1;
	}
	while (i < EXL_WANDB_RUN_ID_LEN) {
		if (k == 0 || k >= sizeof(r)) {
			got = getrandom(r, sizeof(r), 0);
			if (got < (ssize_t)sizeof(r)) {
				if (got >= 0)
					errno = EIO;
				return -1;
			}
			k = 0;
		}
		/* 252 = 7 * 36: no bias towards the first letters */
		if (r[k] < 252)
			buf[i++] = set[r[k] % 36];
		k++;
	}
	buf[i] = '\0';
	return 0;
}

/* parent_len: the length of dir's parent ("a/b/c" -> 3, trailing
 * slashes ignored; 0 when there is no slash). */
static size_t parent_len(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	while (n > 0 && dir[n - 1] != '/')
		n--;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n;
}

/* by_link: parent directory, run id, start time, then path. */
static int by_link(const void *x, const void *y, void *arg)
{
	const struct exl_wandb_chain_in *in = arg;
	const struct exl_wandb_chain_in *a = &in[*(const size_t *)x];
	const struct exl_wandb_chain_in *b = &in[*(const size_t *)y];
	size_t la = parent_len(a->dir), lb = parent_len(b->dir);
	int c = strncmp(a->dir, b->dir, la < lb ? la : lb);

	if (c == 0 && la != lb)
		c = la < lb ? -1 : 1;
	if (c == 0)
		c = strcmp(a->id ? a->id : "", b->id ? b->id : "");
	if (c == 0 && a->created != b->created)
		c = a->created < b->created ? -1 : 1;
	return c ? c : strcmp(a->dir, b->dir);
}

/* same_chain: a and b are links of one chain (no id: a chain alone). */
static int same_chain(const struct exl_wandb_chain_in *a,
		      const struct exl_wandb_chain_in *b)
{
	size_t la = parent_len(a->dir), lb = parent_len(b->dir);

	return a->id && b->id && a->id[0] && strcmp(a->id, b->id) == 0 &&
	       la == lb && strncmp(a->dir, b->dir, la) == 0;
}

size_t exl_wandb_chains(const struct exl_wandb_chain_in *in, size_t n,
			size_t *order, struct exl_wandb_chain_pos *pos)
{
	size_t chains = 0, i, start, k;

	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), by_link, (void *)in);
	for (start = 0; start < n; start = i) {
		for (i = start + 1; i < n && same_chain(&in[order[start]],
							&in[order[i]]); i++)
			;
		for (k = start; k < i; k++) {
			pos[order[k]].chain = chains;
			pos[order[k]].link = k - start + 1;
			pos[order[k]].links = i - start;
		}
		chains++;
	}
	return chains;
}
